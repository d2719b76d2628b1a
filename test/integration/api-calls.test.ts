import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from '../unit/api/harness.js';

/** GET /api/calls and /api/calls/:id over dialer and manual CallLogs, with role-scoped visibility. */
let h: Harness;
let ids: { ana: string; bob: string; zoe: string };
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

beforeEach(() => {
  h = harness();
  ids = { ana: h.addUser('ana', 'agent', 'A'), bob: h.addUser('bob', 'agent', 'A'), zoe: h.addUser('zoe', 'agent', 'Z') };
  h.addUser('lead', 'teamlead', 'A');
  h.addUser('sup', 'supervisor');
  const logs = h.store.callLogs;
  // Dialer calls in two campaigns, then bridged to users via userId; one manual call.
  const mk = (id: string, campaignId: string | null, userId: string | null, at: number, disposition: 'ANSWERED_HUMAN' | 'NO_ANSWER') => {
    logs.create({ id, campaignId, leadId: null, phone: '+50688880000', nodeId: 'n', at, userId, agentId: userId === null ? null : `agent-${userId}` });
    logs.end(id, { disposition, hangupCause: 16, at: at + 30_000 });
  };
  mk('c1', 'k1', ids.ana, T0, 'ANSWERED_HUMAN');
  mk('c2', 'k1', ids.bob, T0 + 3600_000, 'NO_ANSWER');
  mk('c3', 'k2', ids.zoe, T0 + 24 * 3600_000, 'ANSWERED_HUMAN');
  mk('c4', 'k2', null, T0 + 25 * 3600_000, 'NO_ANSWER');
});
afterEach(() => h.close());

const list = async (who: string, qs = '') => {
  const res = await h.app.request(`/api/calls${qs}`, { headers: h.bearer(await h.login(who)) });
  expect(res.status).toBe(200);
  return (await res.json()) as { items: Array<{ id: string }>; total: number; limit: number; offset: number };
};

describe('GET /api/calls', () => {
  it('shows supervisors everything, newest first, with filters and pagination', async () => {
    expect((await list('sup')).items.map((c) => c.id)).toEqual(['c4', 'c3', 'c2', 'c1']);
    expect((await list('sup', '?campaign_id=k1')).items.map((c) => c.id)).toEqual(['c2', 'c1']);
    expect((await list('sup', '?disposition=ANSWERED_HUMAN')).items.map((c) => c.id)).toEqual(['c3', 'c1']);
    expect((await list('sup', `?agent_id=agent-${ids.bob}`)).items.map((c) => c.id)).toEqual(['c2']);
    expect((await list('sup', '?from=2026-01-05&to=2026-01-05')).items.map((c) => c.id)).toEqual(['c2', 'c1']);
    h.store.callLogs.create({ id: 'c5', campaignId: 'k1', leadId: null, phone: '+50688880001', nodeId: 'n', at: T0 + 26 * 3600_000 });
    expect((await list('sup', '?status=in_progress')).items.map((c) => c.id)).toEqual(['c5']);
    expect((await list('sup', '?status=ended&kind=dialer')).total).toBe(4);
    const page = await list('sup', '?limit=2&offset=2&status=ended');
    expect(page).toMatchObject({ total: 4, limit: 2, offset: 2 });
    expect(page.items.map((c) => c.id)).toEqual(['c2', 'c1']);
  });

  it('shows an agent only their own calls, and a team lead their team', async () => {
    expect((await list('ana')).items.map((c) => c.id)).toEqual(['c1']);
    // Asking for someone else is refused rather than silently emptied.
    const res = await h.app.request(`/api/calls?user_id=${ids.bob}`, { headers: h.bearer(await h.login('ana')) });
    expect(res.status).toBe(403);
    expect((await list('lead')).items.map((c) => c.id)).toEqual(['c2', 'c1']);
    expect((await h.app.request(`/api/calls?user_id=${ids.zoe}`, { headers: h.bearer(await h.login('lead')) })).status).toBe(403);
  });
});

describe('GET /api/calls/:id', () => {
  it('answers the call to those who may see it and 404 to others', async () => {
    const ana = h.bearer(await h.login('ana'));
    const own = await h.app.request('/api/calls/c1', { headers: ana });
    expect(own.status).toBe(200);
    expect(await own.json()).toMatchObject({ id: 'c1', disposition: 'ANSWERED_HUMAN', talkMs: 0, totalMs: 30_000 });
    expect((await h.app.request('/api/calls/c2', { headers: ana })).status).toBe(404);
    expect((await h.app.request('/api/calls/c4', { headers: ana })).status).toBe(404);
    expect((await h.app.request('/api/calls/c4', { headers: h.bearer(await h.login('sup')) })).status).toBe(200);
    expect((await h.app.request('/api/calls/nope', { headers: h.bearer(await h.login('sup')) })).status).toBe(404);
  });
});

describe('GET /api/metrics/users/:id', () => {
  it('gives team leads their team, supervisors anyone, agents only themselves', async () => {
    h.clock.advance(2 * 24 * 3600_000); // past every call of the fixture: the default window ends now
    const get = async (who: string, id: string) => h.app.request(`/api/metrics/users/${id}`, { headers: h.bearer(await h.login(who)) });
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
