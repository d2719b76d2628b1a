import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallHangupOutcome, CallHangupPort } from '../../engine/cluster/index.js';
import { ControlError, type EngineControl } from '../../engine/control/index.js';
import { describeApiDialects, type Harness } from '../unit/api/harness.js';

/** Hang-up, outcome and a lead's attempts, with the scoping agents get (their own calls only); on both dialects (#18). */
describeApiDialects('call actions', (harness) => {
  const hungUp: string[] = [];
  const control = {
    calls: {
      hangup: (id: string) => {
        if (id === 'k-gone') throw new ControlError('not_found', 'not live');
        hungUp.push(id);
      },
    },
  } as unknown as EngineControl;

  let h: Harness;
  let ana: string;
  let ben: string;
  let sup: string;
  let leadId: string;
  beforeAll(async () => {
    h = await harness({ control });
    const t = h.clock.now();
    const anaId = h.addUser('ana', 'agent', 'A');
    h.addUser('ben', 'agent', 'A');
    h.addUser('sup', 'supervisor');
    await h.db.seed.agent({ id: 'agent-1', name: 'Ana', endpoint: 'PJSIP/1001', userId: anaId, createdAt: t });
    await h.db.seed.campaign('c1', { name: 'C' }, t);
    [leadId] = (await h.db.seed.leads([{ campaignId: 'c1', phoneE164: '+15550110001', phoneRaw: '5550110001', name: 'Lucía' }], t)) as [string];
    for (const [id, at] of [['k-old', t - 86_400_000], ['k-live', t - 60_000], ['k-gone', t - 30_000]] as const) {
      await h.db.callLogs.create({ id, campaignId: 'c1', leadId, phone: '+15550110001', nodeId: 'n', at });
      await h.db.callLogs.markBridged(id, { agentId: 'agent-1', at: at + 5000 });
    }
    await h.db.callLogs.end('k-old', { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: t - 86_000_000 });
    [ana, ben, sup] = await Promise.all([h.login('ana'), h.login('ben'), h.login('sup')]);
  });
  afterAll(() => h.close());

  describe('hang-up, outcome, attempts', () => {
    it('an agent hangs up their own live call; the CallLog remembers the agent did', async () => {
      const res = await h.json('POST', '/api/calls/k-live/hangup', undefined, h.bearer(ana));
      expect(res.status).toBe(202);
      expect(hungUp).toEqual(['k-live']);
      expect((await h.db.callLogs.get('k-live'))?.hangupBy).toBe('agent');
      // Another agent's call is invisible (404), an ended one cannot be hung up, and the engine's refusal maps to 404.
      expect((await h.json('POST', '/api/calls/k-live/hangup', undefined, h.bearer(ben))).status).toBe(404);
      expect((await h.json('POST', '/api/calls/k-old/hangup', undefined, h.bearer(ana))).status).toBe(404);
      expect((await h.json('POST', '/api/calls/k-gone/hangup', undefined, h.bearer(ana))).status).toBe(404);
      // Not hung up by the engine: the CallLog does not say the agent did.
      expect((await h.db.callLogs.get('k-gone'))?.hangupBy).toBeNull();
    });

    it('records the outcome and notes; do_not_call puts the number on the internal DNC list; bad input names the field', async () => {
      const res = await h.json('POST', '/api/calls/k-live/outcome', { outcome: 'do_not_call', notes: 'Asked not to be called' }, h.bearer(ana));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ call_id: 'k-live', outcome: 'do_not_call', notes: 'Asked not to be called', dnc_added: true });
      expect((await h.db.read.rows('dnc')).map((r) => r.phoneE164)).toEqual(['+15550110001']);
      const row = (await (await h.app.request('/api/calls/k-live', { headers: h.bearer(ana) })).json()) as { outcome: string; notes: string };
      expect(row).toMatchObject({ outcome: 'do_not_call', notes: 'Asked not to be called' });
      const bad = await h.json('POST', '/api/calls/k-live/outcome', { outcome: 'maybe' }, h.bearer(ana));
      expect(bad.status).toBe(422);
      expect(((await bad.json()) as { error: { details: Array<{ field: string }> } }).error.details[0]?.field).toBe('outcome');
      expect((await h.json('POST', '/api/calls/k-live/outcome', { outcome: 'sale' }, h.bearer(ben))).status).toBe(404);
    });

    it('lists a lead’s attempts newest first; calls filter by lead and AMD result', async () => {
      const res = await h.app.request(`/api/leads/${leadId}/attempts`, { headers: h.bearer(sup) });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { items: Array<{ id: string }> }).items.map((a) => a.id)).toEqual(['k-gone', 'k-live', 'k-old']);
      const byLead = (await (await h.app.request(`/api/calls?lead_id=${leadId}`, { headers: h.bearer(sup) })).json()) as { total: number };
      expect(byLead.total).toBe(3);
      await h.db.callLogs.markAmd('k-gone', { status: 'MACHINE', cause: 'LONGGREETING', decisionMs: 3000, at: h.clock.now() });
      const machines = (await (await h.app.request('/api/calls?amd_status=MACHINE', { headers: h.bearer(sup) })).json()) as { items: Array<{ id: string }> };
      expect(machines.items.map((c) => c.id)).toEqual(['k-gone']);
    });
  });

  /**
   * The route's side of a hang-up across nodes (#18), with a port that records what it is asked (the Redis exchange
   * itself: test/integration/cluster-call-hangup.test.ts; end to end with a node process:
   * test/cluster/api-hangup-remote.test.ts): a call its own engine refuses is asked of the node its CallLog names,
   * and that node's answer decides 202 / 404 / 503 (with `hangup_by` taken back unless it hung up).
   */
  describe('hang-up of a call live on another node', () => {
    it('asks the owning node when its own engine (or no engine) does not hold the call, and answers what the node said', async () => {
      const asked: Array<[string, string]> = [];
      const answers: Record<string, CallHangupOutcome['outcome']> = { 'r-live': 'hung-up', 'r-gone': 'not-live', 'r-away': 'no-answer', 'own-1': 'hung-up' };
      const clusterHangup: CallHangupPort = {
        hangup: async (node, id) => {
          asked.push([node, id]);
          const outcome = answers[id]!;
          return outcome === 'no-answer' ? { outcome, node, reason: `node ${node} did not answer within 2500 ms` } : { outcome, node };
        },
      };
      // Own engine refuses every call (none is live here); the harness's own node is 'node-test'.
      const refusing = { calls: { hangup: (id: string) => Promise.reject(new ControlError('not_found', `call ${id} is not live here`)) } } as unknown as EngineControl;
      const g = await harness({ control: refusing, clusterHangup });
      await g.app.ready;
      // An API with no engine at all (on PostgreSQL a second API over the same database: seeded once, through g).
      const bare = await harness({ clusterHangup }, undefined, { keepRows: true });
      try {
        for (const x of g.dialect === 'pg' ? [g] : [g, bare]) {
          x.addUser('sup', 'supervisor');
          for (const [id, nodeId] of [['r-live', 'node-b'], ['r-gone', 'node-b'], ['r-away', 'node-c'], ['own-1', 'node-test']] as const) {
            await x.db.callLogs.create({ id, campaignId: null, leadId: null, phone: '+15550110002', nodeId, at: x.clock.now() });
          }
        }
        const post = async (x: Harness, id: string) => {
          const res = await x.json('POST', `/api/calls/${id}/hangup`, undefined, x.bearer(await x.login('sup')));
          return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string } } };
        };
        expect((await post(g, 'r-live')).status).toBe(202);
        expect((await g.db.callLogs.get('r-live'))?.hangupBy).toBe('agent');
        const gone = await post(g, 'r-gone');
        expect(gone).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
        expect(gone.body.error?.message).toMatch(/not live on node node-b/);
        expect((await g.db.callLogs.get('r-gone'))?.hangupBy).toBeNull();
        const away = await post(g, 'r-away');
        expect(away).toMatchObject({ status: 503, body: { error: { code: 'node_unreachable' } } });
        expect(away.body.error?.message).toMatch(/node node-c did not answer within 2500 ms/);
        expect((await g.db.callLogs.get('r-away'))?.hangupBy).toBeNull();
        // A call of this API's own node that its engine refuses is live nowhere: nobody else is asked.
        expect((await post(g, 'own-1')).status).toBe(404);
        expect(asked).toEqual([['node-b', 'r-live'], ['node-b', 'r-gone'], ['node-c', 'r-away']]);

        // Without an engine the owner is always asked (its node id may be this API's configured one).
        asked.length = 0;
        expect((await post(bare, 'r-live')).status).toBe(202);
        expect((await post(bare, 'own-1')).status).toBe(202);
        expect(asked).toEqual([['node-b', 'r-live'], ['node-test', 'own-1']]);
      } finally {
        g.close();
        bare.close();
      }
    });
  });
}, { prefix: 'apipg_call_actions' });
