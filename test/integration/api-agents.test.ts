import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlError, type AgentLiveState, type EngineControl } from '../../engine/control/types.js';
import { describeApiDialects, type Harness } from '../unit/api/harness.js';

/**
 * The agent routes on both dialects (#18): create, list, show, change (node and campaign assignments: what
 * docs/scale-out.md's "Growing from one node to several" does with PATCH /api/agents/{id} {"node_id": …}) and delete
 * the agents of the API's database — on PostgreSQL the `agents` table the engine nodes follow, nothing in the SQLite
 * file; assignments must name that database's campaigns. Bad input is a 4xx naming the field; who sees which agent
 * (and which call) is the same on both. On SQLite the API's own engine hears of each change; on PostgreSQL it is not
 * told (it reads SQLite's agents: the nodes follow the row).
 */
type Agent = { id: string; name: string; kind: string; concurrency: number; team: string | null; userId: string | null; campaignIds: string[] | null; nodeId: string | null };
type ErrorBody = { error: { code: string; message: string; details?: Array<{ field: string; problem: string }> } };

/** An engine double with the agent state rules the routes rely on (the real engine is tested on the PBX). */
function fakeControl(now: () => number) {
  const agents = new Map<string, AgentLiveState>();
  const calls: string[] = [];
  const must = (id: string) => {
    const a = agents.get(id);
    if (a === undefined) throw new ControlError('not_found', `engine knows no agent ${id}`);
    return a;
  };
  const set = (id: string, status: AgentLiveState['status'], pauseReason: string | null = null) => {
    const a = must(id);
    a.status = status;
    a.pauseReason = pauseReason;
    a.since = now();
  };
  let down = false;
  const control: EngineControl = {
    campaigns: {
      start: () => Promise.reject(new Error('n/a')),
      pause: () => Promise.reject(new Error('n/a')),
      stop: () => Promise.reject(new Error('n/a')),
      testCall: () => Promise.reject(new Error('n/a')),
      applySettings: () => Promise.reject(new Error('n/a')),
      liveStats: () => {
        throw new ControlError('not_found', 'n/a');
      },
    },
    agents: {
      login: (id) => {
        if (down) throw new ControlError('unavailable', 'PBX down');
        calls.push(`login ${id}`);
        must(id).legUp = true;
        set(id, 'READY');
      },
      ready: (id) => {
        if (must(id).status === 'LOGGED_OUT') throw new ControlError('conflict', 'log in first');
        set(id, 'READY');
      },
      pause: (id, reason) => {
        if (reason === 'forbidden-reason') throw new ControlError('invalid', 'unknown pause reason');
        if (must(id).status === 'LOGGED_OUT') throw new ControlError('conflict', 'log in first');
        set(id, 'PAUSED', reason);
      },
      logout: (id) => {
        must(id).legUp = false;
        set(id, 'LOGGED_OUT');
      },
      upsert: (id) => {
        calls.push(`upsert ${id}`);
        if (!agents.has(id)) agents.set(id, { id, kind: 'human', status: 'LOGGED_OUT', pauseReason: null, legUp: false, calls: [], since: now() });
      },
      remove: (id) => {
        calls.push(`remove ${id}`);
        if (must(id).status === 'TALKING') throw new ControlError('conflict', 'agent is on a call');
        agents.delete(id);
      },
      state: (id) => agents.get(id) ?? null,
      list: () => [...agents.values()],
    },
  };
  return { control, agents, calls, setDown: (v: boolean) => (down = v) };
}

let h: Harness;
let fake: ReturnType<typeof fakeControl>;
let ids: { ana: string; bob: string; zoe: string };
afterEach(() => h.close());

describeApiDialects('agent routes', (make, dialect) => {
  beforeEach(async () => {
    let clockRef: { now(): number } = { now: () => 0 };
    fake = fakeControl(() => clockRef.now());
    h = await make({ control: fake.control });
    tokens = new Map();
    clockRef = h.clock;
    ids = { ana: h.addUser('ana', 'agent', 'red'), bob: h.addUser('bob', 'agent', 'red'), zoe: h.addUser('zoe', 'agent', 'blue') };
    h.addUser('lead', 'teamlead', 'red');
    h.addUser('sup', 'supervisor');
    // Campaigns of the API's database (on PostgreSQL `lite-only` is in the SQLite file alone).
    for (const id of ['k1', 'k2']) await h.db.seed.campaign(id, {}, h.clock.now());
    if (dialect === 'pg') h.store.campaigns.create('lite-only', { name: 'Lite' }, h.clock.now());
  });

  /** One login per user and test (scrypt on each login costs ~0.1–0.2 s on a loaded machine). */
  let tokens = new Map<string, Record<string, string>>();
  const as = async (who: string) => {
    let t = tokens.get(who);
    if (t === undefined) tokens.set(who, (t = h.bearer(await h.login(who))));
    return t;
  };

  async function seedAgents() {
    const sup = await as('sup');
    for (const [id, user, team] of [
      ['a-ana', ids.ana, 'red'],
      ['a-bob', ids.bob, 'red'],
      ['a-zoe', ids.zoe, 'blue'],
    ] as const) {
      const res = await h.json('POST', '/api/agents', { id, name: id, endpoint: `PJSIP/${id}`, team, user_id: user }, sup);
      expect(res.status, await res.clone().text()).toBe(201);
      engineFollows(id);
    }
  }
  /** PostgreSQL: the engine is not told of a new agent, its node follows the row (here: the double learns it, unrecorded). */
  const engineFollows = (id: string) => {
    if (dialect === 'pg' && !fake.agents.has(id)) fake.agents.set(id, { id, kind: 'human', status: 'LOGGED_OUT', pauseReason: null, legUp: false, calls: [], since: h.clock.now() });
  };
  const agentActions = async (o: { targetId?: string } = {}) =>
    ((await h.db.read.rows('auditLog')) as Array<{ action: string; targetType: string; targetId: string }>)
      .filter((a) => a.targetType === 'agent' && (o.targetId === undefined || a.targetId === o.targetId))
      .map((a) => a.action);


  describe('agents CRUD', () => {
    it('supervisors and admins create, change and delete agents; the engine hears of each', async () => {
      const admin = await as('admin');
      const created = await h.json('POST', '/api/agents', { id: 'a1', name: 'Ana', endpoint: 'PJSIP/1001', team: 'red', user_id: ids.ana }, admin);
      expect(created.status).toBe(201);
      // SQLite: the API's own engine is told at once; PostgreSQL: not (its node follows the row), live is null until then.
      expect(await created.json()).toMatchObject({ id: 'a1', kind: 'human', concurrency: 1, team: 'red', userId: ids.ana, live: dialect === 'sqlite' ? { status: 'LOGGED_OUT' } : null });
      expect(fake.calls.includes('upsert a1')).toBe(dialect === 'sqlite');
      engineFollows('a1');

      // Generated ids, bots with concurrency.
      const bot = await h.json('POST', '/api/agents', { kind: 'bot', name: 'Bot', endpoint: 'Local/bot@ai', concurrency: 8 }, await as('sup'));
      expect(bot.status).toBe(201);
      expect(await bot.json()).toMatchObject({ kind: 'bot', concurrency: 8, id: expect.stringMatching(/^agent-/) });

      expect((await h.json('POST', '/api/agents', { id: 'a1', name: 'Dup', endpoint: 'PJSIP/1' }, admin)).status).toBe(409);
      const badUser = await h.json('POST', '/api/agents', { id: 'a2', name: 'X', endpoint: 'PJSIP/2', user_id: 'nobody' }, admin);
      expect(badUser.status).toBe(422);
      expect(await badUser.json()).toMatchObject({ error: { code: 'validation_failed', details: [{ field: 'user_id' }] } });
      const unknownField = await h.json('POST', '/api/agents', { id: 'a3', name: 'X', endpoint: 'PJSIP/3', extra: 1 }, admin);
      expect(unknownField.status).toBe(422);

      const patched = await h.json('PATCH', '/api/agents/a1', { name: 'Ana B', team: 'blue' }, admin);
      expect(patched.status).toBe(200);
      expect(await patched.json()).toMatchObject({ name: 'Ana B', team: 'blue', endpoint: 'PJSIP/1001' });
      expect(fake.calls.filter((c) => c.startsWith('upsert'))).toHaveLength(dialect === 'sqlite' ? 3 : 0);
      expect((await h.json('PATCH', '/api/agents/zz', { name: 'n' }, admin)).status).toBe(404);

      // An agent on a call is refused by the engine and stays in the directory.
      fake.agents.get('a1')!.status = 'TALKING';
      const busy = await h.json('DELETE', '/api/agents/a1', undefined, admin);
      expect(busy.status).toBe(409);
      expect(await h.db.agentDirectory.get('a1')).toBeDefined();
      fake.agents.get('a1')!.status = 'READY';
      expect((await h.json('DELETE', '/api/agents/a1', undefined, admin)).status).toBe(200);
      expect(await h.db.agentDirectory.get('a1')).toBeUndefined();
      expect(fake.agents.has('a1')).toBe(false);
      expect((await h.json('DELETE', '/api/agents/a1', undefined, admin)).status).toBe(404);

      expect(await agentActions()).toEqual(['agent.create', 'agent.create', 'agent.update', 'agent.delete']);
    });

    it('team leads and agents may not write agents', async () => {
      for (const who of ['lead', 'ana']) {
        expect((await h.json('POST', '/api/agents', { id: 'x', name: 'x', endpoint: 'PJSIP/x' }, await as(who))).status).toBe(403);
      }
    });

    it('reads are scoped: agents see their own, team leads their team, supervisors all (with live state)', async () => {
      await seedAgents();
      const list = async (who: string, qs = '') => {
        const res = await h.app.request(`/api/agents${qs}`, { headers: await as(who) });
        expect(res.status).toBe(200);
        return ((await res.json()) as { items: Array<{ id: string; live: unknown }> }).items;
      };
      expect((await list('ana')).map((a) => a.id)).toEqual(['a-ana']);
      expect((await list('lead')).map((a) => a.id).sort()).toEqual(['a-ana', 'a-bob']);
      expect((await list('sup')).map((a) => a.id).sort()).toEqual(['a-ana', 'a-bob', 'a-zoe']);
      expect((await list('sup', '?team=blue')).map((a) => a.id)).toEqual(['a-zoe']);
      expect((await list('sup'))[0]?.live).toMatchObject({ status: 'LOGGED_OUT' });

      const get = async (who: string, id: string) => (await h.app.request(`/api/agents/${id}`, { headers: await as(who) })).status;
      expect(await get('ana', 'a-ana')).toBe(200);
      expect(await get('ana', 'a-bob')).toBe(404);
      expect(await get('lead', 'a-bob')).toBe(200);
      expect(await get('lead', 'a-zoe')).toBe(404);
      expect(await get('sup', 'a-zoe')).toBe(200);
    });
  });

  describe('agent state commands', () => {
    it('an agent drives only its own agent; team leads their team; supervisors anyone', async () => {
      await seedAgents();
      const ana = await as('ana');
      const post = (id: string, verb: string, headers: Record<string, string>, body?: unknown) => h.json('POST', `/api/agents/${id}/${verb}`, body, headers);

      const login = await post('a-ana', 'login', ana);
      expect(login.status).toBe(200);
      expect(await login.json()).toMatchObject({ id: 'a-ana', status: 'READY', legUp: true });
      const paused = await post('a-ana', 'pause', ana, { reason: 'lunch' });
      expect(await paused.json()).toMatchObject({ status: 'PAUSED', pauseReason: 'lunch' });
      expect((await post('a-ana', 'ready', ana)).status).toBe(200);
      const state = await h.app.request('/api/agents/a-ana/state', { headers: ana });
      expect(await state.json()).toMatchObject({ status: 'READY' });

      // Not hers: looks like nothing.
      expect((await post('a-bob', 'login', ana)).status).toBe(404);
      const lead = await as('lead');
      expect((await post('a-bob', 'login', lead)).status).toBe(200);
      expect((await post('a-zoe', 'login', lead)).status).toBe(404);
      expect((await post('a-zoe', 'login', await as('sup'))).status).toBe(200);

      expect((await post('a-ana', 'logout', ana)).status).toBe(200);
      expect(await agentActions({ targetId: 'a-ana' })).toEqual(['agent.create', 'agent.login', 'agent.pause', 'agent.ready', 'agent.logout']);
    });

    it('maps the engine’s refusals: conflict 409, invalid 422, unavailable 503, unknown 404; pause needs a reason', async () => {
      await seedAgents();
      const sup = await as('sup');
      const post = (id: string, verb: string, body?: unknown) => h.json('POST', `/api/agents/${id}/${verb}`, body, sup);
      const ready = await post('a-ana', 'ready');
      expect(ready.status).toBe(409);
      expect(await ready.json()).toMatchObject({ error: { code: 'conflict' } });
      await post('a-ana', 'login');
      expect((await post('a-ana', 'pause', { reason: 'forbidden-reason' })).status).toBe(422);
      expect((await post('a-ana', 'pause', {})).status).toBe(422);
      expect((await post('a-ana', 'pause')).status).toBe(400); // no JSON body at all: malformed_json
      fake.setDown(true);
      const down = await post('a-bob', 'login');
      expect(down.status).toBe(503);
      expect(await down.json()).toMatchObject({ error: { code: 'engine_unavailable' } });
      // In the directory but unknown to the engine.
      await h.db.seed.agent({ id: 'a-new', name: 'n', endpoint: 'PJSIP/n' });
      expect((await post('a-new', 'logout')).status).toBe(404);
      expect((await h.app.request('/api/agents/a-new/state', { headers: sup })).status).toBe(404);
    });
  });

  describe('agents without an engine', () => {
    it('CRUD works; state commands answer 503 engine_unavailable; live is null', async () => {
      const bare = await make();
      try {
        bare.addUser('sup2', 'supervisor');
        const sup = bare.bearer(await bare.login('sup2'));
        expect((await bare.json('POST', '/api/agents', { id: 'b1', name: 'b', endpoint: 'PJSIP/b' }, sup)).status).toBe(201);
        const items = ((await (await bare.app.request('/api/agents', { headers: sup })).json()) as { items: Array<{ live: unknown }> }).items;
        expect(items[0]?.live).toBeNull();
        const res = await bare.json('POST', '/api/agents/b1/login', undefined, sup);
        expect(res.status).toBe(503);
        expect(await res.json()).toMatchObject({ error: { code: 'engine_unavailable' } });
        expect((await bare.app.request('/api/agents/b1/state', { headers: sup })).status).toBe(503);
      } finally {
        bare.close();
      }
    });

  });

  describe('directory: nodes, campaigns, the database the nodes read', () => {
    const send = async (method: string, path: string, who: 'admin' | 'sup' | 'lead' | 'ana', body?: unknown) => h.json(method, path, body, await as(who));
    const row = (id: string) => h.db.agentDirectory.get(id);
    /** On PostgreSQL the SQLite file never gets an agent. */
    const noSqliteAgents = () => {
      if (dialect === 'pg') expect((h.store.sqlite.prepare('select count(*) as n from agents').get() as { n: number }).n).toBe(0);
    };
    async function error(res: Response, status: number, code: string): Promise<ErrorBody> {
      const body = (await res.json()) as ErrorBody;
      expect({ status: res.status, code: body.error.code }).toEqual({ status, code });
      return body;
    }
    async function create(body: Record<string, unknown>): Promise<Agent> {
      const res = await send('POST', '/api/agents', 'sup', body);
      expect(res.status).toBe(201);
      return (await res.json()) as Agent;
    }

    it('create, detail, list and a move to another node live in the database the nodes read', async () => {
      const a = await create({ id: 'ag-ana', name: 'Ana', endpoint: 'PJSIP/101', team: 'red', user_id: ids.ana, campaign_ids: ['k2', 'k1', 'k2'], node_id: 'node-2' });
      expect(a).toMatchObject({ id: 'ag-ana', kind: 'human', concurrency: 1, team: 'red', userId: ids.ana, campaignIds: ['k2', 'k1'], nodeId: 'node-2' });
      expect(await row('ag-ana')).toMatchObject({ name: 'Ana', campaignIds: ['k2', 'k1'], nodeId: 'node-2', userId: ids.ana });
      const b = await create({ id: 'ag-bot', kind: 'bot', name: 'bot', endpoint: 'Local/s@bots', concurrency: 5, team: 'blue' });
      noSqliteAgents();

      const node = h.db.agents;
      expect((await node.listForNode('node-2')).map((r) => r.id)).toEqual(['ag-ana']);
      expect((await node.listForNode('node-1')).map((r) => r.id)).toEqual(['ag-bot']);

      // docs/scale-out.md, "Growing from one node to several", step 3: move the agent's phone to node-3.
      const moved = await send('PATCH', '/api/agents/ag-ana', 'sup', { node_id: 'node-3', campaign_ids: ['k1'] });
      expect(moved.status).toBe(200);
      expect(await moved.json()).toMatchObject({ id: 'ag-ana', nodeId: 'node-3', campaignIds: ['k1'], name: 'Ana' });
      expect(await row('ag-ana')).toMatchObject({ nodeId: 'node-3', campaignIds: ['k1'] });
      expect(await node.listForNode('node-2')).toEqual([]);
      expect((await node.listForNode('node-3')).map((r) => r.id)).toEqual(['ag-ana']);
      // Back to the default node and to every campaign.
      expect(await (await send('PATCH', '/api/agents/ag-ana', 'admin', { node_id: null, campaign_ids: null })).json()).toMatchObject({ nodeId: null, campaignIds: null });
      expect((await node.listForNode('node-1')).map((r) => r.id)).toEqual(['ag-ana', 'ag-bot']);
      // PostgreSQL: the API's own engine (it reads SQLite's agents) was never handed one of them.
      if (dialect === 'pg') expect(fake.calls.filter((c) => c.startsWith('upsert'))).toEqual([]);

      const detail = await send('GET', '/api/agents/ag-bot', 'sup');
      expect(await detail.json()).toMatchObject({ id: 'ag-bot', kind: 'bot', concurrency: 5 });
      const all = (await (await send('GET', '/api/agents', 'sup')).json()) as { items: Agent[] };
      expect(all.items.map((x) => x.id)).toEqual([a.id, b.id]);
      const blue = (await (await send('GET', '/api/agents?team=blue', 'sup')).json()) as { items: Agent[] };
      expect(blue.items.map((x) => x.id)).toEqual([b.id]);
      // A row a node's operator wrote straight into the database shows too.
      await h.db.seed.agent({ id: 'ag-direct', name: 'Direct', endpoint: 'PJSIP/9', team: 'red', nodeId: 'node-2', createdAt: h.clock.now() });
      expect(((await (await send('GET', '/api/agents', 'sup')).json()) as { items: Agent[] }).items.map((x) => x.id)).toEqual(['ag-ana', 'ag-direct', 'ag-bot']);
      noSqliteAgents();
    });

    it('answers 4xx naming the field: unknown campaigns (on PostgreSQL a SQLite-only one too), unknown users, bad node ids, a taken id, a missing agent', async () => {
      await create({ id: 'ag-1', name: 'One', endpoint: 'PJSIP/1' });
      if (dialect === 'pg') {
        // A campaign the SQLite file has but PostgreSQL has not: the nodes could never dial it for the agent.
        const lite = await error(await send('POST', '/api/agents', 'sup', { name: 'X', endpoint: 'PJSIP/2', campaign_ids: ['k1', 'lite-only'] }), 422, 'validation_failed');
        expect(lite.error.details).toEqual([{ field: 'campaign_ids', problem: 'names no campaign: lite-only' }]);
      }
      const unknown = await error(await send('POST', '/api/agents', 'sup', { name: 'X', endpoint: 'PJSIP/2', campaign_ids: ['k1', 'zz', 'zz'] }), 422, 'validation_failed');
      expect(unknown.error.details).toEqual([{ field: 'campaign_ids', problem: 'names no campaign: zz' }]);
      const patchLite = await error(await send('PATCH', '/api/agents/ag-1', 'sup', { campaign_ids: ['nope'] }), 422, 'validation_failed');
      expect(patchLite.error.details).toEqual([{ field: 'campaign_ids', problem: 'names no campaign: nope' }]);
      const user = await error(await send('PATCH', '/api/agents/ag-1', 'sup', { user_id: 'no-such-user' }), 422, 'validation_failed');
      expect(user.error.details).toEqual([{ field: 'user_id', problem: 'names no user' }]);
      const node = await error(await send('PATCH', '/api/agents/ag-1', 'sup', { node_id: 'node 2; drop' }), 422, 'validation_failed');
      expect(node.error.details?.map((d) => d.field)).toEqual(['node_id']);
      const name = await error(await send('POST', '/api/agents', 'sup', { endpoint: 'PJSIP/3' }), 422, 'validation_failed');
      expect(name.error.details?.map((d) => d.field)).toEqual(['name']);
      await error(await send('POST', '/api/agents', 'sup', { id: 'ag-1', name: 'Again', endpoint: 'PJSIP/1' }), 409, 'conflict');
      await error(await send('PATCH', '/api/agents/ghost', 'sup', { name: 'G' }), 404, 'not_found');
      await error(await send('DELETE', '/api/agents/ghost', 'sup'), 404, 'not_found');
      // Nothing of the refused requests was written.
      expect(await row('ag-1')).toMatchObject({ name: 'One', campaignIds: null, userId: null, nodeId: null });
      expect((await h.db.agentDirectory.list()).map((a) => a.id)).toEqual(['ag-1']);
    });

    it('roles: supervisors and admins manage; team leads see their team, agents their own; deletion leaves the database', async () => {
      await create({ id: 'ag-ana', name: 'Ana', endpoint: 'PJSIP/101', team: 'red', user_id: ids.ana });
      await create({ id: 'ag-zoe', name: 'Zoe', endpoint: 'PJSIP/103', team: 'blue', user_id: ids.zoe });
      await create({ id: 'ag-bea', name: 'Bea', endpoint: 'PJSIP/104', team: 'red' });

      await error(await send('POST', '/api/agents', 'lead', { name: 'X', endpoint: 'PJSIP/9' }), 403, 'forbidden');
      await error(await send('PATCH', '/api/agents/ag-ana', 'ana', { node_id: 'node-2' }), 403, 'forbidden');
      await error(await send('DELETE', '/api/agents/ag-ana', 'lead'), 403, 'forbidden');
      expect((await row('ag-ana'))?.nodeId).toBeNull();

      const ofLead = (await (await send('GET', '/api/agents', 'lead')).json()) as { items: Agent[] };
      expect(ofLead.items.map((a) => a.id)).toEqual(['ag-ana', 'ag-bea']);
      const ofAna = (await (await send('GET', '/api/agents', 'ana')).json()) as { items: Agent[] };
      expect(ofAna.items.map((a) => a.id)).toEqual(['ag-ana']);
      await error(await send('GET', '/api/agents/ag-zoe', 'lead'), 404, 'not_found');
      await error(await send('GET', '/api/agents/ag-bea', 'ana'), 404, 'not_found');
      expect((await send('GET', '/api/agents/ag-zoe', 'sup')).status).toBe(200);

      const del = await send('DELETE', '/api/agents/ag-zoe', 'sup');
      expect(del.status).toBe(200);
      expect(await row('ag-zoe')).toBeUndefined();
      await error(await send('GET', '/api/agents/ag-zoe', 'sup'), 404, 'not_found');
      // The audit trail names what changed.
      const audit = ((await h.db.read.rows('auditLog')) as Array<{ action: string; targetType: string; targetId: string }>).filter((r) => r.targetType === 'agent');
      expect(audit.map((r) => `${r.action} ${r.targetId}`)).toEqual(['agent.create ag-ana', 'agent.create ag-zoe', 'agent.create ag-bea', 'agent.delete ag-zoe']);
    });

    it("a team lead sees the calls of their team's users (the API database's users), a supervisor every call, an agent their own", async () => {
      for (const [id, userId] of [
        ['c-ana', ids.ana],
        ['c-bob', ids.bob],
        ['c-zoe', ids.zoe],
      ] as const) {
        await h.db.callLogs.create({ id, campaignId: 'k1', leadId: null, phone: '+50688880000', nodeId: 'node-2', userId, at: h.clock.now() });
        await h.db.callLogs.end(id, { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: h.clock.now() + 60_000 });
      }
      const seen = async (who: 'sup' | 'lead' | 'ana') => ((await (await send('GET', '/api/calls', who)).json()) as { items: Array<{ id: string }> }).items.map((c) => c.id).sort();
      expect(await seen('lead')).toEqual(['c-ana', 'c-bob']);
      expect(await seen('sup')).toEqual(['c-ana', 'c-bob', 'c-zoe']);
      expect(await seen('ana')).toEqual(['c-ana']);
      // The detail and the compatibility log decide alike.
      expect((await send('GET', '/api/calls/c-bob', 'lead')).status).toBe(200);
      expect((await send('GET', '/api/calls/c-zoe', 'lead')).status).toBe(404);
      const log = JSON.stringify(await (await send('GET', '/api/calls/log', 'lead')).json());
      expect(log).toContain('c-bob');
      expect(log).not.toContain('c-zoe');
    });
  });
}, { prefix: 'pg_suite_agents' });
