import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { EngineControl } from '../../engine/control/index.js';
import { leadAttempts, type Store } from '../../engine/store/index.js';
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

export function callActionRoutes({ store, auth, control }: { store: Store; auth: AuthService; control?: EngineControl | undefined }): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  /** The call, if the caller may see it (agents: their own; team leads: their team's); hidden = missing. */
  const visibleCall = (p: Principal, id: string) => {
    const row = store.callLogs.get(id);
    const visible = visibleUserIds(p, auth.users);
    if (row === undefined || (visible !== undefined && (row.userId === null || !visible.includes(row.userId)))) throw new ApiError(404, 'not_found', `No call ${id}`);
    return row;
  };

  app.openapi(hangup, async (c) => {
    const { id } = c.req.valid('param');
    const row = visibleCall(c.get('principal'), id);
    if (row.endedAt !== null) throw new ApiError(404, 'not_found', `Call ${id} has ended`);
    const calls = control?.calls;
    if (calls === undefined) throw new ApiError(503, 'engine_unavailable', 'No engine is attached to this API node');
    // Recorded first: the end of the call follows at once and the timeline shows who hung up.
    store.callLogs.setHangupBy(id, 'agent');
    await viaControl(() => calls.hangup(id));
    auth.audit.record(auditFrom(c, auth, 'call.hangup', 'call', id));
    return c.json({ message: 'Hanging up', call_id: id }, 202);
  });

  app.openapi(outcome, (c) => {
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    const row = visibleCall(c.get('principal'), id);
    const notes = b.notes === undefined || b.notes === '' ? null : b.notes;
    store.callLogs.setOutcome(id, b.outcome, notes);
    let dncAdded = false;
    if (b.outcome === 'do_not_call' && !store.dnc.isBlocked(row.phone, row.campaignId ?? '')) {
      store.dnc.add(row.phone, null, auth.now(), 'asked during a call');
      dncAdded = true;
    }
    auth.audit.record(auditFrom(c, auth, 'call.outcome', 'call', id, { outcome: b.outcome, dnc_added: dncAdded }));
    return c.json({ call_id: id, outcome: b.outcome, notes, dnc_added: dncAdded }, 200);
  });

  app.openapi(attempts, (c) => {
    const { id } = c.req.valid('param');
    mustGetLead(store, id);
    assertMayRead(store, c.get('principal'), id, auth.now());
    return c.json({ items: leadAttempts(store.sqlite, id) }, 200);
  });

  return app;
}
