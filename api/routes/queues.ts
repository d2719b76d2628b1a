/**
 * Queue statistics from a queue_log followed live (issue #16): `/api/queues` (every queue, the figures
 * and app_queue's own SL/SL2), `/api/queues/agents`, `/api/queues/calls` (callers in a queue right now) and
 * `/api/queues/{name}` (one queue with its hours and days in the center's time zone). The source is what the
 * composition root runs: the tail of QUEUE_LOG_SOURCE or the engine's own queue_log file (SQLite), or on PostgreSQL
 * the queue_log table every node writes (every node's queues summed; agents and calls then carry their `node`, the
 * source its `nodes`); absent → 503.
 * Supervisors and admins (`metrics.org`). The queue report and its exports are in reports.ts. A queue named "agents" or "calls" is reached through `/api/queues`.
 * `from` / `to` (YYYY-MM-DD, local days of the center's zone, both included) narrow the figures to those days; the
 * source's counts (lines, malformed) stay the whole log's. Team leads are not scoped: a queue_log's queues and agent
 * names belong to the PBX, not to Centralita's teams.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { isWaiting, type DayRange, type QueueCall, type QueueLogResult, type TailStatus } from '../../engine/analytics/index.js';
import { type ApiEnv, ApiError, jsonResponse, protectedRoute, validationHook } from '../http/index.js';

/** What the routes read: the live tail's analysis. */
export interface QueueStatsSource {
  /** With `range`: the metrics of those local days only. */
  result(range?: DayRange): QueueLogResult;
  openCalls(): QueueCall[];
  status(): TailStatus & { nodes?: Record<string, number> };
  /** On PostgreSQL (the queue_log table): the node that wrote a call's lines / an agent's last line. */
  nodeOfCall?(callid: string): string | null;
  nodeOfAgent?(name: string): string | null;
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A local day; only real calendar days (2026-02-30 is refused). */
const queueDay = z
  .string()
  .max(10)
  .refine((s) => {
    const m = DAY.exec(s);
    if (!m) return false;
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return d.toISOString().slice(0, 10) === s;
  }, { message: 'must be a day YYYY-MM-DD' });
/** `from` / `to` of the queue figures: local days, both included. */
export const QueueDayRange = {
  from: queueDay.optional().openapi({ description: 'First local day (YYYY-MM-DD, the center’s zone) of the figures' }),
  to: queueDay.optional().openapi({ description: 'Last local day (YYYY-MM-DD, included)' }),
};

/** The range of a validated query; `to` before `from` is refused naming `to`. */
export function dayRange(q: { from?: string | undefined; to?: string | undefined }): DayRange | undefined {
  if (q.from === undefined && q.to === undefined) return undefined;
  if (q.from !== undefined && q.to !== undefined && q.to < q.from) throw new ApiError(422, 'validation_failed', `to: must not be before from (${q.from})`);
  return { ...(q.from !== undefined ? { from: q.from } : {}), ...(q.to !== undefined ? { to: q.to } : {}) };
}

const Bucket = { offered: z.number().int(), answered: z.number().int(), abandoned: z.number().int(), answered_within_sl: z.number().int(), talk_s: z.number().int() };
const QueueFields = {
  offered: z.number().int(),
  answered: z.number().int(),
  abandoned: z.number().int(),
  timeout: z.number().int(),
  exitwithkey: z.number().int(),
  exitempty: z.number().int(),
  withdraw: z.number().int(),
  asa_s: z.number(),
  max_wait_answered_s: z.number().int(),
  avg_talk_s: z.number(),
  total_talk_s: z.number().int(),
  answered_within_sl: z.number().int(),
  sl_pct_of_answered: z.number(),
  sl_pct_of_answered_plus_abandoned: z.number(),
  ringnoanswer: z.number().int(),
  servicelevel_s: z.number().int(),
  abandon_rate_pct: z.number(),
  syscompat: z.number().int(),
  transferred: z.number().int(),
  lost: z.number().int(),
  app_queue: z
    .object({ sl_pct: z.number(), sl2_pct: z.number(), completed: z.number().int(), completed_in_sl: z.number().int(), abandoned: z.number().int(), abandoned_in_sl: z.number().int() })
    .openapi('AppQueueServiceLevel', { description: "app_queue's own figures (`queue show`): SL = completed within SL / completed; SL2 adds its abandoned" }),
};
const QueueSummary = z.object({ name: z.string(), ...QueueFields }).openapi('QueueSummary');
export const QueueDetail = z
  .object({
    name: z.string(),
    ...QueueFields,
    by_hour: z.array(z.object({ hour: z.number().int(), ...Bucket })),
    by_day: z.array(z.object({ day: z.string(), ...Bucket })),
  })
  .openapi('QueueDetail');
const SourceStatus = z
  .object({
    file: z.string(),
    following: z.boolean(),
    offset: z.number().int(),
    line: z.number().int(),
    rotations: z.number().int(),
    truncations: z.number().int(),
    lastPollAt: z.number().int().nullable(),
    lastError: z.string().nullable(),
    lines: z.number().int(),
    kept: z.number().int(),
    malformed: z.number().int(),
    recent_malformed: z.array(z.object({ line: z.number().int(), reason: z.string(), file: z.string().optional() })),
    unknown_events: z.record(z.string(), z.number().int()),
    nodes: z
      .record(z.string(), z.number().int())
      .optional()
      .openapi({ description: 'On PostgreSQL (the queue_log table every node writes): the last line read of each node (its `seq`). Absent for a file.' }),
  })
  .openapi('QueueLogSourceStatus');
const QueuesList = z
  .object({ source: SourceStatus, first_epoch: z.number().int().nullable(), last_epoch: z.number().int().nullable(),
    open_calls: z.number().int().openapi({ description: 'Calls not ended: waiting in a queue or talking to an agent' }),
    in_queue: z.number().int().openapi({ description: 'Callers waiting in a queue now (entered, not yet connected nor gone)' }),
    queues: z.array(QueueSummary) })
  .openapi('QueuesList');
export const AgentStats = z
  .object({
    name: z.string(),
    calls_answered: z.number().int(),
    talk_s: z.number().int(),
    avg_talk_s: z.number(),
    ringnoanswer: z.number().int(),
    ringnoanswer_ms: z.number().int(),
    ringcanceled: z.number().int(),
    dumps: z.number().int(),
    outcalls: z.number().int(),
    outcall_talk_s: z.number().int(),
    pause_s_by_reason: z.record(z.string(), z.number().int()),
    pause_s: z.number().int(),
    logged_in_s: z.number().int(),
    occupancy_pct: z.number().nullable(),
    node: z.string().nullable().optional().openapi({ description: 'On PostgreSQL: the node whose queue_log lines name the agent (its last one). Absent for a file.' }),
  })
  .openapi('QueueAgentStats');
const LiveCall = z
  .object({
    callid: z.string(),
    queue: z.string(),
    enteredAt: z.number().int(),
    callerId: z.string(),
    position: z.number().int().nullable(),
    state: z.enum(['waiting', 'talking']).openapi({ description: 'waiting: in the queue (no CONNECT yet); talking: answered, the call not ended' }),
    agent: z.string().nullable(),
    waitS: z.number().int().nullable(),
    transferredFrom: z.string().nullable(),
    node: z.string().nullable().optional().openapi({ description: 'On PostgreSQL: the node that placed the call (wrote its lines). Absent for a file.' }),
  })
  .openapi('QueueLiveCall');

const list = protectedRoute('metrics.org', {
  method: 'get',
  path: '/api/queues',
  tags: ['queues'],
  summary: 'Every queue of the followed queue_log: offered, answered, abandoned, ASA, talk, service levels (both ways and app_queue’s own)',
  request: { query: z.strictObject(QueueDayRange) },
  responses: { 200: jsonResponse('Queues', QueuesList), 503: { description: 'No queue_log is followed' } },
});
const agents = protectedRoute('metrics.org', {
  method: 'get',
  path: '/api/queues/agents',
  tags: ['queues'],
  summary: 'Agents of the followed queue_log: calls answered, talk, ring-no-answer, pauses by reason, occupancy',
  request: { query: z.strictObject(QueueDayRange) },
  responses: { 200: jsonResponse('Agents', z.object({ agents: z.array(AgentStats) })), 503: { description: 'No queue_log is followed' } },
});
const calls = protectedRoute('metrics.org', {
  method: 'get',
  path: '/api/queues/calls',
  tags: ['queues'],
  summary: 'Calls not ended: callers waiting in a queue (`state` waiting) and those answered, talking to an agent (`state` talking)',
  request: { query: z.strictObject({ queue: z.string().min(1).max(128).optional() }) },
  responses: { 200: jsonResponse('Calls', z.object({ calls: z.array(LiveCall) })), 503: { description: 'No queue_log is followed' } },
});
const one = protectedRoute('metrics.org', {
  method: 'get',
  path: '/api/queues/{name}',
  tags: ['queues'],
  summary: 'One queue with its figures by hour of day and by day, in the center’s time zone',
  request: { params: z.strictObject({ name: z.string().min(1).max(128) }), query: z.strictObject(QueueDayRange) },
  responses: { 200: jsonResponse('Queue', QueueDetail), 404: { description: 'No such queue in the queue_log (in that range)' }, 503: { description: 'No queue_log is followed' } },
});

export function queueRoutes({ source }: { source?: QueueStatsSource }): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  const need = (): QueueStatsSource => {
    if (!source) throw new ApiError(503, 'unavailable', 'No queue_log is followed (set QUEUE_LOG_SOURCE)');
    return source;
  };
  app.openapi(list, (c) => {
    const s = need();
    const r = s.result(dayRange(c.req.valid('query')));
    const queues = Object.entries(r.metrics.queues).map(([name, { by_hour: _h, by_day: _d, ...q }]) => ({ name, ...q }));
    const st = s.status();
    return c.json(
      {
        source: { ...st, lines: r.lines, kept: r.kept, malformed: r.malformed, recent_malformed: r.malformedLines.slice(-50), unknown_events: r.unknownEvents },
        first_epoch: r.metrics.first_epoch,
        last_epoch: r.metrics.last_epoch,
        open_calls: r.metrics.open_calls,
        in_queue: r.metrics.in_queue,
        queues,
      },
      200,
    );
  });
  app.openapi(agents, (c) => {
    const s = need();
    const r = s.result(dayRange(c.req.valid('query')));
    const nodeOf = s.nodeOfAgent?.bind(s);
    return c.json({ agents: Object.entries(r.metrics.agents).map(([name, a]) => ({ name, ...a, ...(nodeOf ? { node: nodeOf(name) } : {}) })) }, 200);
  });
  app.openapi(calls, (c) => {
    const { queue } = c.req.valid('query');
    const s = need();
    const nodeOf = s.nodeOfCall?.bind(s);
    const open = s
      .openCalls()
      .filter((x) => queue === undefined || x.queue === queue)
      .map((x) => ({ callid: x.callid, queue: x.queue, enteredAt: x.enteredAt, callerId: x.callerId, position: x.position, state: isWaiting(x) ? ('waiting' as const) : ('talking' as const), agent: x.agent, waitS: x.waitS, transferredFrom: x.transferredFrom, ...(nodeOf ? { node: nodeOf(x.callid) } : {}) }));
    return c.json({ calls: open }, 200);
  });
  app.openapi(one, (c) => {
    const { name } = c.req.valid('param');
    const q = need().result(dayRange(c.req.valid('query'))).metrics.queues[name];
    if (!q) throw new ApiError(404, 'not_found', `No queue ${name} in the queue_log`);
    return c.json({ name, ...q }, 200);
  });
  return app;
}
