/**
 * Accuracy and timing over labelled results. `correct` is the first verdict exactly right (NOTSURE and HANGUP
 * count as wrong); `correctWithLate` is the verdict the call ends with: NOTSURE resolved by the campaign's
 * policy (treat as human / as machine), then the async watch's late MACHINE, if any, over it.
 */
import type { AmdMode, AmdStatus } from '../../amd/index.js';

export type Truth = 'human' | 'machine';
export type NotsurePolicy = 'human' | 'machine';

export interface LabelledResult {
  file: string;
  truth: Truth;
  status: AmdStatus;
  decisionMs: number;
  beepAtMs?: number;
  /** The async watch's late MACHINE, ms after answer. */
  lateMs?: number;
  lateCause?: string;
  /** The file holds a beep (from the manifest, or the name …-beep / …-nobeep); undefined when unknown. */
  hasBeep?: boolean;
}

export interface ClassSummary {
  n: number;
  correct: number;
  /** Right in the end: first verdict (NOTSURE per policy) or the async watch's late verdict. */
  correctWithLate: number;
  /** Median decision time over all files of the class (right or wrong): how long the caller waits. */
  medianDecisionMs: number | null;
  /** Median over the correctly classified files only. */
  medianCorrectDecisionMs: number | null;
  notsure: number;
  /** Files the async watch turned into MACHINE after a first HUMAN / NOTSURE verdict. */
  late: number;
}

export interface ModeSummary {
  mode: AmdMode;
  n: number;
  accuracy: number;
  human: ClassSummary;
  machine: ClassSummary;
  /** Machine files that end with a beep, and how many of those the detector heard. */
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

/** The verdict the call ends with: NOTSURE per policy, HANGUP as it is, a late MACHINE over the first one. */
export function finalVerdict(r: LabelledResult, policy: NotsurePolicy): 'HUMAN' | 'MACHINE' | 'HANGUP' {
  if (r.lateMs !== undefined) return 'MACHINE';
  if (r.status === 'NOTSURE') return policy === 'human' ? 'HUMAN' : 'MACHINE';
  return r.status;
}

export const isCorrectWithLate = (r: LabelledResult, policy: NotsurePolicy) => finalVerdict(r, policy) === (r.truth === 'human' ? 'HUMAN' : 'MACHINE');

function classSummary(rs: readonly LabelledResult[], policy: NotsurePolicy): ClassSummary {
  return {
    n: rs.length,
    correct: rs.filter(isCorrect).length,
    correctWithLate: rs.filter((r) => isCorrectWithLate(r, policy)).length,
    medianDecisionMs: median(rs.map((r) => r.decisionMs)),
    medianCorrectDecisionMs: median(rs.filter(isCorrect).map((r) => r.decisionMs)),
    notsure: rs.filter((r) => r.status === 'NOTSURE').length,
    late: rs.filter((r) => r.lateMs !== undefined).length,
  };
}

export function summarize(mode: AmdMode, results: readonly LabelledResult[], policy: NotsurePolicy = 'human'): ModeSummary {
  const correct = results.filter(isCorrect).length;
  const withBeep = results.filter((r) => r.truth === 'machine' && r.hasBeep === true);
  return {
    mode,
    n: results.length,
    accuracy: results.length ? Math.round((correct / results.length) * 10000) / 10000 : 0,
    human: classSummary(results.filter((r) => r.truth === 'human'), policy),
    machine: classSummary(results.filter((r) => r.truth === 'machine'), policy),
    beep: { files: withBeep.length, found: withBeep.filter((r) => r.beepAtMs !== undefined).length },
  };
}
