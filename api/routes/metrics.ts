import { OpenAPIHono, z } from '@hono/zod-openapi';
import { scopeSql, type Store } from '../../engine/store/index.js';
import {
  BUCKET_MS,
  EMPTY_AGGREGATE,
  bucketStarts,
  deriveGroupMetrics,
  timeInState,
  type BucketSize,
  type CallAggregate,
  type GroupMetrics,
} from '../../engine/store/metrics.js';
import { nextLocalDay, startOfLocalDay } from '../../engine/clock/zoned.js';
import { ianaZone } from '../../engine/campaigns/settings.js';
import type { AuthService } from '../auth/service.js';
import { queryDate, zonedQueryDate } from '../calls/dates.js';
import { visibleUserIds } from '../calls/visibility.js';
import type { ApiEnv } from '../http/env.js';
import { ApiError } from '../http/errors.js';
import { jsonResponse, protectedRoute } from '../http/route.js';
import { validationHook } from '../http/validation.js';

const MetricsSchema = z
  .object({
    calls_made: z.number().int(),
    calls_success: z.number().int(),
    calls_failed: z.number().int(),
    total_talk_time: z.number(),
    avg_call_duration: z.number(),
    aht: z.number(),
    success_pct: z.number(),
    time_in_state: z.record(z.string(), z.number()),
  })
  .openapi('UserMetrics');

const me = protectedRoute('metrics.read', {
  method: 'get',
  path: '/api/metrics/me',
  tags: ['metrics'],
  summary: 'Your own metrics, optionally for a date range',
  request: { query: z.strictObject({ from: queryDate('start').optional(), to: queryDate('end').optional() }) },
  responses: { 200: jsonResponse('Metrics', MetricsSchema) },
});

const ofUser = protectedRoute('metrics.read', {
  method: 'get',
  path: '/api/metrics/users/{id}',
  tags: ['metrics'],
  summary: 'A user’s metrics (team leads: their team; supervisors and admins: anyone)',
  request: {
    params: z.strictObject({ id: z.string().min(1).max(64) }),
    query: z.strictObject({ from: queryDate('start').optional(), to: queryDate('end').optional() }),
  },
  responses: { 200: jsonResponse('Metrics', MetricsSchema), 404: { description: 'No such user, or not one you may see' } },
});

const GroupMetricsFields = {
  calls_made: z.number().int(),
  calls_success: z.number().int(),
  calls_failed: z.number().int(),
  total_talk_time: z.number(),
  avg_call_duration: z.number(),
  aht: z.number(),
  success_pct: z.number(),
  humans: z.number().int(),
  dropped: z.number().int(),
  abandon_pct: z.number(),
};
const BucketSchema = z.object({ start: z.number().int(), ...GroupMetricsFields }).openapi('MetricsBucket');
const GroupMetricsSchema = z
  .object({
    from: z.number().int().nullable(),
    to: z.number().int(),
    group: z.enum(['hour', 'day']).nullable(),
    /** The IANA zone whose local hours/days the buckets follow. */
    time_zone: z.string(),
    ...GroupMetricsFields,
    breakdown: z.array(BucketSchema).optional(),
  })
  .openapi('GroupMetrics');
const TeamMetricsSchema = GroupMetricsSchema.extend({ team: z.string() }).openapi('TeamMetrics');

/** Most buckets one request may ask for (a month by hour, or almost three years by day). */
export const MAX_BUCKETS = 1000;

const GroupQuery = z.strictObject({
  from: zonedQueryDate('start').optional().openapi({ description: 'YYYY-MM-DD (a local day in tz) or an ISO date-time' }),
  to: zonedQueryDate('end').optional().openapi({ description: 'YYYY-MM-DD (through that local day in tz) or an ISO date-time, exclusive' }),
  group: z.enum(['hour', 'day']).optional(),
  tz: ianaZone.optional().openapi({ description: 'IANA time zone of the hour/day buckets (default REPORT_TIME_ZONE)' }),
});

const ofTeam = protectedRoute('metrics.team', {
  method: 'get',
  path: '/api/metrics/teams/{team}',
  tags: ['metrics'],
  summary: 'A team’s calls, success, talk time, AHT, abandon % (team leads: their own team); ?group=hour|day adds a breakdown',
  request: { params: z.strictObject({ team: z.string().min(1).max(64) }), query: GroupQuery },
  responses: { 200: jsonResponse('Team metrics', TeamMetricsSchema), 404: { description: 'No such team, or not yours' } },
});

const ofOrg = protectedRoute('metrics.org', {
  method: 'get',
  path: '/api/metrics/org',
  tags: ['metrics'],
  summary: 'Organisation-wide calls, success, talk time, AHT, abandon %; ?group=hour|day adds a breakdown',
  request: { query: GroupQuery },
  responses: { 200: jsonResponse('Organisation metrics', GroupMetricsSchema) },
});

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
  store: Store,
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
  store: Store,
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
export async function wrapMsPer(store: Store, agentIds: string[], windows: Array<[number, number]>): Promise<number[]> {
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

export interface GroupReport {
  from: number | null;
  to: number;
  group: BucketSize | null;
  time_zone: string;
  metrics: GroupMetrics;
  breakdown?: Array<{ start: number } & GroupMetrics>;
}

/** Totals (and with `group` a zero-filled breakdown) for a team, or the organisation when `scope` is undefined. */
export async function groupReport(
  store: Store,
  scope: GroupScope | undefined,
  agentIds: string[],
  q: { from?: number; to: number; group?: BucketSize; timeZone: string },
): Promise<GroupReport> {
  let from = q.from;
  if (q.group !== undefined && from === undefined) {
    // A chart needs a start: the last 24 local hours by hour, the last 30 local days by day.
    from =
      q.group === 'hour'
        ? (bucketStarts(q.to - 24 * BUCKET_MS.hour, q.to, 'hour', q.timeZone)[1] ?? q.to - BUCKET_MS.hour)
        : startOfLocalDay(startOfLocalDay(q.to - 1, q.timeZone) - 29 * BUCKET_MS.day + 12 * BUCKET_MS.hour, q.timeZone);
  }
  if (from !== undefined && from >= q.to) throw new ApiError(422, 'validation_failed', 'Invalid query: from must be before to', [{ field: 'from', problem: 'must be before to' }]);
  const total = (await aggregateCallsChunked(store, scope, { from, to: q.to })).get(0) ?? EMPTY_AGGREGATE;
  const [wrapTotal] = await wrapMsPer(store, agentIds, [[from ?? 0, q.to]]);
  const report: GroupReport = { from: from ?? null, to: q.to, group: q.group ?? null, time_zone: q.timeZone, metrics: deriveGroupMetrics(total, wrapTotal) };
  if (q.group !== undefined && from !== undefined) {
    const starts = bucketStarts(from, q.to, q.group, q.timeZone);
    if (starts.length > MAX_BUCKETS) {
      throw new ApiError(422, 'validation_failed', `Invalid query: more than ${MAX_BUCKETS} ${q.group} buckets`, [{ field: 'group', problem: `range spans more than ${MAX_BUCKETS} buckets` }]);
    }
    const byBucket = await aggregateCallsChunked(store, scope, { from, to: q.to }, q.group, q.timeZone);
    // Local days are 23–25 h long: a bucket ends where the next begins (the last one at `to`).
    const windows = starts.map((s, i): [number, number] => [Math.max(s, from!), Math.min(starts[i + 1] ?? q.to, q.to)]);
    const wraps = await wrapMsPer(store, agentIds, windows);
    report.breakdown = starts.map((s, i) => ({ start: s, ...deriveGroupMetrics(byBucket.get(s) ?? EMPTY_AGGREGATE, wraps[i]) }));
  }
  return report;
}

const flat = (r: GroupReport) => ({ from: r.from, to: r.to, group: r.group, time_zone: r.time_zone, ...r.metrics, ...(r.breakdown === undefined ? {} : { breakdown: r.breakdown }) });

export function metricsRoutes({ store, auth, timeZone = 'UTC' }: { store: Store; auth: AuthService; timeZone?: string }): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.openapi(me, (c) => {
    const q = c.req.valid('query');
    // "to" defaults to now (exclusive, hence +1) so time in agent states is counted up to this moment.
    const m = store.metrics.userMetrics(c.get('principal').userId, { from: q.from, to: q.to ?? auth.now() + 1 });
    return c.json(m, 200);
  });
  app.openapi(ofUser, (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const visible = visibleUserIds(c.get('principal'), auth.users);
    // Same visibility as calls: someone outside your scope looks like nobody.
    if (auth.users.get(id) === undefined || (visible !== undefined && !visible.includes(id))) throw new ApiError(404, 'not_found', `No user ${id}`);
    return c.json(store.metrics.userMetrics(id, { from: q.from, to: q.to ?? auth.now() + 1 }), 200);
  });
  app.openapi(ofTeam, async (c) => {
    const { team } = c.req.valid('param');
    const q = c.req.valid('query');
    const p = c.get('principal');
    // A team lead asking for another team learns nothing, not even that it exists.
    if (p.role === 'teamlead' && p.team !== team) throw new ApiError(404, 'not_found', `No team ${team}`);
    const agentIds = store.agents.list({ team }).map((a) => a.id);
    const userIds = auth.users.teamUserIds(team);
    if (agentIds.length === 0 && userIds.length === 0) throw new ApiError(404, 'not_found', `No team ${team}`);
    const zone = q.tz ?? timeZone;
    const r = await groupReport(store, { userIds, agentIds }, agentIds, { from: q.from?.(zone), to: q.to?.(zone) ?? auth.now() + 1, group: q.group, timeZone: zone });
    return c.json({ team, ...flat(r) }, 200);
  });
  app.openapi(ofOrg, async (c) => {
    const q = c.req.valid('query');
    const agentIds = store.agents.list().map((a) => a.id);
    const zone = q.tz ?? timeZone;
    return c.json(flat(await groupReport(store, undefined, agentIds, { from: q.from?.(zone), to: q.to?.(zone) ?? auth.now() + 1, group: q.group, timeZone: zone })), 200);
  });
  return app;
}
