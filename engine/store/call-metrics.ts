import type { CallAggregate, BucketSize, UserMetrics } from './metrics.js';
import { aggregateCallsChunked, countCallsCreated, lastAgentStates, serviceLevel, wrapMsPer, type GroupScope } from './repos/call-aggregates.js';
import { callReportGroupsChunked, firstCallAt, type CallReportFilter, type CallReportGroup, type CallReportGroupBy } from './repos/call-reports.js';
import type { MetricsWindow } from './repos/metrics.js';
import { callDayFigures, callsPerMinute, openCalls, type CallDayFigures, type CallScope, type OpenCallRow } from './repos/wallboard.js';
import type { Store } from './store.js';

/**
 * The call figures supervisors see (#18): what the metrics, wallboard, dashboard and Prometheus routes read from
 * CallLogs and agent events, as one async shape over both dialects, the sibling of `CallHistory`. An API over
 * PostgreSQL reads the `call_logs` the engine nodes write there.
 *
 * Both answer the same figures for the same rows: sums counted in SQL, hour/day buckets keyed by their local start in
 * the zone asked (a local day lasts 23–25 h; hours count from local midnight), integer minute buckets, no rounding in
 * SQL (the formulas — AHT, success, abandon, service level — are the pure functions of ./metrics.ts, applied by the
 * routes to these counts), an empty set as the empty answer (no bucket, 0 counts, a null mean), open calls oldest
 * first with ties by id in byte order.
 */
export interface CallMetrics {
  readonly dialect: 'sqlite' | 'postgres';
  /** A user's metrics: their own calls plus those bridged to an agent they own; time in state up to `to`. */
  userMetrics(userId: string, w: MetricsWindow): Promise<UserMetrics>;
  /**
   * Ended calls created in [from, to) (no `from`: since the first CallLog), summed: one entry keyed 0 without a
   * bucket, else one per local hour/day of `timeZone` that has calls, keyed by its start. A window with no call: empty.
   */
  aggregate(scope: GroupScope | undefined, w: { from?: number; to: number }, bucket?: BucketSize, timeZone?: string): Promise<Map<number, CallAggregate>>;
  /** WRAP_UP milliseconds of the agents, summed per window (from the agent event log). */
  wrapMsPer(agentIds: string[], windows: Array<[number, number]>): Promise<number[]>;
  /** Each agent's last logged state before `at` (LOGGED_OUT when it has none). */
  lastAgentStates(agentIds: readonly string[], at: number): Promise<Map<string, string>>;
  /** Humans answered in [from, to) and how many were bridged within `withinMs` of recognition. */
  serviceLevel(from: number, to: number, withinMs: number): Promise<{ humans: number; within: number }>;
  /** CallLogs created in [from, to), open ones included. */
  countCreated(from: number, to: number): Promise<number>;
  /** Calls not ended, created since `since`, oldest first (ties by id, byte order). */
  openCalls(since: number, scope?: CallScope): Promise<OpenCallRow[]>;
  /** The wallboard's day figures over calls created in [from, to). */
  dayFigures(from: number, to: number, scope?: CallScope): Promise<CallDayFigures>;
  /** Calls created per minute in [from, to) (`from` on a minute), zero-filled, oldest first. */
  perMinute(from: number, to: number, scope?: CallScope): Promise<Array<{ start: number; calls: number; humans: number }>>;
  /** Calls that ended in [from, to), per disposition (null: none recorded). */
  endedByDisposition(from: number, to: number): Promise<Array<{ disposition: string | null; n: number }>>;
  /**
   * The reports' sums (engine/reports, `/api/reports/*`): ended calls created in [from, to) (no `from`: since the
   * first CallLog), of one campaign or agent when asked, grouped by quarter hour (keyed by its UTC start: every zone
   * offset is a multiple of 15 min, so the caller places each quarter in its local day and hour), disposition, agent
   * or campaign; in key order (null first, numbers ascending, text in byte order). No call: empty.
   */
  reportGroups(f: CallReportFilter, by: CallReportGroupBy): Promise<CallReportGroup[]>;
  /** The creation time of the first CallLog (null when there is none): where an open-ended report starts. */
  firstCallAt(): Promise<number | null>;
}

/** Over the SQLite store: the queries the routes always ran (synchronous; the long ones in day-sized pieces). */
export function sqliteCallMetrics(store: Pick<Store, 'sqlite' | 'metrics' | 'callLogs'>): CallMetrics {
  return {
    dialect: 'sqlite',
    userMetrics: async (userId, w) => store.metrics.userMetrics(userId, w),
    aggregate: (scope, w, bucket, timeZone) => aggregateCallsChunked(store, scope, w, bucket, timeZone),
    wrapMsPer: (agentIds, windows) => wrapMsPer(store, agentIds, windows),
    lastAgentStates: async (agentIds, at) => lastAgentStates(store, agentIds, at),
    serviceLevel: async (from, to, withinMs) => serviceLevel(store, from, to, withinMs),
    countCreated: async (from, to) => countCallsCreated(store, from, to),
    openCalls: async (since, scope) => openCalls(store.sqlite, since, scope),
    dayFigures: async (from, to, scope) => callDayFigures(store.sqlite, from, to, scope),
    perMinute: async (from, to, scope) => callsPerMinute(store.sqlite, from, to, scope),
    endedByDisposition: async (from, to) => store.callLogs.endedByDisposition(from, to),
    reportGroups: (f, by) => callReportGroupsChunked(store, f, by),
    firstCallAt: async () => firstCallAt(store),
  };
}
