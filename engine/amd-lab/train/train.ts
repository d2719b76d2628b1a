/**
 * Training the centralita detector's second opinion (engine/amd/model.ts): a logistic regression over the opener
 * features at each HUMAN decision of the rules, fitted on the corpus' TUNING split only. Pure and deterministic:
 * the same samples in the same order give the same weights, bit for bit (full-batch gradient descent from zero,
 * fixed steps, no randomness).
 *
 * The threshold is chosen from out-of-fold scores (5 folds by file), so it is not picked on the very scores
 * the weights were fitted to: the threshold maximises machines won − 2 × people lost, counting only the files
 * the rules (with the async watch) get wrong in the end — a machine the watch already pulls back gains nothing,
 * and a person turned into MACHINE is an abandoned call (Ofcom), worse than a wasted agent. If no threshold
 * gains, it is left above 1: the model then only writes its opinion in the trace.
 */
import { FEATURE_NAMES, sigmoid, type AmdModel } from '../../amd/index.js';

export interface TrainingSample {
  file: string;
  features: number[];
  /** 1 = machine. */
  label: 0 | 1;
  /** Whether the rules alone (first verdict, or the watch's late MACHINE) end right on this file. */
  rulesRight: boolean;
  /** The file's index: variants of one file (codec paths) share it and so fall in the same fold. */
  group?: number;
  /**
   * A render made for training (train/stress.ts), not a corpus file: it helps the fit, but the threshold is chosen on
   * corpus files only, so that renders cannot outvote the people the threshold would lose.
   */
  render?: boolean;
}

export interface FitOptions {
  steps: number;
  rate: number;
  /** L2 on the standardised weights (not the bias). */
  l2: number;
}

export const DEFAULT_FIT: FitOptions = { steps: 3000, rate: 0.3, l2: 0.01 };
/** A person lost costs this many machines won. */
export const HUMAN_COST = 2;
const FOLDS = 5;

function round(x: number, digits = 6): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function fitLogistic(xs: number[][], ys: number[], o: FitOptions = DEFAULT_FIT) {
  const d = xs[0]?.length ?? 0;
  const n = xs.length;
  const mean = Array.from({ length: d }, (_, j) => xs.reduce((a, x) => a + x[j]!, 0) / n);
  const std = Array.from({ length: d }, (_, j) => {
    const s = Math.sqrt(xs.reduce((a, x) => a + (x[j]! - mean[j]!) ** 2, 0) / n);
    return s > 1e-9 ? s : 1;
  });
  const z = xs.map((x) => x.map((v, j) => (v - mean[j]!) / std[j]!));
  const w = new Array<number>(d).fill(0);
  let b = 0;
  for (let step = 0; step < o.steps; step++) {
    const gw = new Array<number>(d).fill(0);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      let s = b;
      for (let j = 0; j < d; j++) s += w[j]! * z[i]![j]!;
      const err = sigmoid(s) - ys[i]!;
      gb += err;
      for (let j = 0; j < d; j++) gw[j]! += err * z[i]![j]!;
    }
    for (let j = 0; j < d; j++) w[j] = w[j]! - o.rate * (gw[j]! / n + o.l2 * w[j]!);
    b -= o.rate * (gb / n);
  }
  return { mean, std, weights: w, bias: b };
}

function score(m: { mean: number[]; std: number[]; weights: number[]; bias: number }, x: readonly number[]): number {
  let s = m.bias;
  for (let j = 0; j < x.length; j++) s += m.weights[j]! * ((x[j]! - m.mean[j]!) / m.std[j]!);
  return sigmoid(s);
}

export interface ThresholdChoice {
  threshold: number;
  machinesWon: number;
  humansLost: number;
}

/** The threshold (0.50–0.99) with the most machines won − HUMAN_COST × people lost; ties go to the higher one. */
export function chooseThreshold(samples: readonly TrainingSample[], p: readonly number[]): ThresholdChoice {
  let best: ThresholdChoice = { threshold: 2, machinesWon: 0, humansLost: 0 };
  let bestGain = 0;
  for (let k = 99; k >= 50; k--) {
    const thr = k / 100;
    let won = 0;
    let lost = 0;
    samples.forEach((s, i) => {
      if (p[i]! < thr || s.render) return;
      if (s.label === 1 && !s.rulesRight) won++;
      if (s.label === 0 && s.rulesRight) lost++;
    });
    const gain = won - HUMAN_COST * lost;
    if (gain > bestGain) {
      bestGain = gain;
      best = { threshold: thr, machinesWon: won, humansLost: lost };
    }
  }
  return best;
}

/** Fits on every sample; picks the threshold on out-of-fold scores. */
export function trainModel(samples: readonly TrainingSample[], about: Record<string, unknown> = {}, o: FitOptions = DEFAULT_FIT): { model: AmdModel; choice: ThresholdChoice } {
  const xs = samples.map((s) => s.features);
  const ys = samples.map((s) => s.label);
  const oof = new Array<number>(samples.length).fill(0);
  const fold = (i: number) => (samples[i]!.group ?? i) % FOLDS;
  for (let f = 0; f < FOLDS; f++) {
    const trainIdx = samples.map((_, i) => i).filter((i) => fold(i) !== f);
    const m = fitLogistic(trainIdx.map((i) => xs[i]!), trainIdx.map((i) => ys[i]!), o);
    samples.forEach((_, i) => {
      if (fold(i) === f) oof[i] = score(m, xs[i]!);
    });
  }
  const choice = chooseThreshold(samples, oof);
  const fit = fitLogistic(xs, ys, o);
  const model: AmdModel = {
    features: [...FEATURE_NAMES],
    mean: fit.mean.map((v) => round(v)),
    std: fit.std.map((v) => round(v)),
    weights: fit.weights.map((v) => round(v)),
    bias: round(fit.bias),
    threshold: choice.threshold,
    trainedOn: {
      ...about,
      samples: samples.length,
      machines: ys.filter((y) => y === 1).length,
      humans: ys.filter((y) => y === 0).length,
      fit: o,
      thresholdFrom: `out-of-fold scores (${FOLDS} folds): ${choice.machinesWon} machines the rules miss won, ${choice.humansLost} people lost`,
    },
  };
  return { model, choice };
}
