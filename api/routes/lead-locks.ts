import { OpenAPIHono, z } from '@hono/zod-openapi';
import { assertMayRead, isFromOwnCall, isManager, lockedBody, mustGetLead, type LeadApiDeps, LeadIdParam, LockSchema, LockedSchema } from '../leads/index.js';
import { type ApiEnv, ApiError, jsonResponse, protectedRoute, validationHook } from '../http/index.js';
import { auditFrom } from './audit-context.js';

const tags = ['leads'];
const notFound = { 404: { description: 'No such lead' } };

const lock = protectedRoute('leads.open', {
  method: 'post',
  path: '/api/leads/{id}/lock',
  tags,
  summary: 'Open a lead for editing: lock it for LEAD_LOCK_MINUTES (again by the holder: extends). Agents and team leads: leads of their own calls only.',
  request: { params: LeadIdParam },
  responses: { 200: jsonResponse('The lock', LockSchema), ...notFound, 409: jsonResponse('Another user holds the lead (who, until when)', LockedSchema) },
});
const unlock = protectedRoute('leads.open', {
  method: 'delete',
  path: '/api/leads/{id}/lock',
  tags,
  summary: 'Release the lock (its holder; supervisors and admins may release anyone’s)',
  request: { params: LeadIdParam },
  responses: { 200: jsonResponse('Released (false: there was no lock)', z.object({ released: z.boolean() })), ...notFound, 409: jsonResponse('Held by another user', LockedSchema) },
});

const HistoryQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
const HistoryEntry = z
  .object({ id: z.string(), at: z.number().int(), userId: z.string().nullable(), username: z.string().nullable(), field: z.string(), from: z.unknown(), to: z.unknown() })
  .openapi('LeadHistoryEntry');
const history = protectedRoute('leads.open', {
  method: 'get',
  path: '/api/leads/{id}/history',
  tags,
  summary: 'Edits of a lead, oldest first: who, when, field, old → new (agents: while holding its lock)',
  request: { params: LeadIdParam, query: HistoryQuery },
  responses: {
    200: jsonResponse('History', z.object({ items: z.array(HistoryEntry), total: z.number().int(), limit: z.number().int(), offset: z.number().int() })),
    ...notFound,
  },
});

export function leadLockRoutes(deps: LeadApiDeps): OpenAPIHono<ApiEnv> {
  const { store, leads, auth, control } = deps;
  const ttlMs = deps.lockMinutes * 60_000;
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });

  app.openapi(lock, async (c) => {
    const { id } = c.req.valid('param');
    const me = c.get('principal');
    await mustGetLead(leads, id);
    if (!isManager(me) && !(await isFromOwnCall(leads, store, me, id, control))) {
      throw new ApiError(403, 'forbidden', `Lead ${id} is not from one of your calls`);
    }
    const now = auth.now();
    const r = await leads.locks.acquire(id, { id: me.userId, username: me.username }, now, ttlMs);
    if (!r.ok) return c.json(lockedBody(id, r.heldBy), 409);
    await auth.audit.record(auditFrom(c, auth, 'lead.lock', 'lead', id, { expiresAt: r.lock.expiresAt }));
    return c.json(r.lock, 200);
  });

  app.openapi(unlock, async (c) => {
    const { id } = c.req.valid('param');
    const me = c.get('principal');
    await mustGetLead(leads, id);
    const cur = await leads.locks.current(id, auth.now());
    if (cur === undefined) {
      await leads.locks.release(id, me.userId, { force: true }); // an expired row, if any
      return c.json({ released: false }, 200);
    }
    if (cur.userId !== me.userId && !isManager(me)) return c.json(lockedBody(id, cur), 409);
    await leads.locks.release(id, me.userId, { force: true });
    await auth.audit.record(auditFrom(c, auth, 'lead.unlock', 'lead', id, cur.userId === me.userId ? undefined : { heldBy: cur.username }));
    return c.json({ released: true }, 200);
  });

  app.openapi(history, async (c) => {
    const { id } = c.req.valid('param');
    const q = c.req.valid('query');
    await mustGetLead(leads, id);
    await assertMayRead(leads, c.get('principal'), id, auth.now());
    const { items, total } = await leads.history(id, q);
    return c.json({ items: items.map(({ leadId: _l, ...e }) => e), total, limit: q.limit, offset: q.offset }, 200);
  });

  return app;
}
