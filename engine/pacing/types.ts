/**
 * The pacing contract: every dial mode (progressive, power, VICIdial ADAPT_*, Centralita predictive) is a
 * `Pacer` — a pure reducer over plain-data state. The real engine and the what-if simulator call the same
 * code each tick:
 *
 *   let s = pacer.initial(now);
 *   on every dial result / talk end:   s = pacer.observe(s, event);
 *   every tick (the engine uses 1 s):   ({ state: s, decision } = pacer.decide(s, observation, now));
 *                                       place `decision.place` new calls.
 *
 * Time is an input: `now` (ms since the epoch) and the `sinceMs`/`atMs` fields are the only clocks a pacer
 * sees; nothing in engine/pacing calls Date.now() or setTimeout.
 *
 * State is plain data (JSON-serialisable numbers and arrays) so it can be persisted, logged and compared in
 * tests. For speed (the simulator runs millions of ticks) a reducer may update the state object it is given
 * and return it: callers must treat the state they pass in as consumed and keep only the returned one.
 */

import type { OtherNodesCounts } from './abandon-governor.js';

/** What an agent is doing, as the engine's agent state machine sees it. */
export type AgentPhase = 'ready' | 'talk' | 'wrap' | 'paused';

export interface AgentView {
  readonly phase: AgentPhase;
  /** When the agent entered `phase` (ms since the epoch). */
  readonly sinceMs: number;
}

/**
 * A live outbound call not yet bridged to an agent. `ringing` = dialed, no answer yet; `amd` = answered,
 * AMD still deciding; `waiting` = AMD said human (or NOTSURE passed) and the call waits for a free agent.
 * Calls bridged to an agent are not listed: their agent is in `talk`.
 */
export type LiveCallPhase = 'ringing' | 'amd' | 'waiting';

export interface LiveCallView {
  readonly phase: LiveCallPhase;
  readonly placedAtMs: number;
  /** Set once answered. */
  readonly answeredAtMs?: number;
}

/**
 * A snapshot built each tick — by the engine from its state machines (engine/shell/pacing-views.ts), by the
 * simulator from its own (simulate/simulation.ts) — holding these views and nothing more (PACING_VIEW_KEYS).
 */
export interface PacingObservation {
  /** Every logged-in agent of the campaign. */
  readonly agents: readonly AgentView[];
  /** Live calls not yet connected to an agent. */
  readonly calls: readonly LiveCallView[];
  /** Calls currently bridged to an agent (VICIdial counts them as "existing" calls). */
  readonly connected: number;
  /** The campaign's wrap-up time: an agent in `wrap` is free at sinceMs + wrapUpMs. */
  readonly wrapUpMs: number;
}

/**
 * The keys of each view a pacer is given — its whole input besides `now`. A caller building an observation hands
 * these and nothing more (the simulator's test checks it); `_PacingViewKeysExact` keeps them equal to the
 * interfaces above at compile time.
 */
export const PACING_VIEW_KEYS = {
  observation: ['agents', 'calls', 'connected', 'wrapUpMs'],
  agent: ['phase', 'sinceMs'],
  call: ['phase', 'placedAtMs', 'answeredAtMs'],
} as const;

type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
export type _PacingViewKeysExact = Assert<
  | SameKeys<(typeof PACING_VIEW_KEYS.observation)[number], keyof PacingObservation>
  | SameKeys<(typeof PACING_VIEW_KEYS.agent)[number], keyof AgentView>
  | SameKeys<(typeof PACING_VIEW_KEYS.call)[number], keyof LiveCallView>
>;

export interface PacingDecision {
  /** New calls to originate now (≥ 0, integer). */
  readonly place: number;
  /** Which rule produced the number — shown on the live board and in the simulator's traces. */
  readonly mode: string;
  /**
   * Ringing calls to hang up now (≥ 0, integer; absent = 0): the caller cancels that many of the campaign's
   * ringing calls, longest ringing first, and only calls that have rung at least the legal minimum
   * (`minRingBeforeCancelMs`, default `DEFAULT_MIN_RING_BEFORE_CANCEL_MS`). A cancelled call is not a drop (no
   * one answered); its lead is retried like a no-answer, and it is no dial result for pacing.
   */
  readonly cancel?: number;
}

/** The least time a call must have rung before a pacer may have it cancelled (15 s). */
export const DEFAULT_MIN_RING_BEFORE_CANCEL_MS = 15_000;

/** How a dial attempt ended, as far as pacing cares. `human` = handed to the agent queue by AMD. */
export type DialResult = 'busy' | 'no-answer' | 'machine' | 'human' | 'failed';

/**
 * Facts the engine reports as calls progress, translated from the call's domain events (the same transitions
 * the CallLog records) by engine/pacing/feed.ts. A restarted engine starts its pacers afresh: nothing replays
 * past events into them.
 */
export type PacingEvent =
  | {
      /** The attempt's outcome is known (for `human`: AMD handed it to the queue at `atMs`). */
      readonly type: 'dial-result';
      readonly placedAtMs: number;
      readonly atMs: number;
      readonly result: DialResult;
      readonly answeredAtMs?: number;
    }
  | {
      /** A call AMD judged human was connected to an agent or dropped (not connected within the limit). */
      readonly type: 'human-outcome';
      readonly atMs: number;
      readonly answeredAtMs: number;
      /** When AMD said "human" (a late verdict is more often a machine AMD got wrong). */
      readonly verdictAtMs: number;
      readonly dropped: boolean;
    }
  | {
      /** An agent's talk segment ended (wrap-up follows). */
      readonly type: 'talk-ended';
      readonly atMs: number;
      readonly talkMs: number;
      /**
       * The agent's disposition of an outbound call AMD passed: false when it was an answering machine (the
       * only way the engine learns AMD's misses). With the call's answer/verdict times, it lets the governor
       * estimate how many dropped calls were live people.
       */
      readonly live?: boolean;
      readonly answeredAtMs?: number;
      readonly verdictAtMs?: number;
    }
  | {
      /**
       * The campaign's counts on the other engine nodes (#18), fed before each decision when the engine shares its
       * abandon counts (engine/cluster); null = not known now (the governor decides on the node's own counts).
       * Only the predictive pacer's governor uses it; other pacers ignore it.
       */
      readonly type: 'campaign-abandon';
      readonly atMs: number;
      readonly others: OtherNodesCounts | null;
    };

export interface Pacer<S> {
  readonly name: string;
  initial(now: number): S;
  observe(state: S, event: PacingEvent): S;
  decide(state: S, obs: PacingObservation, now: number): { state: S; decision: PacingDecision };
}

/** Counts the engine usually needs from an observation. */
export interface ObservationCounts {
  ready: number;
  talk: number;
  wrap: number;
  paused: number;
  loggedIn: number;
  ringing: number;
  amd: number;
  waiting: number;
  connected: number;
}

export function countObservation(obs: PacingObservation): ObservationCounts {
  const c: ObservationCounts = {
    ready: 0,
    talk: 0,
    wrap: 0,
    paused: 0,
    loggedIn: obs.agents.length,
    ringing: 0,
    amd: 0,
    waiting: 0,
    connected: obs.connected,
  };
  // Plain switches: this runs every tick over every agent and call, and keyed increments are slow.
  for (const a of obs.agents) {
    switch (a.phase) {
      case 'ready':
        c.ready++;
        break;
      case 'talk':
        c.talk++;
        break;
      case 'wrap':
        c.wrap++;
        break;
      default:
        c.paused++;
    }
  }
  for (const call of obs.calls) {
    switch (call.phase) {
      case 'ringing':
        c.ringing++;
        break;
      case 'amd':
        c.amd++;
        break;
      default:
        c.waiting++;
    }
  }
  return c;
}

/** The pacing rule's latest answer for one campaign (also published as the `campaign.pacing` event). */
export interface PacingStatus {
  /** progressive | power | predictive | preview | vicidial… and the rule inside it (e.g. "predictive/governor"). */
  mode: string;
  /** Calls the last tick decided to place. */
  place: number;
  /** Dial level (calls per available agent) when the mode has one, else null. */
  level: number | null;
  at: number;
}
