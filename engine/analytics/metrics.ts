/**
 * Metrics from the aggregator's totals, exactly as issue #16 names them. Seconds are whole seconds as Asterisk
 * logs them; averages and percentages (0–100) are rounded to 2 decimals; a ratio with nothing to divide by is 0
 * (what app_queue shows). Open agent sessions and pauses are counted up to `asOf` (default: the last line's
 * epoch) without closing them. A day range (local days of the center's zone, both ends included) sums only
 * those days; queues and agents with nothing in it are left out. Pure.
 */
import type { AgentDay, AgentTotals, Bucket, QueueDay, QueueLogAggregator, QueueTotals } from './aggregate.js';

export const round2 = (x: number): number => Math.round(x * 100) / 100;
const pct = (num: number, den: number): number => (den > 0 ? round2((100 * num) / den) : 0);
const avg = (sum: number, n: number): number => (n > 0 ? round2(sum / n) : 0);

export interface QueueMetrics {
  offered: number;
  answered: number;
  abandoned: number;
  timeout: number;
  exitwithkey: number;
  exitempty: number;
  withdraw: number;
  asa_s: number;
  max_wait_answered_s: number;
  avg_talk_s: number;
  total_talk_s: number;
  answered_within_sl: number;
  sl_pct_of_answered: number;
  sl_pct_of_answered_plus_abandoned: number;
  ringnoanswer: number;
  /** Beyond the command's shape: */
  servicelevel_s: number;
  abandon_rate_pct: number;
  syscompat: number;
  transferred: number;
  lost: number;
  /** app_queue's own figures (`queue show`): SL = completed within SL / completed; SL2 adds its "abandoned". */
  app_queue: { sl_pct: number; sl2_pct: number; completed: number; completed_in_sl: number; abandoned: number; abandoned_in_sl: number };
  by_hour: (Bucket & { hour: number })[];
  by_day: (Bucket & { day: string })[];
}

export interface AgentMetrics {
  calls_answered: number;
  talk_s: number;
  ringnoanswer: number;
  avg_talk_s: number;
  ringnoanswer_ms: number;
  ringcanceled: number;
  dumps: number;
  outcalls: number;
  outcall_talk_s: number;
  pause_s_by_reason: Record<string, number>;
  pause_s: number;
  logged_in_s: number;
  /** Talk time over logged-in time not paused, 0–100; null when no login was seen (static members). */
  occupancy_pct: number | null;
}

export interface QueueLogMetrics {
  first_epoch: number | null;
  last_epoch: number | null;
  events: Record<string, number>;
  /** Calls not ended: waiting in a queue or talking to an agent. */
  open_calls: number;
  /** Of those, callers waiting in a queue (entered, not yet connected nor gone). */
  in_queue: number;
  queues: Record<string, QueueMetrics>;
  agents: Record<string, AgentMetrics>;
}

/** Local days YYYY-MM-DD, both included; either end open. */
export interface DayRange {
  from?: string;
  to?: string;
}

const inRange = (day: string, r: DayRange | undefined): boolean => r === undefined || ((r.from === undefined || day >= r.from) && (r.to === undefined || day <= r.to));

const SUMMED = [
  'offered', 'answered', 'abandoned', 'timeout', 'exitwithkey', 'exitempty', 'withdraw', 'syscompat', 'transferred', 'completed', 'lost',
  'waitAnsweredSum', 'answeredInSl', 'abandonedInSl', 'talkSum', 'talkCount', 'ringnoanswer', 'aqCompleted', 'aqCompletedInSl', 'aqAbandoned', 'aqAbandonedInSl',
] as const;

/** The queue's days in range, summed (max wait: the largest), with the per-day and per-hour buckets. */
function sumQueue(q: QueueTotals, range: DayRange | undefined): { t: Omit<QueueDay, 'hours'>; byHour: Bucket[]; byDay: (Bucket & { day: string })[] } | null {
  const t = { maxWaitAnswered: 0 } as Omit<QueueDay, 'hours'>;
  for (const k of SUMMED) t[k] = 0;
  const byHour = Array.from({ length: 24 }, (): Bucket => ({ offered: 0, answered: 0, abandoned: 0, answered_within_sl: 0, talk_s: 0 }));
  const byDay: (Bucket & { day: string })[] = [];
  for (const day of Object.keys(q.days).sort()) {
    if (!inRange(day, range)) continue;
    const d = q.days[day]!;
    for (const k of SUMMED) t[k] += d[k];
    if (d.maxWaitAnswered > t.maxWaitAnswered) t.maxWaitAnswered = d.maxWaitAnswered;
    for (const [h, b] of Object.entries(d.hours)) {
      const o = byHour[Number(h)]!;
      o.offered += b.offered;
      o.answered += b.answered;
      o.abandoned += b.abandoned;
      o.answered_within_sl += b.answered_within_sl;
      o.talk_s += b.talk_s;
    }
    byDay.push({ day, offered: d.offered, answered: d.answered, abandoned: d.abandoned, answered_within_sl: d.answeredInSl, talk_s: d.talkSum });
  }
  return byDay.length === 0 ? null : { t, byHour, byDay };
}

export function queueMetrics(totals: QueueTotals, servicelevel: number, range?: DayRange): QueueMetrics | null {
  const sum = sumQueue(totals, range);
  if (sum === null) return null;
  const q = sum.t;
  return {
    offered: q.offered,
    answered: q.answered,
    abandoned: q.abandoned,
    timeout: q.timeout,
    exitwithkey: q.exitwithkey,
    exitempty: q.exitempty,
    withdraw: q.withdraw,
    asa_s: avg(q.waitAnsweredSum, q.answered),
    max_wait_answered_s: q.maxWaitAnswered,
    avg_talk_s: avg(q.talkSum, q.talkCount),
    total_talk_s: q.talkSum,
    answered_within_sl: q.answeredInSl,
    sl_pct_of_answered: pct(q.answeredInSl, q.answered),
    sl_pct_of_answered_plus_abandoned: pct(q.answeredInSl, q.answered + q.abandoned),
    ringnoanswer: q.ringnoanswer,
    servicelevel_s: servicelevel,
    abandon_rate_pct: pct(q.abandoned, q.offered),
    syscompat: q.syscompat,
    transferred: q.transferred,
    lost: q.lost,
    app_queue: {
      sl_pct: pct(q.aqCompletedInSl, q.aqCompleted),
      sl2_pct: pct(q.aqCompletedInSl + q.aqAbandonedInSl, q.aqCompleted + q.aqAbandoned),
      completed: q.aqCompleted,
      completed_in_sl: q.aqCompletedInSl,
      abandoned: q.aqAbandoned,
      abandoned_in_sl: q.aqAbandonedInSl,
    },
    by_hour: sum.byHour.map((b, hour) => ({ hour, ...b })),
    by_day: sum.byDay,
  };
}

/**
 * An agent's days in range summed; the open session and pause count up to `asOf`, split at local midnights by
 * `secondsByDay` so a range sees only its part. Null when the agent has nothing in range.
 */
export function agentMetrics(a: AgentTotals, asOf: number, secondsByDay: QueueLogAggregator['secondsByDay'], range?: DayRange): AgentMetrics | null {
  const sum: AgentDay = { callsAnswered: 0, talkS: 0, talkCount: 0, ringnoanswer: 0, ringnoanswerMs: 0, ringcanceled: 0, dumps: 0, outcalls: 0, outcallTalkS: 0, pauseS: {}, loggedInS: 0 };
  let seen = false;
  const pauseByReason: Record<string, number> = {};
  for (const [day, d] of Object.entries(a.days)) {
    if (!inRange(day, range)) continue;
    seen = true;
    sum.callsAnswered += d.callsAnswered;
    sum.talkS += d.talkS;
    sum.talkCount += d.talkCount;
    sum.ringnoanswer += d.ringnoanswer;
    sum.ringnoanswerMs += d.ringnoanswerMs;
    sum.ringcanceled += d.ringcanceled;
    sum.dumps += d.dumps;
    sum.outcalls += d.outcalls;
    sum.outcallTalkS += d.outcallTalkS;
    sum.loggedInS += d.loggedInS;
    for (const [r, s] of Object.entries(d.pauseS)) pauseByReason[r] = (pauseByReason[r] ?? 0) + s;
  }
  const open = (from: number | null, add: (s: number) => void): void => {
    if (from === null || asOf <= from) return;
    secondsByDay(from, asOf, (day, s) => {
      if (!inRange(day, range)) return;
      seen = true;
      add(s);
    });
  };
  open(a.pausedSince, (s) => (pauseByReason[a.pauseReason] = (pauseByReason[a.pauseReason] ?? 0) + s));
  let loggedIn = sum.loggedInS;
  open(a.onSince, (s) => (loggedIn += s));
  if (!seen && range !== undefined) return null;
  const pause = Object.values(pauseByReason).reduce((s, x) => s + x, 0);
  const available = loggedIn - pause;
  const s = sum;
  return {
    calls_answered: s.callsAnswered,
    talk_s: s.talkS,
    ringnoanswer: s.ringnoanswer,
    avg_talk_s: avg(s.talkS, s.talkCount),
    ringnoanswer_ms: s.ringnoanswerMs,
    ringcanceled: s.ringcanceled,
    dumps: s.dumps,
    outcalls: s.outcalls,
    outcall_talk_s: s.outcallTalkS,
    pause_s_by_reason: pauseByReason,
    pause_s: pause,
    logged_in_s: loggedIn,
    occupancy_pct: loggedIn > 0 ? (available > 0 ? Math.min(100, pct(s.talkS, available)) : 100) : null,
  };
}

export function computeMetrics(agg: QueueLogAggregator, serviceLevel: (q: string) => number, asOf?: number, range?: DayRange): QueueLogMetrics {
  const at = asOf ?? agg.lastEpoch ?? 0;
  const queues: Record<string, QueueMetrics> = {};
  for (const name of Object.keys(agg.queues).sort()) {
    const m = queueMetrics(agg.queues[name]!, serviceLevel(name), range);
    if (m) queues[name] = m;
  }
  const agents: Record<string, AgentMetrics> = {};
  const split = agg.secondsByDay.bind(agg);
  for (const name of Object.keys(agg.agents).sort()) {
    const m = agentMetrics(agg.agents[name]!, at, split, range);
    if (m) agents[name] = m;
  }
  return { first_epoch: agg.firstEpoch, last_epoch: agg.lastEpoch, events: { ...agg.events }, open_calls: agg.openCalls().length, in_queue: agg.inQueue().length, queues, agents };
}
