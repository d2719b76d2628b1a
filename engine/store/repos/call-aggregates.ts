/**
 * Read models over CallLogs and agent events for the API's reports (metrics, dashboard, Prometheus): sums in SQL
 * over the indexed columns, bound parameters only. better-sqlite3 is synchronous and shares the engine's event
 * loop, so the long reports come in day-sized pieces.
 */
import { nextLocalDay, startOfLocalDay } from '../../clock/index.js';
import { BUCKET_MS, EMPTY_AGGREGATE, timeInState, type BucketSize, type CallAggregate } from '../metrics.js';
import type { Store } from '../store.js';
import { scopeSql } from './wallboard.js';

/** Which calls a group covers: those of its users or bridged to its agents; undefined = every call. */
export interface GroupScope {
  userIds: string[];
  agentIds: string[];
}

/**
 * Ended calls created in [from, to) summed in SQL (one pass over the created_at index, not rows in JS), optionally
 * grouped into UTC hour/day buckets. Values are bound parameters.
 */
export function aggregateCalls(
  store: Pick<Store, 'sqlite'>,
  scope: GroupScope | undefined,
  w: { from?: number; to: number },
  bucket?: BucketSize,
  /** Where buckets are counted from (a local midnight), so they follow local hours, not UTC ones. */
  origin = 0,
): Map<number, CallAggregate> {
  const params: unknown[] = [];
  const conds = ['ended_at IS NOT NULL', 'created_at < ?'];
  params.push(w.to);
  if (w.from !== undefined) {
    conds.push('created_at >= ?');
    params.push(w.from);
  }
  const scoped = scopeSql(scope, params);
  if (scoped === null) return new Map();
  if (scoped !== '') conds.push(scoped.replace(/^ AND /, ''));
  const step = bucket === undefined ? null : BUCKET_MS[bucket];
  const sql =
    `SELECT ${step === null ? '0' : `((created_at - ${Math.trunc(origin)}) / ${step}) * ${step} + ${Math.trunc(origin)}`} AS b, count(*) AS made, ` +
    `coalesce(sum(disposition = 'ANSWERED_HUMAN'), 0) AS success, coalesce(sum(disposition = 'DROPPED'), 0) AS dropped, ` +
    `coalesce(sum(talk_ms), 0) AS talkMs FROM call_logs WHERE ${conds.join(' AND ')}${step === null ? '' : ' GROUP BY b'}`;
  const rows = store.sqlite.prepare(sql).all(...params) as Array<CallAggregate & { b: number }>;
  return new Map(rows.filter((r) => r.made > 0).map((r) => [r.b, { made: r.made, success: r.success, dropped: r.dropped, talkMs: r.talkMs }]));
}

/**
 * `aggregateCalls` one local day (of `timeZone`) at a time, yielding to the event loop between days. better-sqlite3 is synchronous
 * and the API shares its process with the engine: an all-time report over a million CallLogs in one statement
 * stalls ARI handling for half a second; in day-sized pieces the stall is a few milliseconds at a time.
 */
export async function aggregateCallsChunked(
  store: Pick<Store, 'sqlite'>,
  scope: GroupScope | undefined,
  w: { from?: number; to: number },
  bucket?: BucketSize,
  timeZone = 'UTC',
): Promise<Map<number, CallAggregate>> {
  const out = new Map<number, CallAggregate>();
  const first = w.from ?? (store.sqlite.prepare('SELECT min(created_at) AS t FROM call_logs').get() as { t: number | null }).t;
  if (first === null) return out;
  for (let a = startOfLocalDay(first, timeZone); a < w.to; ) {
    const next = nextLocalDay(a, timeZone);
    const part = aggregateCalls(store, scope, { from: Math.max(a, first), to: Math.min(next, w.to) }, bucket === 'hour' ? 'hour' : undefined, a);
    for (const [key, v] of part) {
      // Totals keep key 0; a day bucket is keyed by its local midnight.
      const k = bucket === 'day' ? a : key;
      const acc = out.get(k) ?? { ...EMPTY_AGGREGATE };
      out.set(k, { made: acc.made + v.made, success: acc.success + v.success, dropped: acc.dropped + v.dropped, talkMs: acc.talkMs + v.talkMs });
    }
    await new Promise<void>((r) => setImmediate(r));
    a = next;
  }
  return out;
}

/**
 * WRAP_UP milliseconds of `agentIds` per window (time in state from the agent event log). Two prepared statements
 * reused for every agent (query building per agent cost more than the reads), yielding to the event loop every
 * 50 agents.
 */
export async function wrapMsPer(store: Pick<Store, 'sqlite'>, agentIds: string[], windows: Array<[number, number]>): Promise<number[]> {
  const out = windows.map(() => 0);
  if (windows.length === 0) return out;
  const from = windows[0]![0];
  const to = windows[windows.length - 1]![1];
  const eventsQ = store.sqlite.prepare('SELECT to_state AS toState, at FROM agent_events WHERE agent_id = ? AND at >= ? AND at < ? ORDER BY at, id');
  const beforeQ = store.sqlite.prepare('SELECT to_state AS s FROM agent_events WHERE agent_id = ? AND at < ? ORDER BY at DESC, id DESC LIMIT 1');
  for (const [n, id] of agentIds.entries()) {
    const events = eventsQ.all(id, from, to) as Array<{ toState: string; at: number }>;
    const initial = (beforeQ.get(id, from) as { s: string } | undefined)?.s ?? null;
    if (events.length === 0 && initial !== 'WRAP_UP') continue;
    windows.forEach(([a, b], i) => {
      out[i]! += timeInState(events, a, b, initial)['WRAP_UP'] ?? 0;
    });
    if (n % 50 === 49) await new Promise<void>((r) => setImmediate(r));
  }
  return out;
}

/** Each agent's last logged state before `at` (LOGGED_OUT when it has none): one prepared statement for all of them. */
export function lastAgentStates(store: Pick<Store, 'sqlite'>, agentIds: readonly string[], at: number): Map<string, string> {
  const lastQ = store.sqlite.prepare('SELECT to_state AS s FROM agent_events WHERE agent_id = ? AND at < ? ORDER BY at DESC, id DESC LIMIT 1');
  const out = new Map<string, string>();
  for (const id of agentIds) out.set(id, (lastQ.get(id, at) as { s: string } | undefined)?.s ?? 'LOGGED_OUT');
  return out;
}

/** Humans answered in [from, to) and how many of them were bridged within `withinMs` of recognition. */
export function serviceLevel(store: Pick<Store, 'sqlite'>, from: number, to: number, withinMs: number): { humans: number; within: number } {
  return store.sqlite
    .prepare(
      `SELECT coalesce(sum(disposition IN ('ANSWERED_HUMAN', 'DROPPED')), 0) AS humans,
              coalesce(sum(disposition = 'ANSWERED_HUMAN' AND bridged_at IS NOT NULL
                           AND bridged_at - coalesce(amd_at, answered_at, bridged_at) <= ?), 0) AS within
         FROM call_logs WHERE ended_at IS NOT NULL AND created_at >= ? AND created_at < ?`,
    )
    .get(withinMs, from, to) as { humans: number; within: number };
}

/** CallLogs created in [from, to). */
export function countCallsCreated(store: Pick<Store, 'sqlite'>, from: number, to: number): number {
  return (store.sqlite.prepare('SELECT count(*) AS n FROM call_logs WHERE created_at >= ? AND created_at < ?').get(from, to) as { n: number }).n;
}
