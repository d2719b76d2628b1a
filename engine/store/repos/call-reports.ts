/**
 * CallLog sums for the reports (issue #16): ended calls created in [from, to), optionally of one campaign or one
 * agent, grouped in SQL by quarter hour (every zone offset is a multiple of 15 min, so the caller can place each
 * quarter in the center's local day and hour exactly), by disposition, by agent or by campaign. Bound
 * parameters only.
 */
import type { Store } from '../store.js';

export type CallReportGroupBy = 'quarter' | 'disposition' | 'agent' | 'campaign';

export interface CallReportFilter {
  from?: number;
  to: number;
  campaignId?: string;
  agentId?: string;
}

export interface CallReportGroup {
  /** Quarter: epoch ms of its start; otherwise the disposition, agent id or campaign id (null when unset). */
  key: string | number | null;
  calls: number;
  /** Live people: ANSWERED_HUMAN + DROPPED. */
  humans: number;
  /** ANSWERED_HUMAN: bridged to an agent. */
  connected: number;
  machines: number;
  drops: number;
  noAnswer: number;
  busy: number;
  /** CONGESTION, FAILED, INVALID_NUMBER. */
  failed: number;
  talkMs: number;
}

const KEY: Record<CallReportGroupBy, string> = {
  quarter: '(created_at / 900000) * 900000',
  disposition: 'disposition',
  agent: 'agent_id',
  campaign: 'campaign_id',
};

export function callReportGroups(store: Pick<Store, 'sqlite'>, f: CallReportFilter, by: CallReportGroupBy): CallReportGroup[] {
  const conds = ['ended_at IS NOT NULL', 'created_at < ?'];
  const params: unknown[] = [f.to];
  if (f.from !== undefined) {
    conds.push('created_at >= ?');
    params.push(f.from);
  }
  if (f.campaignId !== undefined) {
    conds.push('campaign_id = ?');
    params.push(f.campaignId);
  }
  if (f.agentId !== undefined) {
    conds.push('agent_id = ?');
    params.push(f.agentId);
  }
  const sql =
    `SELECT ${KEY[by]} AS key, count(*) AS calls, ` +
    `coalesce(sum(disposition IN ('ANSWERED_HUMAN', 'DROPPED')), 0) AS humans, coalesce(sum(disposition = 'ANSWERED_HUMAN'), 0) AS connected, ` +
    `coalesce(sum(disposition = 'MACHINE'), 0) AS machines, coalesce(sum(disposition = 'DROPPED'), 0) AS drops, ` +
    `coalesce(sum(disposition = 'NO_ANSWER'), 0) AS noAnswer, coalesce(sum(disposition = 'BUSY'), 0) AS busy, ` +
    `coalesce(sum(disposition IN ('CONGESTION', 'FAILED', 'INVALID_NUMBER')), 0) AS failed, coalesce(sum(talk_ms), 0) AS talkMs ` +
    `FROM call_logs WHERE ${conds.join(' AND ')} GROUP BY key ORDER BY key`;
  return store.sqlite.prepare(sql).all(...params) as CallReportGroup[];
}

/** The creation time of the first CallLog (null when there is none): where an open-ended report starts. */
export function firstCallAt(store: Pick<Store, 'sqlite'>): number | null {
  return (store.sqlite.prepare('SELECT min(created_at) AS t FROM call_logs').get() as { t: number | null }).t;
}
