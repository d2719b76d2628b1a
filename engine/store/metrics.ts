/**
 * Pure metric math over CallLogs and agent events (no I/O). The repository in repos/metrics.ts feeds it rows.
 * Seed-compatible field names (`calls_made` …) are kept because the API and the web app already speak them.
 */
import type { Disposition } from '../events/types.js';

export interface CallForMetrics {
  disposition: Disposition | null;
  talkMs: number | null;
  endedAt: number | null;
}

export interface StateEvent {
  toState: string;
  at: number;
}

export interface UserMetrics {
  /** Ended calls attributed to the user. */
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
