import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { EngineControl } from '../../engine/control/index.js';
import { type CallHistory, type Store } from '../../engine/store/index.js';
import type { AuthService, Principal } from '../auth/index.js';
import { visibleUserIds } from '../calls/index.js';
import { assertMayRead, mustGetLead } from '../leads/index.js';
import { ApiError, jsonBody, jsonResponse, protectedRoute, validationHook, viaControl, type ApiEnv } from '../http/index.js';
import { auditFrom } from './audit-context.js';

/**
 * What an agent does with the call on their console: hang it up, record its outcome and notes (an outcome of
 * do_not_call also puts the number on the internal DNC list), and read the lead's earlier attempts.
 */
export const OUTCOMES = ['sale', 'interested', 'callback', 'not_interested', 'wrong_number', 'do_not_call', 'other'] as const;

const IdParam = z.strictObject({ id: z.string().min(1).max(64) });
const OutcomeBody = z
  .strictObject({ outcome: z.enum(OUTCOMES), notes: z.string().trim().max(4000).nullable().optional() })
  .openapi('CallOutcome');

const hangup = protectedRoute('calls.place', {
  method: 'post',
  path: '/api/calls/{id}/hangup',
  tags: ['calls'],
  summary: 'Hang up a live call (agents: their own calls)',
  request: { params: IdParam },
  responses: { 202: jsonResponse('Hanging up', z.object({ message: z.string(), call_id: z.string() })), 404: { description: 'No such live call of yours' }, 503: { description: 'No engine' } },
});
const outcome = protectedRoute('calls.outcome', {
  method: 'post',
  path: '/api/calls/{id}/outcome',
  tags: ['calls'],
  summary: 'Record the outcome and notes of a call (agents: their own calls; do_not_call adds the number to the internal DNC list)',
  request: { params: IdParam, body: jsonBody(OutcomeBody) },
  responses: { 200: jsonResponse('Recorded', z.object({ call_id: z.string(), outcome: z.enum(OUTCOMES), notes: z.string().nullable(), dnc_added: z.boolean() })), 404: { description: 'No such call (or not yours)' } },
});
const attempts = protectedRoute('leads.open', {
  method: 'get',
  path: '/api/leads/{id}/attempts',
  tags: ['leads'],
  summary: 'Every dial attempt of a lead, newest first (same access as the lead itself)',
  request: { params: IdParam },
  responses: {
    200: jsonResponse(
      'Attempts',
      z.object({
        items: z.array(
          z.object({
            id: z.string(),
            createdAt: z.number().int(),
            endedAt: z.number().int().nullable(),
            disposition: z.string().nullable(),
            outcome: z.string().nullable(),
            notes: z.string().nullable(),
            agentId: z.string().nullable(),
            talkMs: z.number().int().nullable(),
          }),
        ),
      }),
    ),
    404: { description: 'No such lead' },
  },
});

/** A lead's attempts shown on its page (the newest). */
const ATTEMPTS_SHOWN = 50;

/**
 * `calls` is the call history the API reads (#18, SQLite or PostgreSQL): the hang-up's call and `hangup_by`, the
 * outcome (with the DNC entry in the same database) and a lead's attempts are read and written there. The lead
 * itself (and who may read it) is still the SQLite store's. The live channel is the local engine's (`control`):
 * a call live on another node's engine is refused by it (404), and nothing is recorded (docs/scale-out.md).
 */
export function callActionRoutes({
  store,
  calls,
  auth,
  control,
}: {
  store: Store;
  calls: CallHistory;
  auth: AuthService;
  control?: EngineControl | undefined;
}): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  /** The call, if the caller may see it (agents: their own; team leads: their team's); hidden = missing. */
  const mustSee = async <R extends { userId: string | null }>(p: Principal, id: string, row: R | undefined): Promise<R> => {
    const visible = await visibleUserIds(p, auth.users);
    if (row === undefined || (visible !== undefined && (row.userId === null || !visible.includes(row.userId)))) throw new ApiError(404, 'not_found', `No call ${id}`);
    return row;
  };

  app.openapi(hangup, async (c) => {
    const { id } = c.req.valid('param');
    const row = await mustSee(c.get('principal'), id, await calls.detail(id));
    if (row.endedAt !== null) throw new ApiError(404, 'not_found', `Call ${id} has ended`);
    const live = control?.calls;
    if (live === undefined) throw new ApiError(503, 'engine_unavailable', 'No engine is attached to this API node');
    // Recorded first: the end of the call follows at once and the timeline shows who hung up.
    await calls.setHangupBy(id, 'agent');
    try {
      await viaControl(() => live.hangup(id));
    } catch (err) {
      // Not hung up (not live on this engine — over PostgreSQL, a call of another node): the timeline must not say
      // the agent did. Taken back to what it was before.
      await calls.setHangupBy(id, row.hangupBy === 'agent' ? 'agent' : null);
      throw err;
    }
    await auth.audit.record(auditFrom(c, auth, 'call.hangup', 'call', id));
    return c.json({ message: 'Hanging up', call_id: id }, 202);
  });

  app.openapi(outcome, async (c) => {
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    const row = await mustSee(c.get('principal'), id, await calls.detail(id));
    const notes = b.notes === undefined || b.notes === '' ? null : b.notes;
    await calls.setOutcome(id, b.outcome, notes);
    let dncAdded = false;
    if (b.outcome === 'do_not_call' && !(await calls.dnc.isBlocked(row.phone, row.campaignId ?? ''))) {
      await calls.dnc.add(row.phone, null, auth.now(), 'asked during a call');
      dncAdded = true;
    }
    await auth.audit.record(auditFrom(c, auth, 'call.outcome', 'call', id, { outcome: b.outcome, dnc_added: dncAdded }));
    return c.json({ call_id: id, outcome: b.outcome, notes, dnc_added: dncAdded }, 200);
  });

  app.openapi(attempts, async (c) => {
    const { id } = c.req.valid('param');
    mustGetLead(store, id);
    assertMayRead(store, c.get('principal'), id, auth.now());
    const { items } = await calls.list({ leadId: id }, { limit: ATTEMPTS_SHOWN, offset: 0 });
    const shown = items.map((r) => ({ id: r.id, createdAt: r.createdAt, endedAt: r.endedAt, disposition: r.disposition, outcome: r.outcome, notes: r.notes, agentId: r.agentId, talkMs: r.talkMs }));
    return c.json({ items: shown }, 200);
  });

  return app;
}
