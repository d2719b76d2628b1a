/**
 * `npx tsx engine/amd-lab/train/watch-voice-study.ts [--dir .cache/amd-corpus]`
 *
 * Is the talk that makes a late MONOLOGUE / PROMPTS the same voice that answered? A recording reading on is; a TV,
 * music or a room behind a person who stopped for the agent is another voice, or many. On the TUNING split only
 * (never held-out): every file the detector (as amd:eval runs it) pulls back late by MONOLOGUE or PROMPTS, the
 * pitch (voice-cues.ts) of the opener's foreground frames against the watch's talk: median pitch difference
 * (semitones), the share of the talk's loud frames that are pitched, its mean periodicity. People (wrongly pulled
 * back) vs machines (rightly).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readWav } from '../../audio/index.js';
import { amdParamsSchema } from '../../amd/index.js';
import { frameCues, type FrameCues } from './voice-cues.js';
import { planCorpus } from '../corpus/plan.js';
import { evaluateSamples, FRAME_SAMPLES } from '../eval/evaluate.js';

const st = (f: number) => 12 * Math.log2(f / 100);
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : NaN);

export interface WindowVoice {
  pitchSt: number;
  pitchedShare: number;
  periodicity: number;
}

/** The voice of frames [from, to) (ms): its loud frames (≥ 0.3 of the window's loudest), their pitch. */
export function windowVoice(samples: Int16Array, fromMs: number, toMs: number): WindowVoice {
  const a = Math.max(1, Math.floor(fromMs / 20));
  const b = Math.min(Math.floor(samples.length / FRAME_SAMPLES), Math.ceil(toMs / 20));
  const frames: Array<{ e: number; c: FrameCues }> = [];
  for (let f = a; f < b; f++) {
    const cur = samples.subarray(f * FRAME_SAMPLES, (f + 1) * FRAME_SAMPLES);
    let e = 0;
    for (const s of cur) e += Math.abs(s);
    frames.push({ e: e / FRAME_SAMPLES, c: frameCues(cur, samples.subarray((f - 1) * FRAME_SAMPLES, f * FRAME_SAMPLES)) });
  }
  const top = Math.max(1, ...frames.map((f) => f.e));
  const loud = frames.filter((f) => f.e >= 0.3 * top);
  const pitched = loud.filter((f) => f.c.f0 > 0);
  return {
    pitchSt: median(pitched.map((f) => st(f.c.f0))),
    pitchedShare: loud.length ? pitched.length / loud.length : 0,
    periodicity: loud.length ? loud.reduce((s, f) => s + f.c.periodicity, 0) / loud.length : 0,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { dir: { type: 'string', default: '.cache/amd-corpus' } } });
  const dir = values.dir!;
  let meta: Map<string, { kind: string; split: string; structure: string }>;
  try {
    meta = new Map((JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')).files as Array<{ file: string; kind: string; split: string; structure: string }>).map((f) => [f.file, f]));
  } catch {
    meta = new Map(planCorpus({ humans: 600, machines: 600, seed: 7 }).map((f) => [f.file, f]));
  }
  const params = amdParamsSchema.parse({ mode: 'centralita' });
  const names = (await readdir(dir)).filter((n) => n.endsWith('.wav') && meta.get(n)?.split === 'tuning').sort();
  const rows: Array<{ file: string; kind: string; cause: string; diff: number; talk: WindowVoice; opener: WindowVoice }> = [];
  for (const file of names) {
    const wav = await readWav(join(dir, file));
    const { decision } = evaluateSamples(wav.samples, params);
    const late = decision.late;
    if (!late || !/^(MONOLOGUE|PROMPTS)/.test(late.cause)) continue;
    const words = decision.trace?.words ?? [];
    if (!words.length) continue;
    const opener = windowVoice(wav.samples, words[0]!.startMs, words[words.length - 1]!.endMs);
    const span = late.cause.startsWith('MONOLOGUE') ? Number(late.cause.split('-')[1]) : late.decisionMs - decision.decisionMs;
    const talk = windowVoice(wav.samples, late.decisionMs - span, late.decisionMs);
    rows.push({ file, kind: meta.get(file)!.kind, cause: late.cause, diff: talk.pitchSt - opener.pitchSt, talk, opener });
  }
  for (const r of rows.sort((x, y) => x.kind.localeCompare(y.kind) || Math.abs(x.diff) - Math.abs(y.diff)))
    process.stdout.write(
      `${r.kind.padEnd(8)} ${r.file.padEnd(40)} ${r.cause.padEnd(22)} Δpitch ${r.diff.toFixed(1).padStart(6)} st  talk pitched ${r.talk.pitchedShare.toFixed(2)} per ${r.talk.periodicity.toFixed(2)}  opener pitched ${r.opener.pitchedShare.toFixed(2)} per ${r.opener.periodicity.toFixed(2)}\n`,
    );
}

if (process.argv[1]?.endsWith('watch-voice-study.ts')) await main();
