import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { CallHangupPort } from '../../engine/cluster/index.js';
import type { EngineControl } from '../../engine/control/index.js';
import { type CallHistory, type LeadCatalog } from '../../engine/store/index.js';
import type { AuthService, Principal } from '../auth/index.js';
import { visibleUserIds, type TeamSource } from '../calls/index.js';
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
  responses: {
    202: jsonResponse('Hanging up', z.object({ message: z.string(), call_id: z.string() })),
    404: { description: 'No such live call of yours (ended, or live on no engine)' },
    503: { description: 'No engine (engine_unavailable), or the node that owns the call did not answer in time (node_unreachable, the reason in the message)' },
  },
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
 * itself and its lock (404, who may read it) are the lead routes' port's (`leads`: SQLite's or PostgreSQL's). The live channel is an engine's: this API's own
 * (`control`) first; a call its engine does not hold is asked of the node that owns it (the CallLog's `node_id`)
 * through `clusterHangup` (Redis, engine/cluster), when given — without it such a call is refused (404) and nothing
 * is recorded (docs/scale-out.md).
 */
export function callActionRoutes({
  leads,
  calls,
  teams,
  auth,
  control,
  nodeId,
  clusterHangup,
}: {
  /** The leads (the attempts' lead and its lock): the lead routes' port. */
  leads: LeadCatalog;
  calls: CallHistory;
  /** Where a team lead's team is read (#18): the agent directory's users, or the AuthStore's (api/app.ts decides). */
  teams: TeamSource;
  auth: AuthService;
  control?: EngineControl | undefined;
  /** This API's node (its engine's): a call of this node its engine refuses is live nowhere. */
  nodeId: string;
  clusterHangup?: CallHangupPort | undefined;
}): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  /** The call, if the caller may see it (agents: their own; team leads: their team's); hidden = missing. */
  const mustSee = async <R extends { userId: string | null }>(p: Principal, id: string, row: R | undefined): Promise<R> => {
    const visible = await visibleUserIds(p, teams);
    if (row === undefined || (visible !== undefined && (row.userId === null || !visible.includes(row.userId)))) throw new ApiError(404, 'not_found', `No call ${id}`);
    return row;
  };

  /**
   * Ends the live call on this API's engine, or else on the node that owns it; answers that other node when it was
   * the one. Throws the refusal: 404 when live nowhere, 503 when the owner did not answer in time.
   */
  const endCall = async (id: string, owner: string): Promise<string | null> => {
    const live = control?.calls;
    if (live !== undefined) {
      try {
        await viaControl(() => live.hangup(id));
        return null;
      } catch (err) {
        // Only "not live here" is worth asking the owner about — and a call of this very node is then live nowhere.
        if (clusterHangup === undefined || owner === nodeId || !(err instanceof ApiError && err.status === 404)) throw err;
      }
    }
    const asked = await clusterHangup!.hangup(owner, id);
    if (asked.outcome === 'hung-up') return owner;
    if (asked.outcome === 'not-live') throw new ApiError(404, 'not_found', `Call ${id} is not live on node ${owner}`);
    throw new ApiError(503, 'node_unreachable', `Call ${id} belongs to node ${owner}, which could not be asked to hang it up: ${asked.reason}`);
  };

  app.openapi(hangup, async (c) => {
    const { id } = c.req.valid('param');
    const row = await mustSee(c.get('principal'), id, await calls.detail(id));
    if (row.endedAt !== null) throw new ApiError(404, 'not_found', `Call ${id} has ended`);
    if (control?.calls === undefined && clusterHangup === undefined) throw new ApiError(503, 'engine_unavailable', 'No engine is attached to this API node');
    // Recorded first: the end of the call follows at once and the timeline shows who hung up.
    await calls.setHangupBy(id, 'agent');
    let node: string | null;
    try {
      node = await endCall(id, row.nodeId);
    } catch (err) {
      // Not hung up (live on no engine, or its node did not answer): the timeline must not say the agent did. Taken
      // back to what it was before.
      await calls.setHangupBy(id, row.hangupBy === 'agent' ? 'agent' : null);
      throw err;
    }
    await auth.audit.record(auditFrom(c, auth, 'call.hangup', 'call', id, node === null ? undefined : { node }));
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
    await mustGetLead(leads, id);
    await assertMayRead(leads, c.get('principal'), id, auth.now());
    const { items } = await calls.list({ leadId: id }, { limit: ATTEMPTS_SHOWN, offset: 0 });
    const shown = items.map((r) => ({ id: r.id, createdAt: r.createdAt, endedAt: r.endedAt, disposition: r.disposition, outcome: r.outcome, notes: r.notes, agentId: r.agentId, talkMs: r.talkMs }));
    return c.json({ items: shown }, 200);
  });

  return app;
}
