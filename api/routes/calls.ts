import { OpenAPIHono, z } from '@hono/zod-openapi';
import { DISPOSITIONS, type Disposition } from '../../engine/events/index.js';
import type { CallHistory, CallLogRow, Store } from '../../engine/store/index.js';
import type { AuthService } from '../auth/index.js';
import { liveCallIdsOf, queryDate, queryPhone, narrowUsers, visibleUserIds, type TeamSource } from '../calls/index.js';
import type { EngineControl } from '../../engine/control/index.js';
import { type ApiEnv, ApiError, jsonResponse, protectedRoute, validationHook } from '../http/index.js';

const tags = ['calls'];
const id = z.string().min(1).max(64);

const ListQuery = z.strictObject({
  user_id: id.optional(),
  agent_id: id.optional(),
  campaign_id: id.optional(),
  from: queryDate('start').optional(),
  to: queryDate('end').optional(),
  disposition: z.enum(DISPOSITIONS as [Disposition, ...Disposition[]]).optional(),
  kind: z.enum(['dialer', 'manual']).optional(),
  status: z.enum(['in_progress', 'ended']).optional(),
  amd_status: z.enum(['HUMAN', 'MACHINE', 'NOTSURE', 'HANGUP']).optional(),
  lead_id: id.optional(),
  phone: queryPhone().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});

/** A CallLog as the API shows it: the store row, times in epoch ms. */
const CallSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['dialer', 'manual']),
    campaignId: z.string().nullable(),
    leadId: z.string().nullable(),
    phone: z.string(),
    agentId: z.string().nullable(),
    userId: z.string().nullable(),
    stage: z.string(),
    createdAt: z.number().int(),
    ringingAt: z.number().int().nullable(),
    answeredAt: z.number().int().nullable(),
    amdAt: z.number().int().nullable(),
    bridgedAt: z.number().int().nullable(),
    endedAt: z.number().int().nullable(),
    ringMs: z.number().int().nullable(),
    talkMs: z.number().int().nullable(),
    totalMs: z.number().int().nullable(),
    disposition: z.string().nullable(),
    hangupCause: z.number().int().nullable(),
    amdStatus: z.string().nullable(),
    amdCause: z.string().nullable(),
    amdDecisionMs: z.number().int().nullable(),
    amdTreatedAs: z.string().nullable(),
    dialStatus: z.string().nullable(),
    /** The agent's outcome (sale, callback…), set from the console. */
    outcome: z.string().nullable(),
    /** 'agent' when the agent hung up from the console; null = read the side from the disposition. */
    hangupBy: z.string().nullable(),
    /** Why the call was cut off when its disposition is INTERRUPTED (asterisk_restart, ari_lost, engine_lost, engine_stopped). */
    interruption: z.string().nullable(),
    recordingRef: z.string().nullable(),
    notes: z.string().nullable(),
  })
  .openapi('Call');

const list = protectedRoute('calls.read', {
  method: 'get',
  path: '/api/calls',
  tags,
  summary: 'Calls, newest first, filtered and paginated (agents: their own; team leads: their team)',
  request: { query: ListQuery },
  responses: {
    200: jsonResponse('A page of calls', z.object({ items: z.array(CallSchema), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })),
  },
});
/** One call, with what a person reads instead of ids. */
const CallDetailSchema = CallSchema.extend({
  campaignName: z.string().nullable().openapi({ description: 'The campaign’s name (null when the call has none or the campaign is gone)' }),
}).openapi('CallDetail');

const detail = protectedRoute('calls.read', {
  method: 'get',
  path: '/api/calls/{id}',
  tags,
  summary: 'One call',
  request: { params: z.strictObject({ id }) },
  responses: { 200: jsonResponse('The call', CallDetailSchema), 404: { description: 'No such call (or not yours to see)' } },
});

function out(r: CallLogRow): z.infer<typeof CallSchema> {
  return CallSchema.parse(r);
}

export interface CallRouteDeps {
  /** The local engine's agents (live-call access) — still the SQLite store. */
  store: Store;
  /** Where the calls are read: SQLite, or the PostgreSQL the engine nodes write (#18). */
  calls: CallHistory;
  /** Where a team lead's team is read (#18): the agent directory's users, or the AuthStore's (api/app.ts decides). */
  teams: TeamSource;
  auth: AuthService;
  control?: EngineControl | undefined;
}

export function callRoutes({ store, calls, teams, auth, control }: CallRouteDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });

  app.openapi(list, async (c) => {
    const q = c.req.valid('query');
    const users = narrowUsers(await visibleUserIds(c.get('principal'), teams), q.user_id);
    if (users === null) throw new ApiError(403, 'forbidden', `You may not see the calls of user ${q.user_id}`);
    const { items, total } = await calls.list(
      {
        userIds: users,
        agentId: q.agent_id,
        campaignId: q.campaign_id,
        dispositions: q.disposition === undefined ? undefined : [q.disposition],
        kind: q.kind,
        status: q.status,
        amdStatus: q.amd_status,
        leadId: q.lead_id,
        phoneDigits: q.phone,
        from: q.from,
        to: q.to,
      },
      { limit: q.limit, offset: q.offset },
    );
    return c.json({ items: items.map(out), total, limit: q.limit, offset: q.offset }, 200);
  });

  app.openapi(detail, async (c) => {
    const { id } = c.req.valid('param');
    const row = await calls.detail(id);
    const principal = c.get('principal');
    const visible = await visibleUserIds(principal, teams);
    // Hidden calls answer 404 like missing ones: an agent cannot probe which ids exist. A call the engine has just
    // given to one of the caller's agents is theirs before its CallLog names them (that happens at the bridge).
    const seen = (r: CallLogRow): boolean =>
      visible === undefined || (r.userId !== null && visible.includes(r.userId)) || liveCallIdsOf(principal, store, control).includes(id);
    if (row === undefined || !seen(row)) throw new ApiError(404, 'not_found', `No call ${id}`);
    return c.json({ ...out(row), campaignName: row.campaignName }, 200);
  });

  return app;
}
