/**
 * One simulated shift: a discrete-event simulation on a virtual clock (its own event queue; no timers) of a
 * campaign dialed by a `Pacer` — the very code the engine runs — or by the oracle.
 *
 * Call flow: dial → busy (known after busyAfterS) | no answer (ring timeout) | answer after the lead's ring
 * time → AMD decides (humans after humanDecisionS, machines after machineDecisionS; misjudged calls use the
 * machine time) → "machine": hang up | "human": needs an agent. An agent that is ready takes it at once;
 * otherwise it waits, and if no agent takes it by answer + dropAfterS it is dropped (safe-harbor message,
 * hang up). A human talks for the lead's talk time, then wrap-up; a machine passed to an agent costs the
 * agent machineToAgentLostS and no wrap-up. The pacer ticks once a second.
 */
import { DEFAULT_MIN_RING_BEFORE_CANCEL_MS, type AgentView, type LiveCallView, type Pacer, type PacingEvent, type PacingObservation } from '../types.js';
import { EventQueue } from './event-queue.js';
import { leadFate, type LeadFate } from './leads.js';
import { emptyTally, type RunTally } from './metrics.js';
import type { Scenario } from './scenario.js';

export type Dialer = { kind: 'pacer'; pacer: Pacer<unknown> } | { kind: 'oracle' };

interface SimAgent extends AgentView {
  phase: AgentView['phase'];
  sinceMs: number;
  /** Oracle only: the time the agent's current work ends (known to the oracle). */
  freeAtMs: number;
  reserved: boolean;
  /** The current talk is with a live person (not a machine AMD passed). */
  withHuman: boolean;
}

interface SimCall extends LiveCallView {
  phase: LiveCallView['phase'];
  /** Left the live list (connected, dropped or resolved). */
  done: boolean;
  placedAtMs: number;
  answeredAtMs?: number;
  verdictAtMs: number;
  fate: LeadFate;
  /** AMD's verdict once decided. */
  amdHuman: boolean;
  /** Index in the live list (swap-remove). */
  slot: number;
  /** Oracle: the agent reserved for it. */
  agent: SimAgent | null;
}

type Ev =
  | { k: 'tick' }
  | { k: 'resolve'; call: SimCall }
  | { k: 'answer'; call: SimCall }
  | { k: 'amd'; call: SimCall }
  | { k: 'deadline'; call: SimCall }
  | { k: 'talk-end'; agent: SimAgent; call: SimCall; startMs: number }
  | { k: 'wrap-end'; agent: SimAgent };

export interface SimOptions {
  scenario: Scenario;
  agents: number;
  seed: number;
  dialer: Dialer;
  /** Shift length override (tests). */
  shiftHours?: number;
  /** A pacer's `cancel` only hangs up calls that have rung at least this long (default 15 s). */
  minRingBeforeCancelMs?: number;
}

export function shiftStartMs(s: Scenario): number {
  const [hh, mm] = s.shift.start.split(':').map(Number) as [number, number];
  // A fixed Monday; the local start converted to UTC with the scenario's offset.
  return Date.UTC(2026, 0, 5, hh, mm) - s.shift.utcOffsetMinutes * 60_000;
}

/** An agent as a pacer may see it (the `AgentView` contract, nothing more). */
export function agentView(a: AgentView): AgentView {
  return { phase: a.phase, sinceMs: a.sinceMs };
}

/** A live call as a pacer may see it (the `LiveCallView` contract, nothing more). */
export function callView(c: LiveCallView): LiveCallView {
  return c.answeredAtMs === undefined ? { phase: c.phase, placedAtMs: c.placedAtMs } : { phase: c.phase, placedAtMs: c.placedAtMs, answeredAtMs: c.answeredAtMs };
}

export function simulateShift(opts: SimOptions): RunTally {
  const { scenario: sc, seed, dialer } = opts;
  const start = shiftStartMs(sc);
  const shiftMs = Math.round((opts.shiftHours ?? sc.shift.hours) * 3_600_000);
  const end = start + shiftMs;
  const tally = emptyTally(opts.agents, shiftMs);
  const q = new EventQueue<Ev>();
  const wrapMs = sc.wrapS * 1000;
  const dropAfterMs = sc.dropAfterS * 1000;

  const agents: SimAgent[] = Array.from({ length: opts.agents }, () => ({
    phase: 'ready' as const,
    sinceMs: start,
    freeAtMs: start,
    reserved: false,
    withHuman: false,
  }));
  const live: SimCall[] = [];
  const waiting: SimCall[] = [];
  let connected = 0;
  let nextLead = 0;

  const pacer = dialer.kind === 'pacer' ? dialer.pacer : null;
  let pstate: unknown = pacer ? pacer.initial(start) : null;
  const report = (e: PacingEvent): void => {
    if (pacer) pstate = pacer.observe(pstate, e);
  };
  const minuteOf = (t: number): number => Math.min(tally.liveByMinute.length - 1, Math.floor((t - start) / 60_000));

  const removeLive = (c: SimCall): void => {
    const last = live.pop() as SimCall;
    if (last !== c) {
      live[c.slot] = last;
      last.slot = c.slot;
    }
  };

  const place = (fate: LeadFate, now: number, agent: SimAgent | null): void => {
    tally.dials++;
    const call: SimCall = { phase: 'ringing', done: false, placedAtMs: now, verdictAtMs: 0, fate, amdHuman: false, slot: live.length, agent };
    live.push(call);
    if (fate.truth === 'busy') q.push(now + sc.busyAfterS * 1000, { k: 'resolve', call });
    else if (fate.truth === 'no-answer') q.push(now + sc.ring.timeoutS * 1000, { k: 'resolve', call });
    else q.push(now + fate.ringMs, { k: 'answer', call });
  };

  const addBusy = (from: number, to: number): void => {
    tally.busyMs += Math.max(0, Math.min(to, end) - from);
  };

  const connect = (call: SimCall, agent: SimAgent, now: number): void => {
    call.done = true;
    removeLive(call);
    connected++;
    agent.phase = 'talk';
    agent.sinceMs = now;
    agent.reserved = false;
    const human = call.fate.truth === 'human';
    agent.withHuman = human;
    const talkMs = human ? call.fate.talkMs : sc.amd.machineToAgentLostS * 1000;
    agent.freeAtMs = now + talkMs + (human ? wrapMs : 0);
    report({
      type: 'human-outcome',
      atMs: now,
      answeredAtMs: call.answeredAtMs ?? now,
      verdictAtMs: call.verdictAtMs,
      dropped: false,
    });
    if (human) {
      tally.liveByMinute[minuteOf(now)]!++;
      tally.waitMsTotal += now - (call.answeredAtMs ?? now);
      tally.waitCount++;
    }
    q.push(now + talkMs, { k: 'talk-end', agent, call, startMs: now });
  };

  const agentFree = (agent: SimAgent, now: number): void => {
    const next = waiting.shift();
    if (next) connect(next, agent, now);
    else {
      agent.phase = 'ready';
      agent.sinceMs = now;
      agent.freeAtMs = now;
    }
  };

  /** The ready agent that has waited longest (or the call's reserved agent, for the oracle). */
  const pickAgent = (call: SimCall): SimAgent | null => {
    if (call.agent && call.agent.phase === 'ready') return call.agent;
    let best: SimAgent | null = null;
    for (const a of agents) if (a.phase === 'ready' && !a.reserved && (!best || a.sinceMs < best.sinceMs)) best = a;
    if (!best) for (const a of agents) if (a.phase === 'ready' && (!best || a.sinceMs < best.sinceMs)) best = a;
    return best;
  };

  // ---- the oracle: knows every lead's fate and every agent's free time ----
  const oracleLeads: LeadFate[] = [];
  const oracleTick = (now: number): void => {
    const free = agents.filter((a) => !a.reserved).sort((a, b) => a.freeAtMs - b.freeAtMs);
    for (const agent of free) {
      while (oracleLeads.length === 0) {
        const f = leadFate(sc, seed, nextLead++);
        if (f.truth === 'human' && !f.amdWrong) oracleLeads.push(f);
      }
      const fate = oracleLeads[0] as LeadFate;
      const needAt = now + fate.ringMs + sc.amd.humanDecisionS * 1000;
      if (needAt < agent.freeAtMs) break; // later agents are free even later
      oracleLeads.shift();
      agent.reserved = true;
      place(fate, now, agent);
    }
  };

  /**
   * A pacer's `cancel`: hangs up up to `n` ringing calls that have rung at least the minimum, longest ringing
   * first. The call ends now as no contact (its pending answer or timeout is void); like the engine, nothing is
   * reported to the pacer (a cancelled call is not a dial result).
   */
  const minRingMs = opts.minRingBeforeCancelMs ?? DEFAULT_MIN_RING_BEFORE_CANCEL_MS;
  const cancelRinging = (n: number, now: number): void => {
    const eligible = live.filter((c) => c.phase === 'ringing' && now - c.placedAtMs >= minRingMs);
    eligible.sort((a, b) => a.placedAtMs - b.placedAtMs);
    for (const c of eligible.slice(0, n)) {
      c.done = true;
      removeLive(c);
      tally.cancelled++;
    }
  };

  // A pacer sees what the engine would show it (engine/pacing/types.ts), never the simulator's own objects: a
  // call's fate and AMD truth, an agent's free time or reservation stay here (projected afresh each tick).
  const buildObservation = (): PacingObservation => ({
    agents: agents.map(agentView),
    calls: live.map(callView),
    connected,
    wrapUpMs: wrapMs,
  });

  q.push(start, { k: 'tick' });
  for (;;) {
    const ev = q.pop();
    if (!ev || ev.t > end) break;
    const now = ev.t;
    const p = ev.payload;
    switch (p.k) {
      case 'tick': {
        if (pacer) {
          const r = pacer.decide(pstate, buildObservation(), now);
          pstate = r.state;
          if ((r.decision.cancel ?? 0) > 0) cancelRinging(r.decision.cancel ?? 0, now);
          for (let i = 0; i < r.decision.place; i++) place(leadFate(sc, seed, nextLead++), now, null);
        } else oracleTick(now);
        q.push(now + 1000, { k: 'tick' });
        break;
      }
      case 'resolve': {
        const c = p.call;
        if (c.done) break; // cancelled while ringing
        c.done = true;
        removeLive(c);
        report({ type: 'dial-result', placedAtMs: c.placedAtMs, atMs: now, result: c.fate.truth === 'busy' ? 'busy' : 'no-answer' });
        break;
      }
      case 'answer': {
        const c = p.call;
        if (c.done) break; // cancelled while ringing
        c.phase = 'amd';
        c.answeredAtMs = now;
        const human = c.fate.truth === 'human';
        c.amdHuman = human !== c.fate.amdWrong;
        const delay = human && !c.fate.amdWrong ? sc.amd.humanDecisionS : sc.amd.machineDecisionS;
        q.push(now + delay * 1000, { k: 'amd', call: c });
        break;
      }
      case 'amd': {
        const c = p.call;
        const answeredAtMs = c.answeredAtMs as number;
        c.verdictAtMs = now;
        if (!c.amdHuman) {
          c.done = true;
          removeLive(c);
          if (c.fate.truth === 'human') tally.falsePositivesByMinute[minuteOf(now)]!++;
          report({ type: 'dial-result', placedAtMs: c.placedAtMs, atMs: now, result: 'machine', answeredAtMs });
          break;
        }
        report({ type: 'dial-result', placedAtMs: c.placedAtMs, atMs: now, result: 'human', answeredAtMs });
        const agent = pickAgent(c);
        if (agent) connect(c, agent, now);
        else {
          c.phase = 'waiting';
          waiting.push(c);
          q.push(Math.max(now, answeredAtMs + dropAfterMs), { k: 'deadline', call: c });
        }
        break;
      }
      case 'deadline': {
        const c = p.call;
        if (c.done || c.phase !== 'waiting') break;
        c.done = true;
        removeLive(c);
        waiting.splice(waiting.indexOf(c), 1);
        if (c.agent) c.agent.reserved = false;
        report({
          type: 'human-outcome',
          atMs: now,
          answeredAtMs: c.answeredAtMs as number,
          verdictAtMs: c.verdictAtMs,
          dropped: true,
        });
        if (c.fate.truth === 'human') {
          tally.liveByMinute[minuteOf(now)]!++;
          tally.dropsByMinute[minuteOf(now)]!++;
        } else tally.machineDrops++;
        break;
      }
      case 'talk-end': {
        const { agent, call, startMs } = p;
        connected--;
        const human = call.fate.truth === 'human';
        addBusy(startMs, now);
        report({
          type: 'talk-ended',
          atMs: now,
          talkMs: now - startMs,
          live: human,
          answeredAtMs: call.answeredAtMs as number,
          verdictAtMs: call.verdictAtMs,
        });
        if (human) {
          tally.talkMs += now - startMs;
          agent.phase = 'wrap';
          agent.sinceMs = now;
          q.push(now + wrapMs, { k: 'wrap-end', agent });
        } else agentFree(agent, now);
        break;
      }
      case 'wrap-end': {
        addBusy(now - wrapMs, now);
        agentFree(p.agent, now);
        break;
      }
    }
  }

  // Work in progress at the end of the shift counts up to the end.
  for (const a of agents) {
    if (a.phase === 'talk') {
      tally.busyMs += end - a.sinceMs;
      if (a.withHuman) tally.talkMs += end - a.sinceMs; // a machine AMD passed is busy time, not talk

    } else if (a.phase === 'wrap') tally.busyMs += end - a.sinceMs;
  }
  return tally;
}
