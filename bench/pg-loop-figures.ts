/**
 * The pure figures of `bench:pg-loop` (./pg-loop-command.ts): percentiles of delay samples, how late the engine
 * heard an ARI event (the PBX stamps each event when it sends it), and the calls answered in a phase.
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

/**
 * How long after the PBX sent an ARI event the engine's loop ran its handler (ms): `timestamp` is ARI's
 * "2026-03-03T15:00:00.000+0000". Null for an event without a readable one. Never below 0 (the two clocks are the
 * same machine's; a sub-millisecond skew is rounded away).
 */
export function ariEventDelayMs(e: { timestamp?: unknown }, heardAt: number): number | null {
  if (typeof e.timestamp !== 'string') return null;
  const sent = Date.parse(e.timestamp.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  if (!Number.isFinite(sent)) return null;
  return Math.max(0, heardAt - sent);
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
