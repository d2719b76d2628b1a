/**
 * Text to 8 kHz speech with the Debian tools: espeak-ng speaks (22.05 kHz WAV), sox band-limits it to the
 * telephone band and resamples to 8 kHz 16-bit signed raw.
 */
import { execFile } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const TOOLS = { espeak: 'espeak-ng', sox: 'sox' } as const;

async function onPath(bin: string): Promise<boolean> {
  for (const dir of (process.env['PATH'] ?? '/usr/bin:/bin').split(':')) {
    try {
      await access(join(dir, bin), constants.X_OK);
      return true;
    } catch {
      // not in this directory
    }
  }
  return false;
}

/** Returns a message saying what is missing and how to install it, or null when both tools are there. */
export async function checkTools(): Promise<string | null> {
  const missing: string[] = [];
  if (!(await onPath(TOOLS.espeak))) missing.push('espeak-ng');
  if (!(await onPath(TOOLS.sox))) missing.push('sox');
  if (missing.length === 0) return null;
  return (
    `amd:corpus needs ${missing.join(' and ')} on the PATH.\n` +
    `Install on Debian/Ubuntu:  sudo apt-get install -y espeak-ng sox\n` +
    `             on Fedora:    sudo dnf install -y espeak-ng sox\n` +
    `             on macOS:     brew install espeak-ng sox\n`
  );
}

export interface SpeakOptions {
  voice: string;
  speedWpm: number;
  pitch: number;
}

/** Speaks `text` and returns 8 kHz mono 16-bit samples. Repeatable: sox -R seeds its dither. */
export async function speak(text: string, opts: SpeakOptions): Promise<Int16Array> {
  const dir = await mkdtemp(join(tmpdir(), 'amd-corpus-'));
  try {
    const wav = join(dir, 'speech.wav');
    await run(TOOLS.espeak, ['-v', opts.voice, '-s', String(opts.speedWpm), '-p', String(opts.pitch), '-w', wav, '--', text]);
    const { stdout } = await run(
      TOOLS.sox,
      ['-V1', '-R', wav, '-t', 'raw', '-r', '8000', '-e', 'signed', '-b', '16', '-c', '1', '-L', '-', 'gain', '-6', 'highpass', '250', 'lowpass', '3400'],
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
    );
    const buf = Buffer.from(stdout);
    const out = new Int16Array(buf.length >> 1);
    for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(i * 2);
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
