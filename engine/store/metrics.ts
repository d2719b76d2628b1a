/**
 * Pure metric math over CallLogs and agent events (no I/O). The repository in repos/metrics.ts feeds it rows.
 * Seed-compatible field names (`calls_made` …) are kept because the API and the web app already speak them.
 */
import { zonedBucketStarts } from '../clock/index.js';
import type { Disposition } from '../events/index.js';

export interface CallForMetrics {
  disposition: Disposition | null;
  talkMs: number | null;
  endedAt: number | null;
}

export interface StateEvent {
  toState: string;
  at: number;
}

/** The call figures users, teams and the organisation share. */
export interface CallFigures {
  /** Ended calls attributed to the user (or the group). */
  calls_made: number;
  /** Calls that reached a live person (ANSWERED_HUMAN). */
  calls_success: number;
  calls_failed: number;
  /** Seconds. */
  total_talk_time: number;
  /** Seconds of talk per successful call (talk only accrues on connected calls). */
  avg_call_duration: number;
  /** Average handle time, seconds: (talk + wrap-up) per successful call. */
  aht: number;
  /** 0–100. */
  success_pct: number;
}

export interface UserMetrics extends CallFigures {
  /** Seconds spent per agent state in the window (from agent events). */
  time_in_state: Record<string, number>;
}

export const SUCCESS_DISPOSITION: Disposition = 'ANSWERED_HUMAN';

const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * Milliseconds per state in [from, to) from a time-ordered event list. `initial` is the state before the first
 * event (from the event just before the window), so a window that opens mid-state is counted.
 */
export function timeInState(events: readonly StateEvent[], from: number, to: number, initial: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  let state = initial;
  let since = from;
  for (const e of events) {
    if (e.at < from) {
      state = e.toState;
      continue;
    }
    if (e.at >= to) break;
    if (state !== null) out[state] = (out[state] ?? 0) + (e.at - since);
    state = e.toState;
    since = e.at;
  }
  if (state !== null && to > since) out[state] = (out[state] ?? 0) + (to - since);
  return out;
}

export function deriveUserMetrics(calls: readonly CallForMetrics[], stateMs: Record<string, number> = {}): UserMetrics {
  const ended = calls.filter((c) => c.endedAt !== null);
  const made = ended.length;
  const success = ended.filter((c) => c.disposition === SUCCESS_DISPOSITION).length;
  const talkMs = ended.reduce((s, c) => s + (c.talkMs ?? 0), 0);
  const wrapMs = stateMs.WRAP_UP ?? 0;
  const talkS = talkMs / 1000;
  const timeInStateS: Record<string, number> = {};
  for (const [k, v] of Object.entries(stateMs)) timeInStateS[k] = round2(v / 1000);
  return {
    calls_made: made,
    calls_success: success,
    calls_failed: made - success,
    total_talk_time: round2(talkS),
    avg_call_duration: success === 0 ? 0 : round2(talkS / success),
    aht: success === 0 ? 0 : round2((talkMs + wrapMs) / 1000 / success),
    success_pct: made === 0 ? 0 : round2((100 * success) / made),
    time_in_state: timeInStateS,
  };
}

/** Counts summed over a set of ended calls (a team, the organisation, one hour or day), e.g. by one SQL GROUP BY. */
export interface CallAggregate {
  /** Ended calls. */
  made: number;
  /** ANSWERED_HUMAN. */
  success: number;
  /** DROPPED: a human answered and no agent took the call (abandoned). */
  dropped: number;
  /** Milliseconds of talk. */
  talkMs: number;
}

export const EMPTY_AGGREGATE: CallAggregate = { made: 0, success: 0, dropped: 0, talkMs: 0 };

export interface GroupMetrics extends CallFigures {
  /** Humans answered: connected (ANSWERED_HUMAN) plus dropped. */
  humans: number;
  dropped: number;
  /** 0–100: dropped / humans answered (the US abandonment rule the pacing governor follows). */
  abandon_pct: number;
}

/** Team / organisation figures from an aggregate and the wrap-up time of its agents in the same window. */
export function deriveGroupMetrics(a: CallAggregate, wrapMs = 0): GroupMetrics {
  const humans = a.success + a.dropped;
  return {
    calls_made: a.made,
    calls_success: a.success,
    calls_failed: a.made - a.success,
    total_talk_time: round2(a.talkMs / 1000),
    avg_call_duration: a.success === 0 ? 0 : round2(a.talkMs / 1000 / a.success),
    aht: a.success === 0 ? 0 : round2((a.talkMs + wrapMs) / 1000 / a.success),
    success_pct: a.made === 0 ? 0 : round2((100 * a.success) / a.made),
    humans,
    dropped: a.dropped,
    abandon_pct: humans === 0 ? 0 : round2((100 * a.dropped) / humans),
  };
}

export const BUCKET_MS = { hour: 3600_000, day: 24 * 3600_000 } as const;
export type BucketSize = keyof typeof BUCKET_MS;

/** Start times of the local hour/day buckets (in `timeZone`) covering [from, to). */
export function bucketStarts(from: number, to: number, size: BucketSize, timeZone = 'UTC'): number[] {
  return zonedBucketStarts(from, to, size, timeZone);
}

/**
 * Service level: the share (0–100) of humans connected to an agent within `withinMs` of being recognised as
 * human (AMD decision, or answer when no AMD ran). Dropped humans count as missed; null when no human answered.
 */
export function serviceLevelPct(humans: number, connectedWithin: number): number | null {
  return humans === 0 ? null : round2((100 * connectedWithin) / humans);
}
