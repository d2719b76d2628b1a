import { OpenAPIHono, z } from '@hono/zod-openapi';
import { ManualCallError, type CallHistory, type CallMetrics, type ManualCallLog, sortableId } from '../../engine/store/index.js';
import type { AuthService } from '../auth/index.js';
import { queryDate, LEGACY_STATUSES, legacyDispositions, legacyLogRow, legacyToDisposition, narrowUsers, visibleUserIds, type TeamSource } from '../calls/index.js';
import { type ApiEnv, ApiError, jsonBody, jsonResponse, protectedRoute, validationHook } from '../http/index.js';
import { auditFrom } from './audit-context.js';
import type { Disposition } from '../../engine/events/index.js';

/**
 * Endpoints with the exact names and shapes of the tools Centralita replaces, so their scripts and CRMs keep
 * working. Backed by the store's manual calls: the same CallLog rows and metrics as dialer calls.
 */
const tags = ['calls (compatibility)'];
/** Digits with the usual separators; anything else (quotes, semicolons, SQL) is refused before it is stored. */
const phone = z.string().trim().min(3).max(32).regex(/^\+?[0-9][0-9 ().-]*$/, 'must be a phone number (digits, optional leading +)');
const contactId = z.union([z.string().trim().min(1).max(64), z.number().int().nonnegative()]);

const StartBody = z.strictObject({ contact_id: contactId, contact_phone: phone }).openapi('CallStartRequest');
const StartResponse = z.object({ message: z.string(), call_id: z.string(), start_time: z.string() }).openapi('CallStartResponse');
const EndBody = z
  .strictObject({ call_id: z.string().min(1).max(64), status: z.enum(LEGACY_STATUSES), notes: z.string().max(4000).nullable().optional() })
  .openapi('CallEndRequest');
const EndResponse = z
  .object({
    message: z.string(),
    call_id: z.string(),
    duration_seconds: z.number().int(),
    new_average: z.number(),
    calls_made: z.number().int(),
    calls_success: z.number().int(),
    total_talk_time: z.number(),
  })
  .openapi('CallEndResponse');
const LogQuery = z.strictObject({
  user_id: z.string().min(1).max(64).optional(),
  start_date: queryDate('start').optional(),
  end_date: queryDate('end').optional(),
  status: z.enum(LEGACY_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const LogRow = z
  .object({
    call_id: z.string(),
    user_id: z.string().nullable(),
    contact_id: z.string().nullable(),
    contact_phone: z.string(),
    start_time: z.string(),
    end_time: z.string().nullable(),
    duration_seconds: z.number().int().nullable(),
    status: z.string(),
    notes: z.string().nullable(),
  })
  .openapi('CallLogEntry');

const start = protectedRoute('calls.place', {
  method: 'post',
  path: '/api/calls/start',
  tags,
  summary: 'Start a manual call',
  request: { body: jsonBody(StartBody) },
  responses: { 201: jsonResponse('Call started', StartResponse) },
});
const end = protectedRoute('calls.place', {
  method: 'post',
  path: '/api/calls/end',
  tags,
  summary: 'End a manual call; answers with the caller’s updated metrics',
  request: { body: jsonBody(EndBody) },
  responses: { 200: jsonResponse('Call ended', EndResponse), 404: { description: 'No such call' }, 409: { description: 'Already ended or not a manual call' } },
});
const log = protectedRoute('calls.read', {
  method: 'get',
  path: '/api/calls/log',
  tags,
  summary: 'Call log (agents: their own; team leads: their team)',
  request: { query: LogQuery },
  responses: { 200: jsonResponse('Calls, newest first', z.object({ calls: z.array(LogRow), count: z.number().int() })) },
});

export interface CompatDeps {
  /** Where manual calls are started and ended (#18): SQLite's CallLogs or the PostgreSQL the nodes write. */
  manualCalls: ManualCallLog;
  /** Where the caller's figures returned by `end` are counted: the same database as `manualCalls`. */
  metrics: Pick<CallMetrics, 'userMetrics'>;
  /** Where the log is read: SQLite, or the PostgreSQL the engine nodes write (#18). */
  calls: CallHistory;
  /** Where a team lead's team is read (#18): the agent directory's users, or the AuthStore's (api/app.ts decides). */
  teams: TeamSource;
  auth: AuthService;
  nodeId: string;
}

export function compatCallRoutes({ manualCalls, metrics, calls, teams, auth, nodeId }: CompatDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });

  app.openapi(start, async (c) => {
    const me = c.get('principal');
    const b = c.req.valid('json');
    const at = auth.now();
    const row = await manualCalls.start({ id: sortableId(at), userId: me.userId, phone: b.contact_phone, leadId: String(b.contact_id), nodeId, at });
    await auth.audit.record(auditFrom(c, auth, 'call.start', 'call', row.id, { contact_id: String(b.contact_id) }));
    return c.json({ message: 'Call started', call_id: row.id, start_time: new Date(row.createdAt).toISOString() }, 201);
  });

  app.openapi(end, async (c) => {
    const me = c.get('principal');
    const b = c.req.valid('json');
    const row = await manualCalls.get(b.call_id);
    // Another user's call looks like no call at all, unless the caller may see everything.
    const visible = await visibleUserIds(me, teams);
    if (row === undefined || (row.userId !== me.userId && visible !== undefined)) throw new ApiError(404, 'not_found', `No call ${b.call_id}`);
    let ended;
    try {
      ended = await manualCalls.end({ id: b.call_id, at: auth.now(), disposition: legacyToDisposition(b.status), notes: b.notes ?? null });
    } catch (err) {
      if (err instanceof ManualCallError) throw new ApiError(err.code === 'not_found' ? 404 : 409, err.code === 'not_found' ? 'not_found' : 'conflict', err.message);
      throw err;
    }
    await auth.audit.record(auditFrom(c, auth, 'call.end', 'call', b.call_id, { status: b.status }));
    // The caller's figures after this call, all time (what the seed's endpoint answered).
    const m = await metrics.userMetrics(ended.userId ?? '', {});
    const r = {
      duration_seconds: Math.round((ended.totalMs ?? 0) / 1000),
      new_average: m.avg_call_duration,
      calls_made: m.calls_made,
      calls_success: m.calls_success,
      total_talk_time: m.total_talk_time,
    };
    return c.json(
      {
        message: 'Call ended',
        call_id: b.call_id,
        duration_seconds: r.duration_seconds,
        new_average: r.new_average,
        calls_made: r.calls_made,
        calls_success: r.calls_success,
        total_talk_time: r.total_talk_time,
      },
      200,
    );
  });

  app.openapi(log, async (c) => {
    const me = c.get('principal');
    const q = c.req.valid('query');
    const users = narrowUsers(await visibleUserIds(me, teams), q.user_id);
    if (users === null) throw new ApiError(403, 'forbidden', `You may not see the calls of user ${q.user_id}`);
    const dispositions: Disposition[] | undefined = q.status === undefined ? undefined : legacyDispositions(q.status);
    const { items } = await calls.list({ userIds: users, from: q.start_date, to: q.end_date, dispositions }, { limit: q.limit, offset: 0 });
    return c.json({ calls: items.map(legacyLogRow), count: items.length }, 200);
  });

  return app;
}
