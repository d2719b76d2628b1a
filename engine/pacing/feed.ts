/**
 * Domain events → the facts a `Pacer` learns from (types.ts `PacingEvent`). Pure: a small
 * reducer over a per-call memo (the engine's shell feeds it every domain event and hands the result to each
 * campaign's pacer).
 *
 *   call.created                → remember placement (and the campaign)
 *   call.answered               → remember the answer
 *   call.amd (MACHINE)          → dial-result machine
 *   call.amd (HUMAN)            → dial-result human (handed to the agent queue at the verdict)
 *   call.bridged                → human-outcome connected
 *   call.dropped                → human-outcome dropped
 *   call.ended after a bridge   → talk-ended (talk = end − bridge)
 *   call.ended without verdict  → dial-result busy | no-answer | failed (CANCELLED: nothing, it is not a result)
 *
 * Calls the feed was told to ignore (test calls, no lead) or never saw created produce nothing.
 */
import type { Disposition, DomainEvent } from '../events/index.js';
import type { DialResult, PacingEvent } from './types.js';

export interface FedCall {
  campaignId: string;
  placedAtMs: number;
  answeredAtMs: number | null;
  verdictAtMs: number | null;
  human: boolean;
  bridgedAtMs: number | null;
}

export interface PacingFeedState {
  /** callId → what is known of it; the entry goes with `call.ended`. */
  readonly calls: Readonly<Record<string, FedCall>>;
}

export interface FedEvent {
  campaignId: string;
  event: PacingEvent;
}

export const emptyFeed = (): PacingFeedState => ({ calls: {} });

/** The dial result of an attempt that ended before AMD said anything. */
export function unresolvedResult(d: Disposition): DialResult | null {
  switch (d) {
    case 'BUSY':
      return 'busy';
    case 'NO_ANSWER':
      return 'no-answer';
    case 'CANCELLED':
      return null;
    default:
      // CONGESTION, INVALID_NUMBER, FAILED, HUNG_UP_DURING_AMD (answered, gone before a verdict), …
      return 'failed';
  }
}

/**
 * One domain event in, the pacing events it implies out. `paced(callId, campaignId)` says whether a created
 * call counts for pacing (the engine excludes test calls).
 */
export function pacingFeedStep(
  state: PacingFeedState,
  e: DomainEvent,
  paced: (e: Extract<DomainEvent, { type: 'call.created' }>) => boolean = (c) => c.leadId !== null,
): { state: PacingFeedState; events: FedEvent[] } {
  if (e.type === 'call.created') {
    if (!paced(e)) return { state, events: [] };
    const call: FedCall = { campaignId: e.campaignId, placedAtMs: e.at, answeredAtMs: null, verdictAtMs: null, human: false, bridgedAtMs: null };
    return { state: { calls: { ...state.calls, [e.callId]: call } }, events: [] };
  }
  const callId = e.type.startsWith('call.') && 'callId' in e ? e.callId : null;
  if (!callId) return { state, events: [] };
  const c = state.calls[callId];
  if (!c) return { state, events: [] };
  const put = (next: FedCall | null, events: PacingEvent[]) => {
    const calls = { ...state.calls };
    if (next) calls[callId] = next;
    else delete calls[callId];
    return { state: { calls }, events: events.map((event) => ({ campaignId: c.campaignId, event })) };
  };
  switch (e.type) {
    case 'call.answered':
      return put({ ...c, answeredAtMs: c.answeredAtMs ?? e.at }, []);
    case 'call.amd': {
      const answeredAtMs = c.answeredAtMs ?? e.at;
      const human = e.treatedAs === 'HUMAN';
      return put({ ...c, answeredAtMs, verdictAtMs: e.at, human }, [
        { type: 'dial-result', placedAtMs: c.placedAtMs, atMs: e.at, result: human ? 'human' : 'machine', answeredAtMs },
      ]);
    }
    case 'call.bridged': {
      if (c.bridgedAtMs !== null) return { state, events: [] };
      const answeredAtMs = c.answeredAtMs ?? e.at;
      return put({ ...c, bridgedAtMs: e.at }, [
        { type: 'human-outcome', atMs: e.at, answeredAtMs, verdictAtMs: c.verdictAtMs ?? answeredAtMs, dropped: false },
      ]);
    }
    case 'call.dropped': {
      const answeredAtMs = c.answeredAtMs ?? e.at;
      return put(c, [{ type: 'human-outcome', atMs: e.at, answeredAtMs, verdictAtMs: c.verdictAtMs ?? answeredAtMs, dropped: true }]);
    }
    case 'call.ended': {
      if (c.bridgedAtMs !== null) {
        const answeredAtMs = c.answeredAtMs ?? c.bridgedAtMs;
        return put(null, [
          {
            type: 'talk-ended',
            atMs: e.at,
            talkMs: Math.max(0, e.at - c.bridgedAtMs),
            answeredAtMs,
            verdictAtMs: c.verdictAtMs ?? answeredAtMs,
          },
        ]);
      }
      if (c.verdictAtMs !== null) return put(null, []);
      const result = unresolvedResult(e.disposition);
      if (result === null) return put(null, []);
      return put(null, [
        {
          type: 'dial-result',
          placedAtMs: c.placedAtMs,
          atMs: e.at,
          result,
          ...(c.answeredAtMs !== null ? { answeredAtMs: c.answeredAtMs } : {}),
        },
      ]);
    }
    default:
      return { state, events: [] };
  }
}
