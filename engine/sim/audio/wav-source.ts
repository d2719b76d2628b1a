import { readFileSync } from 'node:fs';
import { parseWav } from '../../audio/index.js';
import { samples, type AudioSource } from './source.js';

/**
 * A WAV file (8 kHz mono, 16-bit PCM or µ-law) as callee audio, so real recordings can drive scripts. Read
 * once, synchronously, when the script is built: scripts are built at dial time and must not await.
 */
export function wavSamples(path: string): Int16Array {
  const wav = parseWav(readFileSync(path));
  if (wav.sampleRate !== 8000 || wav.channels !== 1) {
    throw new Error(`${path}: the simulator plays 8 kHz mono WAV, got ${wav.sampleRate} Hz × ${wav.channels}`);
  }
  return wav.samples;
}

export const wavSource = (path: string): AudioSource => samples(wavSamples(path));
