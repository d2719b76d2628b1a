/**
 * `centralita amd:train [--dir .cache/amd-corpus] [--out engine/amd/amd-model.json]`
 *
 * Runs the centralita rules (no model) over the corpus' TUNING split — never the held-out one — takes the opener
 * features at every HUMAN decision, fits the second opinion's logistic regression (train.ts) and writes its
 * weights as JSON. Besides the corpus files, renders of a third of the tuning files' channels with nobody talking
 * (dead air, music only: stress.ts) are machines to learn from. Deterministic: the same corpus gives the same
 * file, byte for byte.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { assertTelephonyAudio, readWav } from '../../audio/index.js';
import { amdParamsSchema, createCentralitaDetector, DEFAULT_TUNING, type AmdDecision } from '../../amd/index.js';
import { DEFAULT_CORPUS_DIR } from '../corpus/corpus-command.js';
import { readManifest } from '../eval/eval-command.js';
import { FRAME_SAMPLES } from '../eval/evaluate.js';
import { HalfBandDecimator } from '../../media/index.js';
import { isCorrectWithLate, type LabelledResult } from '../eval/summary.js';
import { stressRenders } from './stress.js';
import { trainModel, type TrainingSample } from './train.js';

export const DEFAULT_MODEL_PATH = 'engine/amd/amd-model.json';
/** One tuning file in this many lends its channel to the dead-air and music renders (stress.ts). */
export const STRESS_EVERY = 6;

/** The rules over one file, as amd:eval runs them, with the features at the HUMAN decision (if any). */
export function rulesWithFeatures(samples: Int16Array): { decision: AmdDecision; features: number[] | null } {
  const params = amdParamsSchema.parse({ mode: 'centralita' });
  let features: number[] | null = null;
  const det = createCentralitaDetector(params, {}, { ...DEFAULT_TUNING, model: null, onFeatures: (x) => (features = x) });
  let decision: AmdDecision | null = null;
  for (let at = 0; at + FRAME_SAMPLES <= samples.length; at += FRAME_SAMPLES) {
    decision = det.pushFrame(samples.subarray(at, at + FRAME_SAMPLES)) ?? decision;
    if (decision && det.wantsAudio === false) break;
  }
  if (!decision || det.wantsAudio) decision = det.finish('timeout');
  return { decision, features };
}

/** Lanczos (a = 4) weights for the sample halfway between x[i] and x[i + 1], from x[i − 3] … x[i + 4]. */
const HALF = Array.from({ length: 8 }, (_, j) => {
  const d = j - 3 - 0.5;
  const sinc = (v: number) => Math.sin(Math.PI * v) / (Math.PI * v);
  return sinc(d) * sinc(d / 4);
});

/**
 * The file as the detector gets it from a slin16 call: upsampled to 16 kHz (windowed sinc), then brought back to
 * 8 kHz by the media plane's decimator. Its frame energies differ a little from the file's, and a file on a
 * threshold of the rules can be decided a few frames earlier or later — so the model learns from both.
 */
export function slin16RoundTrip(x: Int16Array): Int16Array {
  const up = new Int16Array(x.length * 2);
  for (let n = 0; n < x.length; n++) {
    let mid = 0;
    for (let j = 0; j < 8; j++) mid += (x[n - 3 + j] ?? 0) * HALF[j]!;
    up[2 * n] = x[n]!;
    up[2 * n + 1] = Math.max(-32768, Math.min(32767, Math.round(mid)));
  }
  const out = new Int16Array(x.length);
  new HalfBandDecimator().process(up, out);
  return out;
}

/**
 * The training samples of a corpus folder: its tuning files the rules call HUMAN, in file-name order, each as it is
 * and through the slin16 path (slin16RoundTrip) — the people,
 * and the machines the rules miss in the end (the async watch does not pull them back). A machine the watch pulls
 * back needs no second opinion; fitting on those (mostly long greetings that paused once) taught the model their
 * shape, not the short greetings, IVRs and music it has to catch (tuning split, out-of-fold: +6 machines for 2
 * people with them, +7 for 1 without).
 */
export async function collectSamples(dir: string, opts: { stress?: boolean } = {}): Promise<TrainingSample[]> {
  const manifest = await readManifest(dir);
  if (!manifest) throw new Error(`amd:train needs the corpus manifest (manifest.json) in ${dir}`);
  const names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith('.wav') && manifest.get(n)?.split === 'tuning').sort();
  const out: TrainingSample[] = [];
  for (const [group, file] of names.entries()) {
    const entry = manifest.get(file)!;
    const wav = await readWav(join(dir, file));
    assertTelephonyAudio(wav, file);
    for (const samples of [wav.samples, slin16RoundTrip(wav.samples)]) {
      const { decision, features } = rulesWithFeatures(samples);
      if (decision.status !== 'HUMAN' || !features) continue;
      const r: LabelledResult = { file, truth: entry.kind, status: decision.status, decisionMs: decision.decisionMs };
      if (decision.late) r.lateMs = decision.late.decisionMs;
      const rulesRight = isCorrectWithLate(r, 'human');
      if (entry.kind === 'machine' && rulesRight) continue;
      out.push({ file, features, label: entry.kind === 'machine' ? 1 : 0, rulesRight, group });
    }
  }
  if (opts.stress !== false) {
    // Nobody talking over the tuning channels (stress.ts): the dead air and music the corpus has too little of.
    const seed = Number(JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')).seed ?? 7);
    const renders = await stressRenders([...manifest.values()], seed, STRESS_EVERY);
    for (const [k, r] of renders.entries()) {
      for (const samples of [r.samples, slin16RoundTrip(r.samples)]) {
        const { decision, features } = rulesWithFeatures(samples);
        if (decision.status !== 'HUMAN' || !features || decision.late) continue;
        out.push({ file: r.name, features, label: 1, rulesRight: false, group: names.length + k, render: true });
      }
    }
  }
  return out;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      dir: { type: 'string', default: DEFAULT_CORPUS_DIR },
      out: { type: 'string', default: DEFAULT_MODEL_PATH },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stderr.write('Usage: centralita amd:train [--dir .cache/amd-corpus] [--out engine/amd/amd-model.json]\n');
    return 0;
  }
  let samples: TrainingSample[];
  try {
    samples = await collectSamples(values.dir);
  } catch (err) {
    process.stderr.write(`amd:train: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  if (samples.length < 20 || !samples.some((s) => s.label === 1) || !samples.some((s) => s.label === 0)) {
    process.stderr.write(`amd:train: too few HUMAN decisions of both classes on the tuning split (${samples.length})\n`);
    return 1;
  }
  const { model, choice } = trainModel(samples, { corpus: 'amd:corpus tuning split', decisions: 'HUMAN decisions of the rules: people, the machines the rules (with the watch) miss, and renders of tuning channels with nobody talking (stress.ts)' });
  await writeFile(values.out, JSON.stringify(model, null, 2) + '\n');
  process.stdout.write(
    `amd:train: ${samples.length} HUMAN decisions on the tuning split (${model.trainedOn!.machines} machines); ` +
      `threshold ${choice.threshold} (out-of-fold: +${choice.machinesWon} machines, −${choice.humansLost} people); wrote ${values.out}\n`,
  );
  model.features.forEach((f, i) => process.stdout.write(`  ${f.padEnd(12)} ${model.weights[i]!.toFixed(3)}\n`));
  return 0;
}
