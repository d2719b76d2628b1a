/**
 * Figures over several queues (the "All queues" row and tiles): counts are summed, averages weighted the way the
 * API computes them (ASA by answered calls, average talk by total talk over answered), percentages recomputed from
 * the sums — never an average of percentages.
 */
import type { QueueSummary } from '../../api/types';

export interface QueueTotalsRow {
  offered: number;
  answered: number;
  abandoned: number;
  answered_within_sl: number;
  asa_s: number;
  max_wait_answered_s: number;
  avg_talk_s: number;
  total_talk_s: number;
  abandon_rate_pct: number;
  sl_pct_of_answered: number;
  sl_pct_of_answered_plus_abandoned: number;
  ringnoanswer: number;
}

const pct = (n: number, d: number) => (d > 0 ? Math.round((10_000 * n) / d) / 100 : 0);

export function sumQueues(qs: QueueSummary[]): QueueTotalsRow {
  const s = (f: (q: QueueSummary) => number) => qs.reduce((a, q) => a + f(q), 0);
  const answered = s((q) => q.answered);
  const abandoned = s((q) => q.abandoned);
  const offered = s((q) => q.offered);
  const inSl = s((q) => q.answered_within_sl);
  const talked = s((q) => (q.avg_talk_s > 0 ? q.total_talk_s / q.avg_talk_s : 0));
  return {
    offered,
    answered,
    abandoned,
    answered_within_sl: inSl,
    asa_s: answered > 0 ? s((q) => q.asa_s * q.answered) / answered : 0,
    max_wait_answered_s: Math.max(0, ...qs.map((q) => q.max_wait_answered_s)),
    avg_talk_s: talked > 0 ? s((q) => q.total_talk_s) / talked : 0,
    total_talk_s: s((q) => q.total_talk_s),
    abandon_rate_pct: pct(abandoned, offered),
    sl_pct_of_answered: pct(inSl, answered),
    sl_pct_of_answered_plus_abandoned: pct(inSl, answered + abandoned),
    ringnoanswer: s((q) => q.ringnoanswer),
  };
}

/** Today's date (YYYY-MM-DD) in the center's zone. */
export function todayIn(timeZone: string, at = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}
