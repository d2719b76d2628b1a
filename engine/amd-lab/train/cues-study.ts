/**
 * `npx tsx engine/amd-lab/train/cues-study.ts [--dir .cache/amd-corpus] [--slin16] [--json out.json]`
 *
 * Issue 17's sample cues (engine/amd/voice-cues.ts) measured where they would act: at every HUMAN decision of the
 * centralita rules on the corpus' TUNING split (never the held-out one), the opener's energy features (model.ts)
 * and its voice cues (pitch movement, flatness, the pause's periodicity) — for the people and for the machines the
 * rules miss in the end. Prints, per feature, the AUC (missed machines vs people) and where each missed machine
 * falls among the people; then fits the second opinion's logistic regression (train.ts, out-of-fold threshold)
 * with and without the voice cues and prints what it would win and lose.
 *
 * The split comes from the manifest, or from the corpus plan (seed 7, 600 + 600) while the corpus is still being
 * written. Reads labels only to score, as amd:train does; the detector never sees them.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { readWav } from '../../audio/index.js';
import { amdParamsSchema, createCentralitaDetector, DEFAULT_TUNING, FEATURE_NAMES, sigmoid, type AmdDecision } from '../../amd/index.js';
import { frameCues, openerVoiceCues, VOICE_CUE_NAMES, type FrameCues } from './voice-cues.js';
import { planCorpus } from '../corpus/plan.js';
import { FRAME_SAMPLES } from '../eval/evaluate.js';
import { isCorrectWithLate, type LabelledResult } from '../eval/summary.js';
import { readManifest } from '../eval/eval-command.js';
import { stressRenders } from './stress.js';
import { slin16RoundTrip, STRESS_EVERY } from './train-command.js';
import { chooseThreshold, DEFAULT_FIT, fitLogistic, type TrainingSample } from './train.js';

/** Out-of-fold scores (5 folds by file, as train.ts) and the threshold train.ts would choose on them. */
export function outOfFold(samples: readonly TrainingSample[]) {
  const oof = new Array<number>(samples.length).fill(0);
  const fold = (i: number) => (samples[i]!.group ?? i) % 5;
  for (let f = 0; f < 5; f++) {
    const idx = samples.map((_, i) => i).filter((i) => fold(i) !== f);
    const m = fitLogistic(idx.map((i) => samples[i]!.features), idx.map((i) => samples[i]!.label), DEFAULT_FIT);
    samples.forEach((s, i) => {
      if (fold(i) !== f) return;
      let z = m.bias;
      s.features.forEach((v, j) => (z += m.weights[j]! * ((v - m.mean[j]!) / m.std[j]!)));
      oof[i] = sigmoid(z);
    });
  }
  return { oof, choice: chooseThreshold(samples, oof) };
}

export interface CueSample extends TrainingSample {
  cues: number[];
  structure: string;
}

/** The rules over one file; at the HUMAN decision, the energy features and the voice cues of the opener. */
export function rulesWithCues(samples: Int16Array): { decision: AmdDecision; features: number[] | null; cues: number[] | null } {
  const params = amdParamsSchema.parse({ mode: 'centralita' });
  let features: number[] | null = null;
  let cues: number[] | null = null;
  const det = createCentralitaDetector(params, {}, {
    ...DEFAULT_TUNING,
    model: null,
    onFeatures: (x, s) => {
      features = x;
      const first = Math.max(0, Math.floor(s.openerStart / 20));
      const lastOpener = Math.min(s.frameEnergy.length, Math.ceil(s.lastVoiceEnd / 20));
      const end = Math.min(s.frameEnergy.length, Math.round(s.decisionMs / 20));
      const e = s.frameEnergy.slice(first, lastOpener);
      const med = [...e].sort((a, b) => a - b)[Math.floor(e.length / 2)] ?? 0;
      const fc: FrameCues[] = [];
      const voiced: boolean[] = [];
      for (let f = first; f < end; f++) {
        const cur = samples.subarray(f * FRAME_SAMPLES, (f + 1) * FRAME_SAMPLES);
        const prev = f > 0 ? samples.subarray((f - 1) * FRAME_SAMPLES, f * FRAME_SAMPLES) : null;
        fc.push(frameCues(cur, prev));
        voiced.push(f < lastOpener && s.frameEnergy[f]! >= med / 4);
      }
      cues = openerVoiceCues(fc, voiced, lastOpener - first);
    },
  });
  let decision: AmdDecision | null = null;
  for (let at = 0; at + FRAME_SAMPLES <= samples.length; at += FRAME_SAMPLES) {
    decision = det.pushFrame(samples.subarray(at, at + FRAME_SAMPLES)) ?? decision;
    if (decision && det.wantsAudio === false) break;
  }
  if (!decision || det.wantsAudio) decision = det.finish('timeout');
  return { decision, features, cues };
}

async function splitOfFiles(dir: string): Promise<Map<string, { kind: 'human' | 'machine'; split: string; structure: string }>> {
  try {
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { files: Array<{ file: string; kind: 'human' | 'machine'; split: string; structure: string }> };
    return new Map(m.files.map((f) => [f.file, f]));
  } catch {
    return new Map(planCorpus({ humans: 600, machines: 600, seed: 7 }).map((f) => [f.file, f]));
  }
}

export async function collectCueSamples(dir: string, slin16: boolean, stress = false): Promise<CueSample[]> {
  const meta = await splitOfFiles(dir);
  const names = (await readdir(dir)).filter((n) => n.endsWith('.wav') && meta.get(n)?.split === 'tuning').sort();
  const out: CueSample[] = [];
  for (const [group, file] of names.entries()) {
    const entry = meta.get(file)!;
    const wav = await readWav(join(dir, file));
    for (const samples of slin16 ? [wav.samples, slin16RoundTrip(wav.samples)] : [wav.samples]) {
      const { decision, features, cues } = rulesWithCues(samples);
      if (decision.status !== 'HUMAN' || !features || !cues) continue;
      const r: LabelledResult = { file, truth: entry.kind, status: decision.status, decisionMs: decision.decisionMs };
      if (decision.late) r.lateMs = decision.late.decisionMs;
      const rulesRight = isCorrectWithLate(r, 'human');
      if (entry.kind === 'machine' && rulesRight) continue;
      out.push({ file, features, cues, label: entry.kind === 'machine' ? 1 : 0, rulesRight, group, structure: entry.structure });
    }
  }
  if (stress) {
    // As amd:train: renders of every STRESS_EVERY-th tuning channel with nobody talking (needs the manifest).
    const manifest = await readManifest(dir);
    if (!manifest) throw new Error('--stress needs the corpus manifest');
    const seed = Number(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')).seed ?? 7);
    const renders = await stressRenders([...manifest.values()], seed, STRESS_EVERY);
    for (const [k, r] of renders.entries()) {
      for (const samples of slin16 ? [r.samples, slin16RoundTrip(r.samples)] : [r.samples]) {
        const { decision, features, cues } = rulesWithCues(samples);
        if (decision.status !== 'HUMAN' || !features || !cues || decision.late) continue;
        out.push({ file: r.name, features, cues, label: 1, rulesRight: false, group: names.length + k, render: true, structure: r.name.split('#')[1]! });
      }
    }
  }
  return out;
}

/** AUC of "machine scores higher" (0.5 = no separation; < 0.5 = machines lower). */
export function auc(pos: readonly number[], neg: readonly number[]): number {
  let s = 0;
  for (const p of pos) for (const n of neg) s += p > n ? 1 : p === n ? 0.5 : 0;
  return pos.length && neg.length ? s / (pos.length * neg.length) : 0.5;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { dir: { type: 'string', default: '.cache/amd-corpus' }, slin16: { type: 'boolean' }, stress: { type: 'boolean' }, json: { type: 'string' } } });
  const samples = await collectCueSamples(values.dir!, !!values.slin16, !!values.stress);
  const machines = samples.filter((s) => s.label === 1 && !s.render);
  const renders = samples.filter((s) => s.render);
  const people = samples.filter((s) => s.label === 0);
  for (const m of machines) process.stdout.write(`  missed: ${m.file}\n`);
  process.stdout.write(`${samples.length} HUMAN decisions on tuning: ${people.length} people, ${machines.length} machines the rules miss, ${renders.length} renders with nobody talking\n`);
  const names = [...FEATURE_NAMES, ...VOICE_CUE_NAMES];
  const vec = (s: CueSample) => [...s.features, ...s.cues];
  names.forEach((n, j) => {
    const pos = machines.map((s) => vec(s)[j]!);
    const neg = people.map((s) => vec(s)[j]!);
    const sorted = [...neg].sort((a, b) => a - b);
    const pct = (v: number) => Math.round((100 * sorted.filter((x) => x < v).length) / Math.max(1, sorted.length));
    const rAuc = renders.length ? ` renders AUC ${auc(renders.map((s) => vec(s)[j]!), neg).toFixed(2)}` : '';
    process.stdout.write(
      `${n.padEnd(17)}${rAuc} AUC ${auc(pos, neg).toFixed(2)}  people p10 ${sorted[Math.floor(sorted.length * 0.1)]?.toFixed(3)} p50 ${sorted[Math.floor(sorted.length * 0.5)]?.toFixed(3)} p90 ${sorted[Math.floor(sorted.length * 0.9)]?.toFixed(3)}  machines ${pos.map((v) => `${v.toFixed(2)}@${pct(v)}%`).join(' ')}\n`,
    );
  });
  for (const [label, f] of [
    ['energy features (today)', (s: CueSample) => s.features],
    ['energy + voice cues', vec],
    ['voice cues alone', (s: CueSample) => s.cues],
  ] as const) {
    const { choice, oof } = outOfFold(samples.map((s) => ({ ...s, features: f(s) })));
    process.stdout.write(`${label}: out-of-fold threshold ${choice.threshold}: +${choice.machinesWon} machines, −${choice.humansLost} people\n`);
    // The operating points: the most machines won (files, either codec path) for 0, 1, 2, 4 people lost.
    const files = (pick: (s: CueSample) => boolean, thr: number) => new Set(samples.filter((s, i) => pick(s) && oof[i]! >= thr).map((s) => s.file)).size;
    const points = [0, 1, 2, 4].map((lost) => {
      let best = 0;
      for (let k = 999; k >= 1; k--) {
        const thr = k / 1000;
        if (files((s) => s.label === 0 && s.rulesRight, thr) > lost) break;
        best = Math.max(best, files((s) => s.label === 1 && !s.render, thr));
      }
      return `${lost} people → ${best} machines`;
    });
    process.stdout.write(`  out-of-fold operating points (files): ${points.join(', ')}\n`);
  }
  if (values.json) await writeFile(values.json, JSON.stringify(samples.map((s) => ({ file: s.file, label: s.label, structure: s.structure, x: Object.fromEntries(names.map((n, j) => [n, vec(s)[j]])) }))));
}

if (process.argv[1]?.endsWith('cues-study.ts')) await main();
