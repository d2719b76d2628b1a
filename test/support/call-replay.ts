/**
 * Feeds a recorded Asterisk 22 trace (test/fixtures/asterisk22, via trace-loader.ts) straight into the call
 * reducer `callStep` — no simulator, no shell. The recording's ids are mapped to the ids the reducer uses
 * (`ids`); what does not come from Asterisk (the dial itself, the AMD plane's answers, a cancel, a command's
 * failure) is given by the test as `inputs` at recorded times; the reducer's own timers fire on a virtual clock
 * between items. Returns every step, so a test reads what the reducer made of what Asterisk really sent.
 */
import type { AriEvent } from '../../engine/ari/index.js';
import {
  callStep,
  createCall,
  type CallEffect,
  type CallInput,
  type CallPhase,
  type CallState,
  type CallTimer,
  type NewCall,
} from '../../engine/calls/index.js';
import type { DomainEvent } from '../../engine/events/index.js';
import { loadTrace, type AriEventJson } from './trace-loader.js';

type Untimed<T> = T extends unknown ? Omit<T, 'at'> : never;

export interface CallReplayScript {
  /** The trace's name in the fixtures folder (e.g. "ring-timeout"). */
  trace: string;
  call: NewCall;
  /** Recorded channel/bridge id → the reducer's id. A Local channel's `;2` half follows its `;1`. */
  ids: Record<string, string>;
  /** Inputs that do not come from Asterisk, at trace times; at the same time they go before the trace's items. */
  inputs: Array<{ t: number; input: Untimed<CallInput> }>;
  /** Only the trace's events with from ≤ t ≤ to (a recording may hold several calls one after the other). */
  from?: number;
  to?: number;
}

export interface CallReplayStep {
  t: number;
  input: CallInput;
  phase: CallPhase;
  effects: CallEffect[];
  events: DomainEvent[];
}

export interface CallReplay {
  state: CallState;
  steps: CallReplayStep[];
  effects: CallEffect[];
  events: DomainEvent[];
  /** The ARI commands the reducer asked for, in order. */
  commands: Array<Extract<CallEffect, { kind: 'ari' }>['command']>;
  /** The phases the call went through, in order, without repeats. */
  phases: CallPhase[];
  /** Feeds one more input after the trace (e.g. a reconciliation) and returns the step. */
  feed(input: CallInput): CallReplayStep;
}

/** Rewrites every string of `value` that is a mapped id (or a mapped id's `;2` half). */
function mapIds<T>(value: T, ids: Record<string, string>): T {
  if (typeof value === 'string') {
    if (ids[value] !== undefined) return ids[value] as T;
    if (value.endsWith(';2') && ids[value.slice(0, -2)] !== undefined) return `${ids[value.slice(0, -2)]};2` as T;
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => mapIds(v, ids)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapIds(v, ids)])) as T;
  }
  return value;
}

export function replayCall(script: CallReplayScript): CallReplay {
  const trace = loadTrace(script.trace);
  const from = script.from ?? -Infinity;
  const to = script.to ?? Infinity;
  type Item = { t: number; order: number; input: (at: number) => CallInput };
  const items: Item[] = [];
  script.inputs.forEach((x, i) => items.push({ t: x.t, order: i, input: (at) => ({ ...x.input, at }) as CallInput }));
  trace.events.forEach((e, i) => {
    if (e.t < from || e.t > to) return;
    const event = mapIds(e.event, script.ids) as AriEventJson as unknown as AriEvent;
    items.push({ t: e.t, order: 1_000_000 + i, input: (at) => ({ type: 'ari', event, at }) });
  });
  items.sort((a, b) => a.t - b.t || a.order - b.order);

  let state = createCall(script.call);
  const timers = new Map<CallTimer, number>();
  const steps: CallReplayStep[] = [];
  const step = (t: number, input: CallInput): CallReplayStep => {
    const r = callStep(state, input);
    state = r.state;
    for (const eff of r.effects) {
      if (eff.kind === 'timer-set') timers.set(eff.timer, t + eff.ms);
      if (eff.kind === 'timer-clear') timers.delete(eff.timer);
    }
    const s: CallReplayStep = { t, input, phase: state.phase, effects: r.effects, events: r.events };
    steps.push(s);
    return s;
  };
  const fireTimersUntil = (t: number): void => {
    for (;;) {
      let next: [CallTimer, number] | null = null;
      for (const [timer, due] of timers) if (due <= t && (!next || due < next[1])) next = [timer, due];
      if (!next) return;
      timers.delete(next[0]);
      step(next[1], { type: 'timer', timer: next[0], at: next[1] });
    }
  };
  for (const it of items) {
    fireTimersUntil(it.t);
    step(it.t, it.input(it.t));
  }
  const effects = () => steps.flatMap((s) => s.effects);
  return {
    get state() {
      return state;
    },
    steps,
    get effects() {
      return effects();
    },
    get events() {
      return steps.flatMap((s) => s.events);
    },
    get commands() {
      return effects().flatMap((e) => (e.kind === 'ari' ? [e.command] : []));
    },
    get phases() {
      const out: CallPhase[] = [];
      for (const s of steps) if (out.at(-1) !== s.phase) out.push(s.phase);
      return out;
    },
    feed(input: CallInput) {
      fireTimersUntil(input.at);
      return step(input.at, input);
    },
  } as CallReplay;
}
