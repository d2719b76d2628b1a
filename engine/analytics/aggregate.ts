/**
 * Groups queue_log events into queue calls (one caller's visit to one queue: wait, ring, talk, outcome) and
 * agent sessions (membership, pauses with reasons, ring-no-answer), and keeps the running totals the metrics
 * are computed from. Pure (events in, callbacks and totals out; time is the lines' own epochs) and bounded:
 * a call is forgotten once it ends, a call with no end for `maxOpenCallSeconds` is closed as LOST, so memory
 * follows the number of calls in progress, never the length of the log. `exportState()`/`restore()` make it
 * a checkpoint a live tail saves beside its position.
 */
import type { CallOutcome } from './events.js';
import { dataCount, dataField, dataInt, type QueueLogEvent } from './parser.js';
import { LocalTime } from './local-time.js';

export interface QueueCall {
  callid: string;
  queue: string;
  /** Epoch seconds of ENTERQUEUE (of CONNECT when the log began mid-call). */
  enteredAt: number;
  callerId: string;
  position: number | null;
  agent: string | null;
  /** Seconds waited: to the answer, or to the exit when not answered. */
  waitS: number | null;
  /** Seconds the answering agent's phone rang (CONNECT's ringtime). */
  ringS: number | null;
  talkS: number | null;
  ringNoAnswer: number;
  outcome: CallOutcome;
  endedAt: number;
  /** The queue this caller was blind-transferred from, under the same callid. */
  transferredFrom: string | null;
  /** Answered within the queue's service level. */
  answeredWithinSl: boolean;
}

/** An open call still waiting: CONNECT (the only line that names the answering agent of an open call) not seen. */
export function isWaiting(call: QueueCall): boolean {
  return call.agent === null;
}

export type AgentInterval =
  | { kind: 'membership'; agent: string; queue: string; from: number; to: number }
  | { kind: 'pause'; agent: string; reason: string; from: number; to: number };

export interface Bucket {
  offered: number;
  answered: number;
  abandoned: number;
  answered_within_sl: number;
  talk_s: number;
}

/**
 * One queue's counters for one local day (the center's zone). Every figure is counted on the day of the line that
 * carries it (ENTERQUEUE's day for offered, CONNECT's for answered, the exit's for abandoned…), so any range of days
 * sums exactly and the whole log is the sum of all its days; `hours` holds only hours that saw something.
 */
export interface QueueDay {
  offered: number;
  answered: number;
  abandoned: number;
  timeout: number;
  exitwithkey: number;
  exitempty: number;
  withdraw: number;
  syscompat: number;
  transferred: number;
  completed: number;
  lost: number;
  waitAnsweredSum: number;
  maxWaitAnswered: number;
  answeredInSl: number;
  abandonedInSl: number;
  talkSum: number;
  talkCount: number;
  ringnoanswer: number;
  /** app_queue's own counters: completed (COMPLETE*, transfers) and "abandoned" (record_abandoned()). */
  aqCompleted: number;
  aqCompletedInSl: number;
  aqAbandoned: number;
  aqAbandonedInSl: number;
  hours: Record<number, Bucket>;
}

export interface QueueTotals {
  /** Local day (YYYY-MM-DD) → its counters. */
  days: Record<string, QueueDay>;
}

/** One agent's counters for one local day; logged-in and pause time are split at local midnight. */
export interface AgentDay {
  callsAnswered: number;
  talkS: number;
  talkCount: number;
  ringnoanswer: number;
  ringnoanswerMs: number;
  ringcanceled: number;
  dumps: number;
  outcalls: number;
  /** Talk of OUTCALL lines (QueueUpdate), kept apart from queue calls' talk. */
  outcallTalkS: number;
  pauseS: Record<string, number>;
  loggedInS: number;
}

export interface AgentTotals {
  days: Record<string, AgentDay>;
  /** Open state: queues the agent is a member of (since), pause. */
  memberOf: Record<string, number>;
  loginSince: number | null;
  /** Since when the agent has been logged in (member of a queue or AGENTLOGIN), null when out. */
  onSince: number | null;
  pausedIn: string[];
  pausedSince: number | null;
  pauseReason: string;
}

type OpenCall = QueueCall;

export interface AggregatorOptions {
  serviceLevel: (queue: string) => number;
  timeZone: string;
  maxOpenCallSeconds?: number;
  onCall?: (call: QueueCall) => void;
  onAgentInterval?: (i: AgentInterval) => void;
}

/** Bumped when the state's shape changes: a checkpoint of another version is not resumed (the tail re-reads). */
export const AGGREGATOR_STATE_VERSION = 2;

export interface AggregatorState {
  v: typeof AGGREGATOR_STATE_VERSION;
  firstEpoch: number | null;
  lastEpoch: number | null;
  events: Record<string, number>;
  queues: Record<string, QueueTotals>;
  agents: Record<string, AgentTotals>;
  open: OpenCall[];
  transfers: [string, { queue: string; at: number }][];
}

const newBucket = (): Bucket => ({ offered: 0, answered: 0, abandoned: 0, answered_within_sl: 0, talk_s: 0 });

function newQueueDay(): QueueDay {
  return {
    offered: 0, answered: 0, abandoned: 0, timeout: 0, exitwithkey: 0, exitempty: 0, withdraw: 0, syscompat: 0,
    transferred: 0, completed: 0, lost: 0, waitAnsweredSum: 0, maxWaitAnswered: 0, answeredInSl: 0, abandonedInSl: 0,
    talkSum: 0, talkCount: 0, ringnoanswer: 0, aqCompleted: 0, aqCompletedInSl: 0, aqAbandoned: 0, aqAbandonedInSl: 0,
    hours: {},
  };
}

function newAgentDay(): AgentDay {
  return { callsAnswered: 0, talkS: 0, talkCount: 0, ringnoanswer: 0, ringnoanswerMs: 0, ringcanceled: 0, dumps: 0, outcalls: 0, outcallTalkS: 0, pauseS: {}, loggedInS: 0 };
}

function newAgent(): AgentTotals {
  return { days: {}, memberOf: {}, loginSince: null, onSince: null, pausedIn: [], pausedSince: null, pauseReason: '' };
}

const TRANSFER_MEMORY_S = 3600;

export class QueueLogAggregator {
  firstEpoch: number | null = null;
  lastEpoch: number | null = null;
  readonly events: Record<string, number> = {};
  readonly queues: Record<string, QueueTotals> = {};
  readonly agents: Record<string, AgentTotals> = {};
  private readonly open = new Map<string, OpenCall>();
  private readonly queueIndex = new Map<string, QueueTotals>();
  private readonly agentIndex = new Map<string, AgentTotals>();
  /** callid → the queue it was blind-transferred out of, to label its next ENTERQUEUE. */
  private readonly transfers = new Map<string, { queue: string; at: number }>();
  private readonly local: LocalTime;
  private readonly maxOpen: number;
  private nextSweep = 0;

  constructor(private readonly opts: AggregatorOptions) {
    this.local = new LocalTime(opts.timeZone);
    this.maxOpen = opts.maxOpenCallSeconds ?? 86_400;
  }

  static restore(state: AggregatorState, opts: AggregatorOptions): QueueLogAggregator {
    if (state.v !== AGGREGATOR_STATE_VERSION) throw new Error(`aggregator state version ${String(state.v)}, expected ${AGGREGATOR_STATE_VERSION}`);
    const a = new QueueLogAggregator(opts);
    a.firstEpoch = state.firstEpoch;
    a.lastEpoch = state.lastEpoch;
    Object.assign(a.events, state.events);
    Object.assign(a.queues, state.queues);
    Object.assign(a.agents, state.agents);
    for (const c of state.open) a.open.set(c.callid, c);
    for (const [k, v] of state.transfers) a.transfers.set(k, v);
    return a;
  }

  exportState(): AggregatorState {
    return structuredClone({
      v: AGGREGATOR_STATE_VERSION,
      firstEpoch: this.firstEpoch,
      lastEpoch: this.lastEpoch,
      events: this.events,
      queues: this.queues,
      agents: this.agents,
      open: [...this.open.values()],
      transfers: [...this.transfers.entries()],
    });
  }

  /** Calls not ended yet: still waiting in a queue, or talking to the agent who answered (see inQueue). */
  openCalls(): QueueCall[] {
    return [...this.open.values()].map((c) => ({ ...c }));
  }

  /**
   * Callers in a queue right now: between ENTERQUEUE and CONNECT or an exit (ABANDON, EXITWITHTIMEOUT, …). A
   * caller talking to an agent has left the queue even though the call has not ended (its COMPLETE* line comes later).
   */
  inQueue(): QueueCall[] {
    return this.openCalls().filter(isWaiting);
  }

  add(ev: QueueLogEvent): void {
    const t = ev.epoch;
    if (this.firstEpoch === null || t < this.firstEpoch) this.firstEpoch = t;
    if (this.lastEpoch === null || t > this.lastEpoch) this.lastEpoch = t;
    this.events[ev.event] = (this.events[ev.event] ?? 0) + 1;
    if (t >= this.nextSweep) this.sweep(t);
    switch (ev.event) {
      case 'ENTERQUEUE':
        return this.enter(ev);
      case 'CONNECT':
        return this.connect(ev);
      case 'COMPLETEAGENT':
      case 'COMPLETECALLER':
        return this.complete(ev, dataInt(ev, 0), dataInt(ev, 1));
      case 'BLINDTRANSFER':
        this.transfers.set(ev.callid, { queue: ev.queue, at: t });
        return this.complete(ev, dataInt(ev, 2), dataInt(ev, 3));
      case 'ATTENDEDTRANSFER': {
        // BRIDGE|id, APP|app or LINK|a|b, then holdtime|calltime|origposition: read from the end.
        const n = dataCount(ev);
        return this.complete(ev, n >= 4 ? dataInt(ev, n - 3) : null, n >= 4 ? dataInt(ev, n - 2) : null);
      }
      case 'ABANDON':
      case 'EXITWITHTIMEOUT':
      case 'EXITEMPTY':
      case 'WITHDRAW':
        return this.exit(ev, dataInt(ev, 2));
      case 'EXITWITHKEY':
        return this.exit(ev, dataInt(ev, 3));
      case 'SYSCOMPAT':
        return this.exit(ev, null);
      case 'RINGNOANSWER': {
        this.queueDay(ev.queue, t).ringnoanswer++;
        const call = this.open.get(ev.callid);
        if (call) call.ringNoAnswer++;
        const a = this.agentDay(ev.agent, t);
        if (a) {
          a.ringnoanswer++;
          a.ringnoanswerMs += dataInt(ev, 0) ?? 0;
        }
        return;
      }
      case 'RINGCANCELED': {
        const a = this.agentDay(ev.agent, t);
        if (a) a.ringcanceled++;
        return;
      }
      case 'AGENTDUMP': {
        const a = this.agentDay(ev.agent, t);
        if (a) a.dumps++;
        return;
      }
      case 'ADDMEMBER':
        return this.addMember(ev.agent, ev.queue, t, dataField(ev, 0) === 'PAUSED');
      case 'REMOVEMEMBER':
        return this.removeMember(ev.agent, ev.queue, t);
      case 'AGENTLOGIN': {
        const a = this.agent(ev.agent);
        if (a && a.loginSince === null) {
          if (!this.loggedIn(a)) a.onSince = t;
          a.loginSince = t;
        }
        return;
      }
      case 'AGENTLOGOFF': {
        const a = this.agent(ev.agent);
        if (a && a.loginSince !== null) {
          a.loginSince = null;
          this.maybeLogout(ev.agent, a, t);
        }
        return;
      }
      case 'PAUSE':
        return this.pause(ev.agent, ev.queue, t, dataField(ev, 0));
      case 'PAUSEALL':
        return this.pause(ev.agent, '*', t, dataField(ev, 0));
      case 'UNPAUSE':
        return this.unpause(ev.agent, ev.queue, t);
      case 'UNPAUSEALL':
        return this.unpause(ev.agent, null, t);
      case 'OUTCALL': {
        const a = this.agentDay(ev.agent, t);
        if (a) {
          a.outcalls++;
          if (dataField(ev, 0).toUpperCase() === 'ANSWER') a.outcallTalkS += dataInt(ev, 1) ?? 0;
        }
        return;
      }
      case 'QUEUESTART':
        // Asterisk (re)started: callers that were waiting or talking are gone without an end line.
        for (const c of [...this.open.values()]) this.finish(c, 'LOST', t);
        return;
      default:
        return; // PENALTY, RINGINUSE, CONFIGRELOAD and unknown events: counted above.
    }
  }

  /** The counters of `name` on the local day of `t`. */
  private queueDay(name: string, t: number): QueueDay {
    let q = this.queueIndex.get(name);
    if (q === undefined) {
      q = this.queues[name] ?? { days: {} };
      this.queues[name] = q;
      this.queueIndex.set(name, q);
    }
    const day = this.local.of(t).day;
    let d = q.days[day];
    if (d === undefined) q.days[day] = d = newQueueDay();
    return d;
  }

  private agent(name: string): AgentTotals | null {
    if (name === '' || name === 'NONE') return null;
    let a = this.agentIndex.get(name);
    if (a === undefined) {
      a = this.agents[name] ?? newAgent();
      this.agents[name] = a;
      this.agentIndex.set(name, a);
    }
    return a;
  }

  private agentDay(name: string, t: number): AgentDay | null {
    const a = this.agent(name);
    return a === null ? null : this.agentDayOf(a, this.local.of(t).day);
  }

  private agentDayOf(a: AgentTotals, day: string): AgentDay {
    let d = a.days[day];
    if (d === undefined) a.days[day] = d = newAgentDay();
    return d;
  }

  private hourAt(q: QueueDay, t: number): Bucket {
    const h = this.local.of(t).hour;
    let b = q.hours[h];
    if (b === undefined) q.hours[h] = b = newBucket();
    return b;
  }

  /**
   * Seconds of [from, to) per local day (split at the center's midnights; a zone's offset only changes on a
   * quarter hour, so walking quarter hours finds every midnight).
   */
  secondsByDay(from: number, to: number, add: (day: string, seconds: number) => void): void {
    let t = from;
    let day = '';
    let acc = 0;
    while (t < to) {
      const next = Math.min(to, (Math.floor(t / 900) + 1) * 900);
      const d = this.local.of(t).day;
      if (d !== day) {
        if (acc > 0) add(day, acc);
        day = d;
        acc = 0;
      }
      acc += next - t;
      t = next;
    }
    if (acc > 0) add(day, acc);
  }

  private enter(ev: QueueLogEvent): void {
    const q = this.queueDay(ev.queue, ev.epoch);
    q.offered++;
    this.hourAt(q, ev.epoch).offered++;
    const prev = this.open.get(ev.callid);
    if (prev) this.finish(prev, 'LOST', ev.epoch);
    const tr = this.transfers.size > 0 ? this.transfers.get(ev.callid) : undefined;
    if (tr) this.transfers.delete(ev.callid);
    this.open.set(ev.callid, {
      callid: ev.callid, queue: ev.queue, enteredAt: ev.epoch, callerId: dataField(ev, 1), position: dataInt(ev, 2),
      agent: null, waitS: null, ringS: null, talkS: null, ringNoAnswer: 0, outcome: 'LOST', endedAt: ev.epoch,
      transferredFrom: tr ? tr.queue : null, answeredWithinSl: false,
    });
  }

  private connect(ev: QueueLogEvent): void {
    const q = this.queueDay(ev.queue, ev.epoch);
    const wait = dataInt(ev, 0) ?? 0;
    const inSl = wait <= this.opts.serviceLevel(ev.queue);
    q.answered++;
    q.waitAnsweredSum += wait;
    if (wait > q.maxWaitAnswered) q.maxWaitAnswered = wait;
    if (inSl) q.answeredInSl++;
    const h = this.hourAt(q, ev.epoch);
    h.answered++;
    if (inSl) h.answered_within_sl++;
    const a = this.agentDay(ev.agent, ev.epoch);
    if (a) a.callsAnswered++;
    let call = this.open.get(ev.callid);
    if (!call) {
      call = {
        callid: ev.callid, queue: ev.queue, enteredAt: ev.epoch - wait, callerId: '', position: null, agent: null,
        waitS: null, ringS: null, talkS: null, ringNoAnswer: 0, outcome: 'LOST', endedAt: ev.epoch, transferredFrom: null,
        answeredWithinSl: false,
      };
      this.open.set(ev.callid, call);
    }
    call.agent = ev.agent;
    call.waitS = wait;
    call.ringS = dataInt(ev, 2);
    call.answeredWithinSl = inSl;
  }

  private complete(ev: QueueLogEvent, hold: number | null, talk: number | null): void {
    const q = this.queueDay(ev.queue, ev.epoch);
    const sl = this.opts.serviceLevel(ev.queue);
    q.completed++;
    if (ev.event === 'BLINDTRANSFER' || ev.event === 'ATTENDEDTRANSFER') q.transferred++;
    q.aqCompleted++;
    if (hold !== null && hold <= sl) q.aqCompletedInSl++;
    if (talk !== null) {
      q.talkSum += talk;
      q.talkCount++;
      this.hourAt(q, ev.epoch).talk_s += talk;
      const a = this.agentDay(ev.agent, ev.epoch);
      if (a) {
        a.talkS += talk;
        a.talkCount++;
      }
    }
    const call = this.open.get(ev.callid);
    if (call && call.queue === ev.queue) {
      call.talkS = talk;
      if (call.waitS === null) call.waitS = hold;
      if (call.agent === null) call.agent = ev.agent;
      this.finish(call, ev.event as CallOutcome, ev.epoch);
    }
  }

  private exit(ev: QueueLogEvent, wait: number | null): void {
    const q = this.queueDay(ev.queue, ev.epoch);
    const sl = this.opts.serviceLevel(ev.queue);
    const inSl = wait !== null && wait <= sl;
    switch (ev.event) {
      case 'ABANDON':
        q.abandoned++;
        if (inSl) q.abandonedInSl++;
        this.hourAt(q, ev.epoch).abandoned++;
        break;
      case 'EXITWITHTIMEOUT':
        q.timeout++;
        break;
      case 'EXITEMPTY':
        q.exitempty++;
        break;
      case 'EXITWITHKEY':
        q.exitwithkey++;
        break;
      case 'WITHDRAW':
        q.withdraw++;
        break;
      case 'SYSCOMPAT':
        q.syscompat++;
        break;
    }
    // app_queue's record_abandoned(): every exit but EXITWITHKEY (its SL2 counts them).
    if (ev.event !== 'EXITWITHKEY') {
      q.aqAbandoned++;
      if (inSl) q.aqAbandonedInSl++;
    }
    const call = this.open.get(ev.callid);
    if (call && call.queue === ev.queue) {
      if (wait !== null) call.waitS = wait;
      if (ev.event === 'SYSCOMPAT' && call.agent === null && ev.agent !== 'NONE') call.agent = ev.agent;
      this.finish(call, ev.event as CallOutcome, ev.epoch);
    }
  }

  private finish(call: OpenCall, outcome: CallOutcome, at: number): void {
    this.open.delete(call.callid);
    if (outcome === 'LOST') this.queueDay(call.queue, at).lost++;
    call.outcome = outcome;
    call.endedAt = at;
    this.opts.onCall?.(call);
  }

  /** Calls with no end for too long are closed as LOST; transfer marks are forgotten after an hour. */
  private sweep(t: number): void {
    this.nextSweep = t + 300;
    for (const c of [...this.open.values()]) if (t - c.enteredAt > this.maxOpen) this.finish(c, 'LOST', t);
    for (const [k, v] of this.transfers) if (t - v.at > TRANSFER_MEMORY_S) this.transfers.delete(k);
  }

  private loggedIn(a: AgentTotals): boolean {
    if (a.loginSince !== null) return true;
    for (const _ in a.memberOf) return true;
    return false;
  }

  private addMember(name: string, queue: string, t: number, paused: boolean): void {
    const a = this.agent(name);
    if (!a || a.memberOf[queue] !== undefined) return;
    if (!this.loggedIn(a)) a.onSince = t;
    a.memberOf[queue] = t;
    if (paused) this.pause(name, queue, t, '');
  }

  private removeMember(name: string, queue: string, t: number): void {
    const a = this.agent(name);
    if (!a) return;
    const since = a.memberOf[queue];
    if (since === undefined) return;
    delete a.memberOf[queue];
    this.opts.onAgentInterval?.({ kind: 'membership', agent: name, queue, from: since, to: t });
    if (a.pausedIn.includes(queue)) this.unpause(name, queue, t);
    this.maybeLogout(name, a, t);
  }

  private maybeLogout(name: string, a: AgentTotals, t: number): void {
    if (this.loggedIn(a)) return;
    if (a.onSince !== null) this.secondsByDay(a.onSince, t, (day, s) => (this.agentDayOf(a, day).loggedInS += s));
    a.onSince = null;
    if (a.pausedSince !== null) this.unpause(name, null, t);
  }

  private pause(name: string, queue: string, t: number, reason: string): void {
    const a = this.agent(name);
    if (!a) return;
    if (!a.pausedIn.includes(queue)) a.pausedIn.push(queue);
    if (a.pausedSince === null) {
      a.pausedSince = t;
      a.pauseReason = reason;
    } else if (a.pauseReason === '' && reason !== '') a.pauseReason = reason;
  }

  /** `queue` null: every queue (UNPAUSEALL, or the agent left). */
  private unpause(name: string, queue: string | null, t: number): void {
    const a = this.agent(name);
    if (!a) return;
    a.pausedIn = queue === null ? [] : a.pausedIn.filter((q) => q !== queue && q !== '*');
    if (a.pausedIn.length > 0 || a.pausedSince === null) return;
    const reason = a.pauseReason;
    this.secondsByDay(a.pausedSince, t, (day, s) => {
      const d = this.agentDayOf(a, day);
      d.pauseS[reason] = (d.pauseS[reason] ?? 0) + s;
    });
    this.opts.onAgentInterval?.({ kind: 'pause', agent: name, reason, from: a.pausedSince, to: t });
    a.pausedSince = null;
    a.pauseReason = '';
  }
}
