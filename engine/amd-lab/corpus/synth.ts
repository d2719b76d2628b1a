/**
 * Text to 8 kHz speech with three Debian synthesisers (espeak-ng, flite, festival's text2wave); sox
 * resamples to 8 kHz 16-bit, shifts the pitch of flite/festival voices and normalises the peak. Results are
 * cached on disk by a hash of everything that shapes them, so a corpus regenerates in seconds.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Generator, VoiceFamily } from './voices.js';

const run = promisify(execFile);

export const TOOLS: Record<Generator | 'sox', string> = { espeak: 'espeak-ng', sox: 'sox', flite: 'flite', festival: 'text2wave' };
const PACKAGES: Record<string, string> = { 'espeak-ng': 'espeak-ng', sox: 'sox', flite: 'flite', text2wave: 'festival festvox-kallpc16k festvox-kdlpc16k festvox-us-slt-hts festvox-ca-ona-hts festvox-italp16k' };

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

/** Returns a message saying what is missing and how to install it, or null when the tools are there. */
export async function checkTools(generators: readonly Generator[] = ['espeak', 'flite', 'festival']): Promise<string | null> {
  const missing: string[] = [];
  for (const bin of [TOOLS.sox, ...generators.map((g) => TOOLS[g])]) if (!(await onPath(bin))) missing.push(bin);
  if (missing.length === 0) return null;
  const pkgs = missing.map((m) => PACKAGES[m] ?? m).join(' ');
  return `amd:corpus needs ${missing.join(' and ')} on the PATH.\nInstall on Debian/Ubuntu:  sudo apt-get install -y ${pkgs}\n`;
}

export interface SpeakRequest {
  family: VoiceFamily;
  /** espeak-ng variant ("+f2") or "". */
  variant: string;
  text: string;
  /** Duration factor: > 1 speaks slower. */
  stretch: number;
  /** espeak-ng: its 0–99 pitch; flite/festival: a pitch shift in cents. */
  pitch: number;
}

/** Festival's diphone voices read bytes, not UTF-8: fold the text to what the voice reads. */
function festivalText(text: string, encoding: 'latin1' | 'ascii' | undefined): Buffer {
  if (encoding === 'ascii') return Buffer.from(text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[¿¡’]/g, (c) => (c === '’' ? "'" : '')), 'latin1');
  return Buffer.from(text.replace(/’/g, "'"), 'latin1');
}

async function synthesise(req: SpeakRequest, dir: string): Promise<string> {
  const wav = join(dir, 'speech.wav');
  const { family } = req;
  if (family.generator === 'espeak') {
    const wpm = Math.round(170 / req.stretch);
    await run(TOOLS.espeak, ['-v', family.voice + req.variant, '-s', String(wpm), '-p', String(req.pitch), '-w', wav, '--', req.text]);
  } else if (family.generator === 'flite') {
    await run(TOOLS.flite, ['-voice', family.voice, '--setf', `duration_stretch=${req.stretch}`, '-t', req.text, '-o', wav]);
  } else {
    const txt = join(dir, 'text.txt');
    await writeFile(txt, festivalText(req.text, family.textEncoding));
    await run(TOOLS.festival, ['-eval', `(voice_${family.voice})`, '-eval', `(Parameter.set 'Duration_Stretch ${req.stretch})`, '-o', wav, txt]);
  }
  return wav;
}

export function speechKey(req: SpeakRequest): string {
  const { family, variant, text, stretch, pitch } = req;
  return createHash('sha1').update(JSON.stringify({ v: 1, f: family.id, voice: family.voice, variant, text, stretch, pitch })).digest('hex');
}

/**
 * Speaks `req.text` and returns 8 kHz mono 16-bit samples, from `cacheDir` when it was spoken before.
 * Repeatable: sox -R seeds its dither.
 */
export async function speak(req: SpeakRequest, cacheDir?: string): Promise<Int16Array> {
  const key = speechKey(req);
  const cached = cacheDir ? join(cacheDir, key.slice(0, 2), `${key}.raw`) : undefined;
  if (cached) {
    try {
      const buf = await readFile(cached);
      return new Int16Array(buf.buffer, buf.byteOffset, buf.length >> 1).slice();
    } catch {
      // not cached yet
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'amd-tts-'));
  try {
    // Festival's diphone voices crash (SIGSEGV) on a few text/duration pairs: nudge the duration and retry,
    // deterministically, so the same request always gives the same audio.
    let wav = '';
    for (let attempt = 0; !wav; attempt++) {
      try {
        wav = await synthesise(attempt === 0 ? req : { ...req, stretch: Math.round((req.stretch + 0.01 * attempt) * 100) / 100 }, dir);
      } catch (err) {
        if (req.family.generator !== 'festival' || attempt >= 3) throw new Error(`${req.family.id} could not say ${JSON.stringify(req.text)}: ${String(err)}`);
      }
    }
    const effects = req.family.generator === 'espeak' || req.pitch === 0 ? [] : ['pitch', String(req.pitch)];
    const { stdout } = await run(
      TOOLS.sox,
      ['-V1', '-R', wav, '-t', 'raw', '-r', '8000', '-e', 'signed', '-b', '16', '-c', '1', '-L', '-', ...effects, 'highpass', '150', 'gain', '-n', '-3'],
      { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
    );
    const buf = Buffer.from(stdout);
    const out = new Int16Array(buf.length >> 1);
    for (let i = 0; i < out.length; i++) out[i] = buf.readInt16LE(i * 2);
    if (cached) {
      await mkdir(join(cacheDir!, key.slice(0, 2)), { recursive: true });
      const tmp = `${cached}.${process.pid}.tmp`;
      await writeFile(tmp, Buffer.from(out.buffer, out.byteOffset, out.byteLength));
      await rename(tmp, cached);
    }
    return out;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
