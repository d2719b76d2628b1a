/**
 * Synthetic, speech-like audio produced in code from a seed: syllable-length energy bursts (100–300 ms) of a
 * voiced buzz (a fundamental with harmonics and breath noise) under a smooth envelope, separated by short
 * pauses inside words and longer ones between words, over a low noise floor. Not intelligible speech, but it
 * has the energy rhythm energy-based AMD (Asterisk's app_amd, ours) listens to.
 */
import { mulberry32, uniform, type Rng } from './rng.js';
import { FRAME_SAMPLES, SAMPLE_RATE, type AudioSource } from './source.js';

export interface SpeechOptions {
  /** Total length of the utterance (speech plus the pauses inside it). */
  ms: number;
  seed: number;
  /** Peak level of syllables, linear (default drawn 3000–9000). */
  level?: number;
  /** Noise floor amplitude, linear (default drawn 20–120); 0 for none. */
  noiseFloor?: number;
}

/** Builds the sample buffer of an utterance; pure given its options. */
export function speechSamples(opts: SpeechOptions): Int16Array {
  const rng: Rng = mulberry32(opts.seed);
  const total = Math.round((opts.ms / 1000) * SAMPLE_RATE);
  const out = new Int16Array(total);
  const level = opts.level ?? uniform(rng, 3000, 9000);
  const floor = opts.noiseFloor ?? uniform(rng, 20, 120);
  let at = 0;
  let syllablesLeftInWord = 1 + Math.floor(rng() * 3);
  while (at < total) {
    const sylLen = Math.round(uniform(rng, 0.1, 0.3) * SAMPLE_RATE);
    const f0 = uniform(rng, 95, 240);
    const gain = level * uniform(rng, 0.5, 1);
    let phase = 0;
    for (let i = 0; i < sylLen && at + i < total; i++) {
      // Raised-cosine envelope so that each syllable swells and fades like a voiced sound.
      const env = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / sylLen);
      phase += (2 * Math.PI * f0 * (1 + 0.03 * Math.sin(i / 400))) / SAMPLE_RATE;
      const voiced = Math.sin(phase) + 0.5 * Math.sin(2 * phase) + 0.3 * Math.sin(3 * phase) + 0.15 * Math.sin(5 * phase);
      const breath = (rng() * 2 - 1) * 0.25;
      out[at + i] = clamp(gain * env * (voiced / 1.95 + breath));
    }
    at += sylLen;
    syllablesLeftInWord--;
    const pause = syllablesLeftInWord > 0 ? uniform(rng, 0.02, 0.08) : uniform(rng, 0.12, 0.4);
    if (syllablesLeftInWord <= 0) syllablesLeftInWord = 1 + Math.floor(rng() * 3);
    at += Math.round(pause * SAMPLE_RATE);
  }
  if (floor > 0) for (let i = 0; i < total; i++) out[i] = clamp(out[i]! + (rng() * 2 - 1) * floor);
  return out;
}

/** An utterance as a streaming source, synthesized on first pull (scripts build many they may never play). */
export function speech(opts: SpeechOptions): AudioSource {
  let buf: Int16Array | null = null;
  let at = 0;
  return {
    next(out) {
      buf ??= speechSamples(opts);
      if (at >= buf.length) return false;
      for (let i = 0; i < FRAME_SAMPLES; i++) out[i] = buf[at + i] ?? 0;
      at += FRAME_SAMPLES;
      return true;
    },
  };
}

/** Background noise only (a line that is open but nobody talks), forever or for `ms`. */
export function noiseFloor(seed: number, amplitude: number, ms = Infinity): AudioSource {
  const rng = mulberry32(seed);
  let left = ms / 20;
  return {
    next(out) {
      if (left <= 0) return false;
      left--;
      for (let i = 0; i < FRAME_SAMPLES; i++) out[i] = Math.round((rng() * 2 - 1) * amplitude);
      return true;
    },
  };
}

function clamp(x: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(x)));
}
