/**
 * The safe-harbor message a dropped human hears (`sound:centralita/safe-harbor`), recorded with espeak-ng in
 * English and Spanish and converted by ffmpeg to what Asterisk plays without transcoding: 8 kHz mono 16-bit WAV.
 * Written as `<dir>/en/centralita/safe-harbor.wav` and `<dir>/es/centralita/safe-harbor.wav` (the layout of
 * Asterisk's sounds folder: copy `<dir>` over /var/lib/asterisk/sounds/).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const SAFE_HARBOR_SOUND = 'centralita/safe-harbor';

export interface SafeHarborText {
  company?: string;
  callback?: string;
}

/** The words, per language: who called and how to call back, as a safe-harbor message must say. */
export function safeHarborText(lang: 'en' | 'es', t: SafeHarborText = {}): string {
  if (lang === 'es') {
    const who = t.company ? `Le llamamos de ${t.company}. ` : '';
    const back = t.callback ? ` Puede llamarnos al ${t.callback.split('').join(' ')}.` : '';
    return `${who}Disculpe, en este momento no hay ningún agente disponible para atenderle. Le volveremos a llamar.${back} Gracias, adiós.`;
  }
  const who = t.company ? `This call is from ${t.company}. ` : '';
  const back = t.callback ? ` You can call us at ${t.callback.split('').join(' ')}.` : '';
  return `${who}Sorry, no agent is free to take your call right now. We will call you back.${back} Thank you, goodbye.`;
}

/** Records both languages into `soundsDir`; returns the files written. Needs espeak-ng and ffmpeg on PATH. */
export async function recordSafeHarbor(soundsDir: string, text: SafeHarborText = {}): Promise<string[]> {
  const work = mkdtempSync(join(tmpdir(), 'centralita-sh-'));
  const files: string[] = [];
  try {
    for (const [lang, voice] of [['en', 'en-us'], ['es', 'es']] as const) {
      const raw = join(work, `${lang}.wav`);
      await run('espeak-ng', ['-v', voice, '-s', '150', '-w', raw, safeHarborText(lang, text)], { timeout: 30_000 });
      const dir = join(soundsDir, lang, 'centralita');
      mkdirSync(dir, { recursive: true });
      const out = join(dir, 'safe-harbor.wav');
      await run('ffmpeg', ['-y', '-loglevel', 'error', '-i', raw, '-ar', '8000', '-ac', '1', '-c:a', 'pcm_s16le', out], { timeout: 30_000 });
      files.push(out);
    }
    return files;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
