/** Accuracy and timing over labelled results; NOTSURE and HANGUP count as wrong. */
import type { AmdMode, AmdStatus } from '../types.js';

export type Truth = 'human' | 'machine';

export interface LabelledResult {
  file: string;
  truth: Truth;
  status: AmdStatus;
  decisionMs: number;
  beepAtMs?: number;
  /** The file name says a beep is in it (machine-…-beep.wav); undefined when the name does not say. */
  hasBeep?: boolean;
}

export interface ClassSummary {
  n: number;
  correct: number;
  /** Median decision time over all files of the class (right or wrong): how long the caller waits. */
  medianDecisionMs: number | null;
  /** Median over the correctly classified files only. */
  medianCorrectDecisionMs: number | null;
  notsure: number;
}

export interface ModeSummary {
  mode: AmdMode;
  n: number;
  accuracy: number;
  human: ClassSummary;
  machine: ClassSummary;
  /** Machine files whose name says they end with a beep, and how many of those the detector heard. */
  beep: { files: number; found: number };
}

export function truthFromName(name: string): Truth | null {
  const lower = name.toLowerCase();
  if (lower.startsWith('human')) return 'human';
  if (lower.startsWith('machine')) return 'machine';
  return null;
}

export function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const isCorrect = (r: LabelledResult) => r.status === (r.truth === 'human' ? 'HUMAN' : 'MACHINE');

function classSummary(rs: readonly LabelledResult[]): ClassSummary {
  return {
    n: rs.length,
    correct: rs.filter(isCorrect).length,
    medianDecisionMs: median(rs.map((r) => r.decisionMs)),
    medianCorrectDecisionMs: median(rs.filter(isCorrect).map((r) => r.decisionMs)),
    notsure: rs.filter((r) => r.status === 'NOTSURE').length,
  };
}

export function summarize(mode: AmdMode, results: readonly LabelledResult[]): ModeSummary {
  const correct = results.filter(isCorrect).length;
  const withBeep = results.filter((r) => r.truth === 'machine' && r.hasBeep === true);
  return {
    mode,
    n: results.length,
    accuracy: results.length ? Math.round((correct / results.length) * 10000) / 10000 : 0,
    human: classSummary(results.filter((r) => r.truth === 'human')),
    machine: classSummary(results.filter((r) => r.truth === 'machine')),
    beep: { files: withBeep.length, found: withBeep.filter((r) => r.beepAtMs !== undefined).length },
  };
}
