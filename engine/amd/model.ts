/**
 * The centralita detector's second opinion: a logistic regression over features of the opener, read at the
 * moment the rules say HUMAN. The rules are sure of a long greeting, a beep or dead air; where they say HUMAN
 * they only know that a phrase was followed by a pause — and a recording's short first sentence ("Leave a
 * message.", "Thanks for calling …") or on-hold music between notes looks the same to them. The model looks at
 * the same audio more closely (how the energy moves, how regular the words are, what the pause sounds like) and,
 * when it is very sure, turns the HUMAN into MACHINE (`MODEL-<p%>-<threshold%>`).
 *
 * Explainable by construction: every feature is one number with a name, the score is a weighted sum of the
 * standardised features, and the trace lists the features that pushed it most (weight × standardised value).
 * Only frame energies and timing are read (no samples), so `replayAmdTrace` stays exact.
 * The weights come from `npm run amd:train` over the corpus' tuning split (engine/amd-lab/train), committed in
 * amd-model.json.
 */
import type { AmdWordSegment } from './types.js';

/** The features, in the order of the model's weights. Every one is invariant to the line's level. */
export const FEATURE_NAMES = [
  /** Opener: first voice to last (s). */
  'openerSec',
  /** Voiced share of the opener. */
  'density',
  /** Words (voiced segments) in the opener. */
  'words',
  /** Mean word length (s): syllabic speech makes short words; a sustained note or a read-out phrase long ones. */
  'meanWordSec',
  /** Coefficient of variation of the word lengths: speaking-rate regularity. */
  'wordCv',
  /** Longest gap between two words of the opener (s): the first pause after a short phrase. */
  'maxGapSec',
  /** From the line opening to the first voice (s). */
  'startSec',
  /** Loudest opener frame over the noise floor (dB). */
  'snrDb',
  /** Mean |Δ ln energy| from frame to frame over the opener: speech comes and goes with syllables, music less. */
  'modulation',
  /** Coefficient of variation of the opener's voiced energies. */
  'energyCv',
  /** Mean energy of the pause after the opener over the opener's median (music or a room going on). */
  'pauseLevel',
  /** Mean energy before the opener over the opener's median. */
  'preLevel',
  /** Share of the analysed frames the beep tracker heard as a steady tone. */
  'toneShare',
  /**
   * The line's noise floor over the opener's median: a person close to the phone stands well above what is behind
   * them; when nobody talks and the "opener" is the babble, TV or music on the line (dead air), it barely does.
   */
  'floorRatio',
] as const;

export type FeatureName = (typeof FEATURE_NAMES)[number];

/** What the detector knows at a HUMAN decision. Times in ms of audio fed (leading digital silence included). */
export interface OpenerState {
  frameEnergy: readonly number[];
  words: readonly AmdWordSegment[];
  openerStart: number;
  lastVoiceEnd: number;
  voicedMs: number;
  /** ms of digital silence before the line opened. */
  leadZerosMs: number;
  floor: number;
  /** Frames before the decision in which the beep tracker was in a tone. */
  toneFrames: number;
  frameMs: number;
}

function mean(xs: readonly number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

function cv(xs: readonly number[]): number {
  const m = mean(xs);
  if (xs.length < 2 || m <= 0) return 0;
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2))) / m;
}

function median(xs: readonly number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** The feature vector, in FEATURE_NAMES order. */
export function openerFeatures(s: OpenerState): number[] {
  const fm = s.frameMs;
  const e = s.frameEnergy;
  const first = Math.max(0, Math.floor(s.openerStart / fm));
  const last = Math.min(e.length, Math.ceil(s.lastVoiceEnd / fm)); // exclusive
  const opener = e.slice(first, last);
  const med = Math.max(1, median(opener));
  const peak = Math.max(1, ...opener);
  let mod = 0;
  for (let i = 1; i < opener.length; i++) mod += Math.abs(Math.log(opener[i]! + 1) - Math.log(opener[i - 1]! + 1));
  const voicedE = opener.filter((x) => x >= med / 4);
  const pause = e.slice(last);
  const lead = Math.floor(s.leadZerosMs / fm);
  const before = e.slice(lead, first);
  const lens = s.words.map((w) => (w.endMs - w.startMs) / 1000);
  let maxGap = 0;
  for (let i = 1; i < s.words.length; i++) maxGap = Math.max(maxGap, (s.words[i]!.startMs - s.words[i - 1]!.endMs) / 1000);
  const openerMs = Math.max(fm, s.lastVoiceEnd - s.openerStart);
  const analysedFrames = Math.max(1, e.length - lead);
  const x: Record<FeatureName, number> = {
    openerSec: openerMs / 1000,
    density: s.voicedMs / openerMs,
    words: s.words.length,
    meanWordSec: mean(lens),
    wordCv: cv(lens),
    maxGapSec: maxGap,
    startSec: Math.max(0, s.openerStart - s.leadZerosMs) / 1000,
    snrDb: 20 * Math.log10(peak / Math.max(1, s.floor)),
    modulation: opener.length > 1 ? mod / (opener.length - 1) : 0,
    energyCv: cv(voicedE),
    pauseLevel: mean(pause) / med,
    preLevel: mean(before) / med,
    toneShare: s.toneFrames / analysedFrames,
    floorRatio: Math.max(1, s.floor) / med,
  };
  return FEATURE_NAMES.map((n) => x[n]);
}

/** A trained model: standardisation, weights (FEATURE_NAMES order), bias, and the threshold chosen on tuning. */
export interface AmdModel {
  features: string[];
  mean: number[];
  std: number[];
  weights: number[];
  bias: number;
  /** p(machine) at or above which a HUMAN becomes MACHINE (> 1: the model only gives its opinion in the trace). */
  threshold: number;
  /** How it was made: corpus, split, counts — for the reader, not used by the detector. */
  trainedOn?: Record<string, unknown>;
}

export interface ModelOpinion {
  /** p(machine). */
  p: number;
  /** Features by |weight × standardised value|, largest first: what decided. */
  contributions: Array<{ feature: string; value: number; contribution: number }>;
}

export function standardise(model: Pick<AmdModel, 'mean' | 'std'>, x: readonly number[]): number[] {
  return x.map((v, i) => (v - model.mean[i]!) / model.std[i]!);
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export function scoreModel(model: AmdModel, x: readonly number[]): ModelOpinion {
  const z = standardise(model, x);
  let sum = model.bias;
  const contributions = z.map((zi, i) => {
    const c = model.weights[i]! * zi;
    sum += c;
    return { feature: model.features[i]!, value: x[i]!, contribution: c };
  });
  contributions.sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));
  return { p: sigmoid(sum), contributions };
}

/** "p(machine) 0.93: pauseLevel 0.61 (+2.10), modulation 0.12 (+1.40), words 1 (−0.52)" — for trace.notes. */
export function describeOpinion(o: ModelOpinion, top = 3): string {
  const parts = o.contributions
    .slice(0, top)
    .map((c) => `${c.feature} ${Number(c.value.toFixed(3))} (${c.contribution >= 0 ? '+' : '−'}${Math.abs(c.contribution).toFixed(2)})`);
  return `p(machine) ${o.p.toFixed(2)}: ${parts.join(', ')}`;
}
