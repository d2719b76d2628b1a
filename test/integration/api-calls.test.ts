import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlError, type EngineControl } from '../../engine/control/index.js';
import type { NodeCallLogs } from '../../engine/store/index.js';
import { pgCallHistory, openPgPool } from '../../engine/store/pg/index.js';
import { describeApiDialects, harness, type Harness } from '../unit/api/harness.js';

/**
 * GET /api/calls and /api/calls/:id over dialer and manual CallLogs, with role-scoped visibility, and a user's
 * metrics; on both dialects (#18): on PostgreSQL the CallLogs the nodes write there. Below, the history as the nodes
 * write it (timeline with campaign names, outcome, hangup, the legacy log, DNC lists, a lead's attempts) on both, and
 * PostgreSQL unreachable (PostgreSQL-only).
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

/**
 * The call history as the engine nodes write it, on both dialects (#18): CallLogs seeded through the dialect's node
 * port (create → ringing → answered → AMD → bridged → end, as a node's write queue does; a dead node's call closed by
 * another node's reaper) on GET /api/calls (filters, paging, role and team visibility), GET /api/calls/{id} (the row
 * and its campaign's name) and the compatibility log; POST /api/calls/{id}/outcome writes the agent's disposition
 * there (with the DNC entry of do_not_call), POST /api/calls/{id}/hangup records who hung up, the DNC routes list
 * and manage the `dnc` table and GET /api/leads/{id}/attempts lists a lead's calls. On PostgreSQL the SQLite file
 * holds a call (and a lead's call) of its own on purpose: it never shows, and nothing is written there.
 */
describeApiDialects('call history as the nodes write it', (make, dialect) => {
  const HOUR = 3600_000;
  let users: { ana: string; bob: string; zoe: string };
  /** What this API's engine hung up; `remote-…` calls are live on another node's engine, so it refuses them. */
  let hungUp: string[];
  const control = {
    calls: {
      hangup: (id: string) => {
        if (id.startsWith('remote-')) throw new ControlError('not_found', `Call ${id} is not live here`);
        hungUp.push(id);
      },
    },
  } as unknown as EngineControl;

  /** What a node writes for one dialled call (its write queue's order), ending with `disposition` unless left open. */
  async function nodeCall(
    logs: NodeCallLogs,
    id: string,
    o: { campaignId: string; at: number; agentId?: string; disposition?: 'ANSWERED_HUMAN' | 'NO_ANSWER' | 'MACHINE'; nodeId?: string; phone?: string },
  ): Promise<void> {
    await logs.create({ id, campaignId: o.campaignId, leadId: `lead-${id}`, phone: o.phone ?? '+50688880000', nodeId: o.nodeId ?? 'node-2', channelId: `ch-${id}`, at: o.at });
    await logs.markRinging(id, o.at + 1_000);
    if (o.disposition === undefined) return;
    if (o.disposition !== 'NO_ANSWER') {
      await logs.markAnswered(id, o.at + 5_000);
      await logs.markAmd(id, { status: o.disposition === 'MACHINE' ? 'MACHINE' : 'HUMAN', cause: 'X', decisionMs: 1_000, at: o.at + 6_000 });
    }
    if (o.agentId !== undefined) await logs.markBridged(id, { agentId: o.agentId, bridgeId: `br-${id}`, at: o.at + 6_500 });
    await logs.end(id, { disposition: o.disposition, hangupCause: 16, at: o.at + 66_500 });
  }

  beforeEach(async () => {
    hungUp = [];
    h = await make({ control });
    users = { ana: h.addUser('ana', 'agent', 'A'), bob: h.addUser('bob', 'agent', 'A'), zoe: h.addUser('zoe', 'agent', 'Z') };
    h.addUser('lead', 'teamlead', 'A');
    h.addUser('sup', 'supervisor');

    await h.db.seed.campaign('k1', { name: 'Norte PG' }, T0 - HOUR);
    await h.db.campaignCatalog.command('k1', 'start', T0 - HOUR);
    for (const [id, userId] of [
      ['agent-ana', users.ana],
      ['agent-bob', users.bob],
      ['agent-zoe', users.zoe],
    ] as const)
      await h.db.seed.agent({ id, name: id, endpoint: `PJSIP/${id}`, userId, nodeId: 'node-2', team: null, createdAt: 0 });

    const node = h.db;
    await nodeCall(node.callLogs, 'p1', { campaignId: 'k1', at: T0, agentId: 'agent-ana', disposition: 'ANSWERED_HUMAN' });
    await nodeCall(node.callLogs, 'p2', { campaignId: 'k1', at: T0 + HOUR, agentId: 'agent-bob', disposition: 'ANSWERED_HUMAN', phone: '+50684479219' });
    await nodeCall(node.callLogs, 'p3', { campaignId: 'k2', at: T0 + 24 * HOUR, agentId: 'agent-zoe', disposition: 'ANSWERED_HUMAN', nodeId: 'node-3' });
    await nodeCall(node.callLogs, 'p4', { campaignId: 'k1', at: T0 + 25 * HOUR, disposition: 'MACHINE' });
    await nodeCall(node.callLogs, 'p5', { campaignId: 'k1', at: T0 + 26 * HOUR, disposition: 'NO_ANSWER' });
    await nodeCall(node.callLogs, 'p6', { campaignId: 'k1', at: T0 + 27 * HOUR }); // still ringing
    // A call of a node that died, bridged to Ana: another node's reaper closed it at its last alive stamp.
    await nodeCall(node.callLogs, 'p7', { campaignId: 'k1', at: T0 + 28 * HOUR, nodeId: 'node-3' });
    await node.callLogs.markBridged('p7', { agentId: 'agent-ana', at: T0 + 28 * HOUR + 4_000 });
    await node.callLogs.markAlive('node-3', T0 + 28 * HOUR + 34_000);
    await node.callLogs.closeCallLog('p7', 'INTERRUPTED', null, T0 + 28 * HOUR + 34_000, 'engine_lost');

    // On PostgreSQL, a call in the API's SQLite file only: the history never shows it.
    if (dialect === 'pg') h.store.callLogs.create({ id: 'lite-1', campaignId: 'k1', leadId: null, phone: '+1', nodeId: 'node-test', userId: users.ana, at: T0 + 30 * HOUR });
  });

  const get = async (who: string, path: string) => h.app.request(path, { headers: h.bearer(await h.login(who)) });
  const list = async (who: string, qs = '') => {
    const res = await get(who, `/api/calls${qs}`);
    expect(res.status).toBe(200);
    return (await res.json()) as { items: Array<{ id: string; userId: string | null; talkMs: number | null }>; total: number; limit: number; offset: number };
  };
  const idsOf = (page: { items: Array<{ id: string }> }) => page.items.map((c) => c.id);

  describe('GET /api/calls', () => {
    it("lists the node's calls newest first, filtered and paged (on PostgreSQL nothing of the SQLite file)", async () => {
      const all = await list('sup');
      expect(idsOf(all)).toEqual(['p7', 'p6', 'p5', 'p4', 'p3', 'p2', 'p1']);
      expect(all.total).toBe(7);
      // Bridged calls carry the agent's user, filled in by the node's bridge write from the agents table.
      expect(all.items.find((c) => c.id === 'p1')).toMatchObject({ userId: users.ana, talkMs: 60_000 });
      expect(idsOf(await list('sup', '?campaign_id=k2'))).toEqual(['p3']);
      expect(idsOf(await list('sup', '?disposition=ANSWERED_HUMAN'))).toEqual(['p3', 'p2', 'p1']);
      expect(idsOf(await list('sup', '?amd_status=MACHINE'))).toEqual(['p4']);
      expect(idsOf(await list('sup', '?status=in_progress'))).toEqual(['p6']);
      expect(idsOf(await list('sup', '?disposition=INTERRUPTED'))).toEqual(['p7']);
      expect(idsOf(await list('sup', '?agent_id=agent-bob'))).toEqual(['p2']);
      expect(idsOf(await list('sup', '?lead_id=lead-p5'))).toEqual(['p5']);
      // Phone digits as a person types them, in any format. A local or whole number (8 digits or more): the calls
      // whose number ends with it; fewer digits: the calls whose number contains them.
      expect(idsOf(await list('sup', '?phone=8447%209219'))).toEqual(['p2']);
      expect(idsOf(await list('sup', '?phone=(506)%208447-9219'))).toEqual(['p2']);
      expect(idsOf(await list('sup', '?phone=88880000&campaign_id=k1'))).toEqual(['p7', 'p6', 'p5', 'p4', 'p1']);
      expect(idsOf(await list('sup', '?phone=50684479'))).toEqual([]); // 8 digits inside the number, not its end
      expect(idsOf(await list('sup', '?phone=4479'))).toEqual(['p2']);
      expect(idsOf(await list('sup', '?phone=8447-921'))).toEqual(['p2']);
      for (const bad of ['84', '84x47', '%25%25%25', '1234567890123456']) {
        const res = await get('sup', `/api/calls?phone=${bad}`);
        expect(res.status, bad).toBe(422);
        expect(JSON.stringify(await res.json())).toContain('phone');
      }
      expect(idsOf(await list('sup', '?from=2026-01-05&to=2026-01-05'))).toEqual(['p2', 'p1']);
      const page = await list('sup', '?status=ended&limit=2&offset=2');
      expect(page).toMatchObject({ total: 6, limit: 2, offset: 2 });
      expect(idsOf(page)).toEqual(['p4', 'p3']);
    });

    it('shows an agent their own calls, a team lead their team, and refuses another user', async () => {
      expect(idsOf(await list('ana'))).toEqual(['p7', 'p1']);
      expect(idsOf(await list('lead'))).toEqual(['p7', 'p2', 'p1']);
      expect(idsOf(await list('lead', `?user_id=${users.bob}`))).toEqual(['p2']);
      expect((await get('lead', `/api/calls?user_id=${users.zoe}`)).status).toBe(403);
      expect((await get('ana', `/api/calls?user_id=${users.bob}`)).status).toBe(403);
    });
  });

  describe('GET /api/calls/{id}', () => {
    it("answers the node's call with its timeline and campaign name to those who may see it, 404 to others", async () => {
      const res = await get('ana', '/api/calls/p1');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        id: 'p1',
        campaignId: 'k1',
        campaignName: 'Norte PG',
        stage: 'ended',
        createdAt: T0,
        ringingAt: T0 + 1_000,
        answeredAt: T0 + 5_000,
        amdAt: T0 + 6_000,
        bridgedAt: T0 + 6_500,
        endedAt: T0 + 66_500,
        ringMs: 4_000,
        talkMs: 60_000,
        disposition: 'ANSWERED_HUMAN',
        amdStatus: 'HUMAN',
        agentId: 'agent-ana',
        userId: users.ana,
      });
      // The dead node's call: what the detail's timeline reads to say it was cut off, and why.
      const p7 = await (await get('ana', '/api/calls/p7')).json();
      expect(p7).toMatchObject({ disposition: 'INTERRUPTED', interruption: 'engine_lost', endedAt: T0 + 28 * HOUR + 34_000, talkMs: 30_000, campaignName: 'Norte PG' });
      expect(p7).not.toHaveProperty('nodeId'); // the API's call shape, not the stored row
      expect((await get('ana', '/api/calls/p2')).status).toBe(404);
      expect((await get('lead', '/api/calls/p2')).status).toBe(200);
      // Campaign k2 is not in the campaigns table: the call shows, without a name.
      const p3 = await get('sup', '/api/calls/p3');
      expect(await p3.json()).toMatchObject({ id: 'p3', campaignId: 'k2', campaignName: null });
      expect((await get('sup', '/api/calls/lite-1')).status).toBe(404);
      expect((await get('sup', '/api/calls/nope')).status).toBe(404);
    });
  });

  describe('GET /api/calls/log', () => {
    it("gives the node's calls in the older tools' shape, with the legacy status filter and visibility", async () => {
      const res = await get('sup', '/api/calls/log?status=NO_ANSWER');
      expect(res.status).toBe(200);
      const body = (await res.json()) as { calls: Array<{ call_id: string; status: string }>; count: number };
      // MACHINE and NO_ANSWER both show as the legacy NO_ANSWER.
      expect(body).toEqual({ calls: [expect.objectContaining({ call_id: 'p5', status: 'NO_ANSWER' }), expect.objectContaining({ call_id: 'p4', status: 'NO_ANSWER' })], count: 2 });
      const mine = (await (await get('ana', '/api/calls/log')).json()) as { calls: Array<{ call_id: string; duration_seconds: number }> };
      expect(mine.calls).toEqual([
        expect.objectContaining({ call_id: 'p7', status: 'FAILED' }),
        expect.objectContaining({ call_id: 'p1', duration_seconds: 67, contact_id: 'lead-p1', status: 'COMPLETED' }),
      ]);
    });
  });

  describe('POST /api/calls/{id}/outcome', () => {
    const post = async (who: string, id: string, body: unknown) => h.json('POST', `/api/calls/${id}/outcome`, body, h.bearer(await h.login(who)));

    it("records an agent's disposition of their own node call: the detail shows it, another's call is hidden", async () => {
      const res = await post('ana', 'p1', { outcome: 'sale', notes: '  Premium plan, pays monthly  ' });
      expect(res.status).toBe(200);
      // Notes trimmed by the route's schema.
      expect(await res.json()).toEqual({ call_id: 'p1', outcome: 'sale', notes: 'Premium plan, pays monthly', dnc_added: false });
      expect(await (await get('ana', '/api/calls/p1')).json()).toMatchObject({ outcome: 'sale', notes: 'Premium plan, pays monthly', disposition: 'ANSWERED_HUMAN' });
      // In the database itself, as a node reads it.
      expect(await h.db.callLogs.get('p1')).toMatchObject({ outcome: 'sale', notes: 'Premium plan, pays monthly' });
      // Changed again with empty notes: the notes are cleared (null), not ''.
      expect(await (await post('ana', 'p1', { outcome: 'callback', notes: '' })).json()).toMatchObject({ outcome: 'callback', notes: null });
      expect(await (await get('ana', '/api/calls/p1')).json()).toMatchObject({ outcome: 'callback', notes: null });

      // Bob's call and (on PostgreSQL) the call in the SQLite file only are not Ana's to set.
      expect((await post('ana', 'p2', { outcome: 'sale' })).status).toBe(404);
      expect((await post('ana', 'lite-1', { outcome: 'sale' })).status).toBe(404);
      expect((await post('ana', 'nope', { outcome: 'sale' })).status).toBe(404);
      expect(await (await get('sup', '/api/calls/p2')).json()).toMatchObject({ outcome: null, notes: null });
      // A team lead sets their team's.
      expect((await post('lead', 'p2', { outcome: 'not_interested' })).status).toBe(200);
      expect(await (await get('sup', '/api/calls/p2')).json()).toMatchObject({ outcome: 'not_interested' });
    });

    it("do_not_call puts the number on the internal DNC list once and retires its leads still to dial there", async () => {
      await h.db.seed.leads([{ campaignId: 'k1', phoneE164: '+50688880000', phoneRaw: '88880000' }], T0, { ids: ['lp1'] });
      const res = await post('ana', 'p1', { outcome: 'do_not_call', notes: 'Asked not to be called' });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ call_id: 'p1', outcome: 'do_not_call', notes: 'Asked not to be called', dnc_added: true });
      expect(await h.db.read.rows('dnc')).toEqual([{ phoneE164: '+50688880000', campaignId: '', reason: 'asked during a call', createdAt: expect.any(Number) }]);
      expect((await h.db.read.leads('k1'))[0]).toMatchObject({ id: 'lp1', status: 'dnc', nextDueAt: null });
      expect(await (await get('ana', '/api/calls/p1')).json()).toMatchObject({ outcome: 'do_not_call', notes: 'Asked not to be called' });
      // Already listed: not added again.
      expect(await (await post('ana', 'p7', { outcome: 'do_not_call' })).json()).toMatchObject({ dnc_added: false });
      expect(await h.db.read.rows('dnc')).toHaveLength(1);
      // On PostgreSQL nothing was written to the API's SQLite file (the DNC routes read PostgreSQL's list too: below).
      if (dialect === 'pg') expect(h.store.dnc.isBlocked('+50688880000', 'k1')).toBe(false);
    });
  });

  describe('POST /api/calls/{id}/hangup', () => {
    const hangup = async (who: string, id: string) => h.json('POST', `/api/calls/${id}/hangup`, undefined, h.bearer(await h.login(who)));

    it("hangs up an agent's own live node call through this API's engine and records it in the database", async () => {
      const node = h.db;
      // Live, bridged to Ana: one on this API's engine, one on another node's.
      for (const id of ['live-1', 'remote-1']) {
        await nodeCall(node.callLogs, id, { campaignId: 'k1', at: T0 + 29 * HOUR });
        await node.callLogs.markBridged(id, { agentId: 'agent-ana', at: T0 + 29 * HOUR + 3_000 });
      }
      const res = await hangup('ana', 'live-1');
      expect(res.status).toBe(202);
      expect(await res.json()).toEqual({ message: 'Hanging up', call_id: 'live-1' });
      expect(hungUp).toEqual(['live-1']);
      expect(await node.callLogs.get('live-1')).toMatchObject({ hangupBy: 'agent', endedAt: null });
      expect(await (await get('ana', '/api/calls/live-1')).json()).toMatchObject({ hangupBy: 'agent' });

      // Another node's call: this engine refuses (404) and nothing is recorded — the callee or the agent's phone ends it.
      const remote = await hangup('ana', 'remote-1');
      expect(remote.status).toBe(404);
      expect(hungUp).toEqual(['live-1']);
      expect(await node.callLogs.get('remote-1')).toMatchObject({ hangupBy: null, endedAt: null });

      // Bob may not hang up Ana's call; an ended call, a call of the SQLite file only and none at all: 404, engine untouched.
      expect((await hangup('bob', 'live-1')).status).toBe(404);
      expect((await hangup('ana', 'p1')).status).toBe(404);
      expect((await hangup('ana', 'lite-1')).status).toBe(404);
      expect((await hangup('sup', 'nope')).status).toBe(404);
      expect(hungUp).toEqual(['live-1']);
      if (dialect === 'pg') expect(h.store.callLogs.get('lite-1')?.hangupBy).toBeNull();
    });
  });

  describe('DNC lists', () => {
    type Page = { items: Array<{ phone: string; campaignId: string | null; reason: string | null }>; total: number };
    const send = async (who: string, method: string, path: string, body?: unknown) => h.json(method, path, body, h.bearer(await h.login(who)));

    it("shows the number an agent's do_not_call put on the list, and adds, finds and removes numbers there", async () => {
      expect((await send('ana', 'POST', '/api/calls/p1/outcome', { outcome: 'do_not_call' })).status).toBe(200);
      const listed = (await (await get('sup', '/api/dnc')).json()) as Page;
      expect(listed).toMatchObject({ total: 1, items: [{ phone: '+50688880000', campaignId: null, reason: 'asked during a call' }] });

      // Added from the DNC screen: written to the database (its lead still to dial retired there; on PostgreSQL not to the SQLite file).
      await h.db.seed.leads([{ campaignId: 'k1', phoneE164: '+50688881234', phoneRaw: '88881234' }], T0, { ids: ['lp2'] });
      const added = await send('sup', 'POST', '/api/dnc', { phone: '8888-1234', reason: 'letter' });
      expect(added.status).toBe(201);
      expect(await added.json()).toMatchObject({ phone: '+50688881234', campaignId: null, reason: 'letter', leadsMarked: 1 });
      expect((await h.db.read.leads('k1'))[0]).toMatchObject({ id: 'lp2', status: 'dnc' });
      if (dialect === 'pg') expect(h.store.dnc.get('+50688881234', null)).toBeUndefined();
      expect(await (await get('sup', '/api/dnc?phone=1234')).json()).toMatchObject({ total: 1, items: [{ phone: '+50688881234' }] });
      expect(((await (await get('sup', '/api/dnc?limit=1&offset=1')).json()) as Page).items.map((e) => e.phone)).toEqual(['+50688881234']);

      // A campaign's own list.
      expect((await send('sup', 'POST', '/api/dnc', { phone: '+50688884444', campaign_id: 'k1' })).status).toBe(201);
      expect(await (await get('sup', '/api/dnc?campaign_id=k1')).json()).toMatchObject({ total: 1, items: [{ phone: '+50688884444', campaignId: 'k1' }] });
      expect((await h.db.read.rows('dnc')).map((r) => `${String(r.campaignId)}:${String(r.phoneE164)}`).sort()).toEqual([':+50688880000', ':+50688881234', 'k1:+50688884444']);

      // Removed from the list; a second time it is not there.
      expect((await send('sup', 'DELETE', `/api/dnc/${encodeURIComponent('+50688880000')}`)).status).toBe(200);
      expect((await send('sup', 'DELETE', `/api/dnc/${encodeURIComponent('+50688880000')}`)).status).toBe(404);
      expect(((await (await get('sup', '/api/dnc')).json()) as Page).items.map((e) => e.phone)).toEqual(['+50688881234']);
      // Off the list, the number is dialled again (the hopper's check reads the same table).
      expect(await h.db.callHistory.dnc.isBlocked('+50688880000', 'k1')).toBe(false);
    });

    it('imports a CSV into the list: new numbers added, listed ones counted, bad lines reported', async () => {
      await send('sup', 'POST', '/api/dnc', { phone: '+50688882222' });
      const fd = new FormData();
      fd.set('file', new File(['phone\n88881111\n88882222\nnot a phone\n88883333\n'], 'dnc.csv'));
      const res = await h.app.request('/api/dnc/import', { method: 'POST', body: fd, headers: h.bearer(await h.login('sup')) });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ added: 2, alreadyListed: 1, rejected: 1 });
      expect((await h.db.read.rows('dnc')).map((r) => r.phoneE164).sort()).toEqual(['+50688881111', '+50688882222', '+50688883333']);
      if (dialect === 'pg') expect(h.store.dnc.page(null, { limit: 10, offset: 0 }).total).toBe(0);
    });
  });

  describe('GET /api/leads/{id}/attempts', () => {
    it("lists the lead's calls the nodes wrote, newest first (on PostgreSQL none of the SQLite file)", async () => {
      // The lead, its calls as the nodes wrote them.
      const leadId = (await h.db.seed.leads([{ campaignId: 'k1', phoneE164: '+50688880000', phoneRaw: '88880000' }], h.clock.now()))[0]!;
      const node = h.db;
      for (const [id, at] of [['a1', T0 + 40 * HOUR], ['a2', T0 + 41 * HOUR]] as const) {
        await node.callLogs.create({ id, campaignId: 'k1', leadId, phone: '+50688880000', nodeId: 'node-2', channelId: `ch-${id}`, at });
        await node.callLogs.end(id, { disposition: 'NO_ANSWER', hangupCause: 19, at: at + 30_000 });
      }
      if (dialect === 'pg') {
        // The SQLite file's call of the same lead id: not an attempt.
        h.store.callLogs.create({ id: 'lite-2', campaignId: 'k1', leadId, phone: '+50688880000', nodeId: 'node-test', at: T0 + 42 * HOUR });
        expect(h.store.callLogs.get('lite-2')).toMatchObject({ leadId });
      }
      const res = await get('sup', `/api/leads/${leadId}/attempts`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        items: [
          { id: 'a2', createdAt: T0 + 41 * HOUR, endedAt: T0 + 41 * HOUR + 30_000, disposition: 'NO_ANSWER', outcome: null, notes: null, agentId: null, talkMs: 0 },
          { id: 'a1', createdAt: T0 + 40 * HOUR, endedAt: T0 + 40 * HOUR + 30_000, disposition: 'NO_ANSWER', outcome: null, notes: null, agentId: null, talkMs: 0 },
        ],
      });
      expect((await get('sup', '/api/leads/nope/attempts')).status).toBe(404);
    });
  });
}, { prefix: 'pg_twins2_calls' });

/** PostgreSQL-only: the history's database unreachable. */
describe('PostgreSQL unreachable', () => {
  it('answers 503 storage_unavailable, not 500', async () => {
    const dead = openPgPool('postgres://postgres@127.0.0.1:1/nowhere', { max: 1 });
    const h2 = harness({ callHistory: pgCallHistory(dead) });
    try {
      h2.addUser('sup2', 'supervisor');
      const res = await h2.app.request('/api/calls', { headers: h2.bearer(await h2.login('sup2')) });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('storage_unavailable');
    } finally {
      h2.close();
      await dead.end();
    }
  });
});
