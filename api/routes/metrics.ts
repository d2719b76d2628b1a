import { OpenAPIHono, z } from '@hono/zod-openapi';
import { type Store, BUCKET_MS, EMPTY_AGGREGATE, bucketStarts, deriveGroupMetrics, sqliteCallMetrics, type AgentDirectory, type BucketSize, type CallMetrics, type GroupMetrics, type GroupScope } from '../../engine/store/index.js';
import { startOfLocalDay } from '../../engine/clock/index.js';
import { ianaZone } from '../../engine/campaigns/index.js';
import type { AuthService } from '../auth/index.js';
import { queryDate, zonedQueryDate, visibleUserIds, type TeamSource } from '../calls/index.js';
import { type ApiEnv, ApiError, jsonResponse, protectedRoute, validationHook } from '../http/index.js';

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
  metrics: CallMetrics,
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
  const total = (await metrics.aggregate(scope, { from, to: q.to })).get(0) ?? EMPTY_AGGREGATE;
  const [wrapTotal] = await metrics.wrapMsPer(agentIds, [[from ?? 0, q.to]]);
  const report: GroupReport = { from: from ?? null, to: q.to, group: q.group ?? null, time_zone: q.timeZone, metrics: deriveGroupMetrics(total, wrapTotal) };
  if (q.group !== undefined && from !== undefined) {
    const starts = bucketStarts(from, q.to, q.group, q.timeZone);
    if (starts.length > MAX_BUCKETS) {
      throw new ApiError(422, 'validation_failed', `Invalid query: more than ${MAX_BUCKETS} ${q.group} buckets`, [{ field: 'group', problem: `range spans more than ${MAX_BUCKETS} buckets` }]);
    }
    const byBucket = await metrics.aggregate(scope, { from, to: q.to }, q.group, q.timeZone);
    // Local days are 23–25 h long: a bucket ends where the next begins (the last one at `to`).
    const windows = starts.map((s, i): [number, number] => [Math.max(s, from!), Math.min(starts[i + 1] ?? q.to, q.to)]);
    const wraps = await metrics.wrapMsPer(agentIds, windows);
    report.breakdown = starts.map((s, i) => ({ start: s, ...deriveGroupMetrics(byBucket.get(s) ?? EMPTY_AGGREGATE, wraps[i]) }));
  }
  return report;
}

const flat = (r: GroupReport) => ({ from: r.from, to: r.to, group: r.group, time_zone: r.time_zone, ...r.metrics, ...(r.breakdown === undefined ? {} : { breakdown: r.breakdown }) });

/** Where the routes read agents (a team's, or all): the `AgentDirectory` of the API (#18). */
export type AgentList = Pick<AgentDirectory, 'list'>;

export interface MetricsDeps {
  store: Store;
  auth: AuthService;
  timeZone?: string;
  /** Where the call figures are read (#18); absent → the SQLite `store`. */
  metrics?: CallMetrics;
  /** Where the agents of a team (or all) are read (#18); absent → the SQLite `store`. */
  agents?: AgentList;
  /** Where a team's users are read (#18); absent → the users the API authenticates. */
  teams?: TeamSource;
}

export function metricsRoutes({ store, auth, timeZone = 'UTC', ...deps }: MetricsDeps): OpenAPIHono<ApiEnv> {
  const metrics = deps.metrics ?? sqliteCallMetrics(store);
  const agents: AgentList = deps.agents ?? { list: async (f) => store.agents.list(f) };
  const teams: TeamSource = deps.teams ?? auth.users;
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.openapi(me, async (c) => {
    const q = c.req.valid('query');
    // "to" defaults to now (exclusive, hence +1) so time in agent states is counted up to this moment.
    const m = await metrics.userMetrics(c.get('principal').userId, { from: q.from, to: q.to ?? auth.now() + 1 });
    return c.json(m, 200);
  });
  app.openapi(ofUser, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    const visible = await visibleUserIds(c.get('principal'), teams);
    // Same visibility as calls: someone outside your scope looks like nobody.
    if ((await auth.users.get(id)) === undefined || (visible !== undefined && !visible.includes(id))) throw new ApiError(404, 'not_found', `No user ${id}`);
    return c.json(await metrics.userMetrics(id, { from: q.from, to: q.to ?? auth.now() + 1 }), 200);
  });
  app.openapi(ofTeam, async (c) => {
    const { team } = c.req.valid('param');
    const q = c.req.valid('query');
    const p = c.get('principal');
    // A team lead asking for another team learns nothing, not even that it exists.
    if (p.role === 'teamlead' && p.team !== team) throw new ApiError(404, 'not_found', `No team ${team}`);
    const agentIds = (await agents.list({ team })).map((a) => a.id);
    const userIds = await teams.teamUserIds(team);
    if (agentIds.length === 0 && userIds.length === 0) throw new ApiError(404, 'not_found', `No team ${team}`);
    const zone = q.tz ?? timeZone;
    const r = await groupReport(metrics, { userIds, agentIds }, agentIds, { from: q.from?.(zone), to: q.to?.(zone) ?? auth.now() + 1, group: q.group, timeZone: zone });
    return c.json({ team, ...flat(r) }, 200);
  });
  app.openapi(ofOrg, async (c) => {
    const q = c.req.valid('query');
    const agentIds = (await agents.list()).map((a) => a.id);
    const zone = q.tz ?? timeZone;
    return c.json(flat(await groupReport(metrics, undefined, agentIds, { from: q.from?.(zone), to: q.to?.(zone) ?? auth.now() + 1, group: q.group, timeZone: zone })), 200);
  });
  return app;
}
