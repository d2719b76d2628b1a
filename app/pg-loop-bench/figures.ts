/**
 * The pure figures of `bench:pg-loop` (./bench-command.ts): percentiles of delay samples and the calls answered
 * in a phase (how late the engine heard an ARI event is app/pg/engine-loop-probe.ts's).
 */

export interface DelayFigures {
  /** Samples measured. */
  n: number;
  p50: number;
  p99: number;
  max: number;
}

/** p50 / p99 / max of samples in ms (nearest rank, rounded to 0.1 ms); all 0 when there is none. */
export function delayFigures(samples: readonly number[]): DelayFigures {
  if (samples.length === 0) return { n: 0, p50: 0, p99: 0, max: 0 };
  const s = [...samples].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
  const r = (x: number) => Math.round(x * 10) / 10;
  return { n: s.length, p50: r(at(50)), p99: r(at(99)), max: r(s[s.length - 1]!) };
}

/** One CallLog as the bench reads it from PostgreSQL. */
export interface PhaseCall {
  answeredAt: number | null;
  amdAt: number | null;
  bridgedAt: number | null;
  disposition: string | null;
}

export interface PhaseCalls {
  /** Calls answered in the phase. */
  answered: number;
  /** Answered humans: bridged to an agent, or dropped (no agent in time). */
  humans: number;
  dropped: number;
  /** Answer → AMD verdict (ms). */
  amdWaitMs: DelayFigures;
  /** Answer → bridged to an agent (ms), of the humans bridged. */
  bridgeWaitMs: DelayFigures;
}

/** The calls answered in [from, to): what the engine's reactions cost them. */
export function phaseCalls(rows: readonly PhaseCall[], from: number, to: number): PhaseCalls {
  const inPhase = rows.filter((r) => r.answeredAt !== null && r.answeredAt >= from && r.answeredAt < to);
  return {
    answered: inPhase.length,
    humans: inPhase.filter((r) => r.bridgedAt !== null || r.disposition === 'DROPPED').length,
    dropped: inPhase.filter((r) => r.disposition === 'DROPPED').length,
    amdWaitMs: delayFigures(inPhase.filter((r) => r.amdAt !== null).map((r) => r.amdAt! - r.answeredAt!)),
    bridgeWaitMs: delayFigures(inPhase.filter((r) => r.bridgedAt !== null).map((r) => r.bridgedAt! - r.answeredAt!)),
  };
}
