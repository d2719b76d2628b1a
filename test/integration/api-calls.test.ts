import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeApiDialects, type Harness } from '../unit/api/harness.js';

/**
 * GET /api/calls and /api/calls/:id over dialer and manual CallLogs, with role-scoped visibility, and a user's
 * metrics; on both dialects (#18): on PostgreSQL the CallLogs the nodes write there. (PostgreSQL-only: the call
 * timeline with campaign names, outcome, hangup, the legacy log, a lead's attempts and an outage: api-calls-pg.)
 */
let h: Harness;
let ids: { ana: string; bob: string; zoe: string };
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
afterEach(() => h.close());
/** One login per user and test. */
let tokens = new Map<string, Record<string, string>>();
const as = async (who: string) => {
  let t = tokens.get(who);
  if (t === undefined) tokens.set(who, (t = h.bearer(await h.login(who))));
  return t;
};

const list = async (who: string, qs = '') => {
  const res = await h.app.request(`/api/calls${qs}`, { headers: await as(who) });
  expect(res.status).toBe(200);
  return (await res.json()) as { items: Array<{ id: string }>; total: number; limit: number; offset: number };
};

describeApiDialects('call reads', (make) => {
  beforeEach(async () => {
    h = await make();
    tokens = new Map();
    ids = { ana: h.addUser('ana', 'agent', 'A'), bob: h.addUser('bob', 'agent', 'A'), zoe: h.addUser('zoe', 'agent', 'Z') };
    h.addUser('lead', 'teamlead', 'A');
    h.addUser('sup', 'supervisor');
    await h.settled();
    const logs = h.db.callLogs;
    // Dialer calls in two campaigns, then bridged to users via userId; one manual call.
    const mk = async (id: string, campaignId: string | null, userId: string | null, at: number, disposition: 'ANSWERED_HUMAN' | 'NO_ANSWER') => {
      await logs.create({ id, campaignId, leadId: null, phone: '+50688880000', nodeId: 'n', at, userId, agentId: userId === null ? null : `agent-${userId}` });
      await logs.end(id, { disposition, hangupCause: 16, at: at + 30_000 });
    };
    await mk('c1', 'k1', ids.ana, T0, 'ANSWERED_HUMAN');
    await mk('c2', 'k1', ids.bob, T0 + 3600_000, 'NO_ANSWER');
    await mk('c3', 'k2', ids.zoe, T0 + 24 * 3600_000, 'ANSWERED_HUMAN');
    await mk('c4', 'k2', null, T0 + 25 * 3600_000, 'NO_ANSWER');
  });

  describe('GET /api/calls', () => {
    it('shows supervisors everything, newest first, with filters and pagination', async () => {
      expect((await list('sup')).items.map((c) => c.id)).toEqual(['c4', 'c3', 'c2', 'c1']);
      expect((await list('sup', '?campaign_id=k1')).items.map((c) => c.id)).toEqual(['c2', 'c1']);
      expect((await list('sup', '?disposition=ANSWERED_HUMAN')).items.map((c) => c.id)).toEqual(['c3', 'c1']);
      expect((await list('sup', `?agent_id=agent-${ids.bob}`)).items.map((c) => c.id)).toEqual(['c2']);
      expect((await list('sup', '?from=2026-01-05&to=2026-01-05')).items.map((c) => c.id)).toEqual(['c2', 'c1']);
      await h.db.callLogs.create({ id: 'c5', campaignId: 'k1', leadId: null, phone: '+50688880001', nodeId: 'n', at: T0 + 26 * 3600_000 });
      expect((await list('sup', '?status=in_progress')).items.map((c) => c.id)).toEqual(['c5']);
      expect((await list('sup', '?status=ended&kind=dialer')).total).toBe(4);
      const page = await list('sup', '?limit=2&offset=2&status=ended');
      expect(page).toMatchObject({ total: 4, limit: 2, offset: 2 });
      expect(page.items.map((c) => c.id)).toEqual(['c2', 'c1']);
    });

    it('shows an agent only their own calls, and a team lead their team', async () => {
      expect((await list('ana')).items.map((c) => c.id)).toEqual(['c1']);
      // Asking for someone else is refused rather than silently emptied.
      const res = await h.app.request(`/api/calls?user_id=${ids.bob}`, { headers: await as('ana') });
      expect(res.status).toBe(403);
      expect((await list('lead')).items.map((c) => c.id)).toEqual(['c2', 'c1']);
      expect((await h.app.request(`/api/calls?user_id=${ids.zoe}`, { headers: await as('lead') })).status).toBe(403);
    });
  });

  describe('GET /api/calls/:id', () => {
    it('answers the call to those who may see it and 404 to others', async () => {
      const ana = await as('ana');
      const own = await h.app.request('/api/calls/c1', { headers: ana });
      expect(own.status).toBe(200);
      expect(await own.json()).toMatchObject({ id: 'c1', disposition: 'ANSWERED_HUMAN', talkMs: 0, totalMs: 30_000 });
      expect((await h.app.request('/api/calls/c2', { headers: ana })).status).toBe(404);
      expect((await h.app.request('/api/calls/c4', { headers: ana })).status).toBe(404);
      expect((await h.app.request('/api/calls/c4', { headers: await as('sup') })).status).toBe(200);
      expect((await h.app.request('/api/calls/nope', { headers: await as('sup') })).status).toBe(404);
    });
  });

  describe('GET /api/metrics/users/:id', () => {
    it('gives team leads their team, supervisors anyone, agents only themselves', async () => {
      h.clock.advance(2 * 24 * 3600_000); // past every call of the fixture: the default window ends now
      const get = async (who: string, id: string) => h.app.request(`/api/metrics/users/${id}`, { headers: await as(who) });
      const sup = await get('sup', ids.zoe);
      expect(sup.status).toBe(200);
      // c3 is zoe's one ended, answered call (30 s, never bridged so no talk time).
      expect(await sup.json()).toMatchObject({ calls_made: 1, calls_success: 1 });
      expect((await get('lead', ids.bob)).status).toBe(200);
      expect((await get('lead', ids.zoe)).status).toBe(404);
      expect((await get('ana', ids.ana)).status).toBe(200);
      expect((await get('ana', ids.bob)).status).toBe(404);
      expect((await get('sup', 'nobody')).status).toBe(404);
    });
  });
}, { prefix: 'pg_suite_calls' });
