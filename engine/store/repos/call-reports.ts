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

const DAY_MS = 86_400_000;

/** Groups in one order on both dialects: null first, then numbers ascending or text in byte order (code units). */
export function byReportKey(a: CallReportGroup, b: CallReportGroup): number {
  if (a.key === b.key) return 0;
  if (a.key === null) return -1;
  if (b.key === null) return 1;
  if (typeof a.key === 'number' && typeof b.key === 'number') return a.key - b.key;
  const x = String(a.key);
  const y = String(b.key);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * `callReportGroups` a day at a time, yielding to the event loop between days (better-sqlite3 is synchronous and
 * the API shares the engine's process: a year of a busy center in one statement would stall ARI handling); the
 * groups summed over the days, in key order (`byReportKey`).
 */
export async function callReportGroupsChunked(store: Pick<Store, 'sqlite'>, f: CallReportFilter, by: CallReportGroupBy): Promise<CallReportGroup[]> {
  const first = f.from ?? firstCallAt(store);
  if (first === null) return [];
  const out = new Map<string | number | null, CallReportGroup>();
  for (let a = first; a < f.to; a += DAY_MS) {
    for (const g of callReportGroups(store, { ...f, from: a, to: Math.min(a + DAY_MS, f.to) }, by)) {
      const prev = out.get(g.key);
      out.set(g.key, prev === undefined ? g : addGroups(prev, g));
    }
    if (a + DAY_MS < f.to) await new Promise<void>((r) => setImmediate(r));
  }
  return [...out.values()].sort(byReportKey);
}

function addGroups(a: CallReportGroup, b: CallReportGroup): CallReportGroup {
  return {
    key: a.key, calls: a.calls + b.calls, humans: a.humans + b.humans, connected: a.connected + b.connected, machines: a.machines + b.machines,
    drops: a.drops + b.drops, noAnswer: a.noAnswer + b.noAnswer, busy: a.busy + b.busy, failed: a.failed + b.failed, talkMs: a.talkMs + b.talkMs,
  };
}
