/**
 * Metrics from the aggregator's totals, exactly as issue #16 names them. Seconds are whole seconds as Asterisk
 * logs them; averages and percentages (0–100) are rounded to 2 decimals; a ratio with nothing to divide by is 0
 * (what app_queue shows). Open agent sessions and pauses are counted up to `asOf` (default: the last line's
 * epoch) without closing them. Pure.
 */
import type { AgentTotals, Bucket, QueueLogAggregator, QueueTotals } from './aggregate.js';

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
  open_calls: number;
  queues: Record<string, QueueMetrics>;
  agents: Record<string, AgentMetrics>;
}

export function queueMetrics(q: QueueTotals, servicelevel: number): QueueMetrics {
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
    by_hour: q.byHour.map((b, hour) => ({ hour, ...b })),
    by_day: Object.keys(q.byDay)
      .sort()
      .map((day) => ({ day, ...q.byDay[day]! })),
  };
}

export function agentMetrics(a: AgentTotals, asOf: number): AgentMetrics {
  const pauseByReason = { ...a.pauseS };
  if (a.pausedSince !== null) pauseByReason[a.pauseReason] = (pauseByReason[a.pauseReason] ?? 0) + Math.max(0, asOf - a.pausedSince);
  const pause = Object.values(pauseByReason).reduce((s, x) => s + x, 0);
  const loggedIn = a.loggedInS + (a.onSince !== null ? Math.max(0, asOf - a.onSince) : 0);
  const available = loggedIn - pause;
  return {
    calls_answered: a.callsAnswered,
    talk_s: a.talkS,
    ringnoanswer: a.ringnoanswer,
    avg_talk_s: avg(a.talkS, a.talkCount),
    ringnoanswer_ms: a.ringnoanswerMs,
    ringcanceled: a.ringcanceled,
    dumps: a.dumps,
    outcalls: a.outcalls,
    outcall_talk_s: a.outcallTalkS,
    pause_s_by_reason: pauseByReason,
    pause_s: pause,
    logged_in_s: loggedIn,
    occupancy_pct: loggedIn > 0 ? (available > 0 ? Math.min(100, pct(a.talkS, available)) : 100) : null,
  };
}

export function computeMetrics(agg: QueueLogAggregator, serviceLevel: (q: string) => number, asOf?: number): QueueLogMetrics {
  const at = asOf ?? agg.lastEpoch ?? 0;
  const queues: Record<string, QueueMetrics> = {};
  for (const name of Object.keys(agg.queues).sort()) queues[name] = queueMetrics(agg.queues[name]!, serviceLevel(name));
  const agents: Record<string, AgentMetrics> = {};
  for (const name of Object.keys(agg.agents).sort()) agents[name] = agentMetrics(agg.agents[name]!, at);
  return { first_epoch: agg.firstEpoch, last_epoch: agg.lastEpoch, events: { ...agg.events }, open_calls: agg.openCalls().length, queues, agents };
}
