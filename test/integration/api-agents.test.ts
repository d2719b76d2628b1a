import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlError, type AgentLiveState, type EngineControl } from '../../engine/control/types.js';
import { harness, type Harness } from '../unit/api/harness.js';

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

beforeEach(() => {
  let clockRef: { now(): number } = { now: () => 0 };
  fake = fakeControl(() => clockRef.now());
  h = harness({ control: fake.control });
  clockRef = h.clock;
  ids = { ana: h.addUser('ana', 'agent', 'red'), bob: h.addUser('bob', 'agent', 'red'), zoe: h.addUser('zoe', 'agent', 'blue') };
  h.addUser('lead', 'teamlead', 'red');
  h.addUser('sup', 'supervisor');
});
afterEach(() => h.close());

const as = async (who: string) => h.bearer(await h.login(who));

async function seedAgents() {
  const sup = await as('sup');
  for (const [id, user, team] of [
    ['a-ana', ids.ana, 'red'],
    ['a-bob', ids.bob, 'red'],
    ['a-zoe', ids.zoe, 'blue'],
  ] as const) {
    const res = await h.json('POST', '/api/agents', { id, name: id, endpoint: `PJSIP/${id}`, team, user_id: user }, sup);
    expect(res.status, await res.clone().text()).toBe(201);
  }
}

describe('agents CRUD', () => {
  it('supervisors and admins create, change and delete agents; the engine hears of each', async () => {
    const admin = await as('admin');
    const created = await h.json('POST', '/api/agents', { id: 'a1', name: 'Ana', endpoint: 'PJSIP/1001', team: 'red', user_id: ids.ana }, admin);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ id: 'a1', kind: 'human', concurrency: 1, team: 'red', userId: ids.ana, live: { status: 'LOGGED_OUT' } });
    expect(fake.calls).toContain('upsert a1');

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
    expect((await h.json('PATCH', '/api/agents/zz', { name: 'n' }, admin)).status).toBe(404);

    // An agent on a call is refused by the engine and stays in the directory.
    fake.agents.get('a1')!.status = 'TALKING';
    const busy = await h.json('DELETE', '/api/agents/a1', undefined, admin);
    expect(busy.status).toBe(409);
    expect(h.store.agents.get('a1')).toBeDefined();
    fake.agents.get('a1')!.status = 'READY';
    expect((await h.json('DELETE', '/api/agents/a1', undefined, admin)).status).toBe(200);
    expect(h.store.agents.get('a1')).toBeUndefined();
    expect(fake.agents.has('a1')).toBe(false);
    expect((await h.json('DELETE', '/api/agents/a1', undefined, admin)).status).toBe(404);

    const actions = h.store.sqlite.prepare("SELECT action FROM audit_log WHERE target_type = 'agent' ORDER BY id").all() as Array<{ action: string }>;
    expect(actions.map((a) => a.action)).toEqual(['agent.create', 'agent.create', 'agent.update', 'agent.delete']);
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
    const actions = h.store.sqlite.prepare("SELECT action, details FROM audit_log WHERE action LIKE 'agent.%' AND target_id = 'a-ana' ORDER BY id").all() as Array<{ action: string }>;
    expect(actions.map((a) => a.action)).toEqual(['agent.create', 'agent.login', 'agent.pause', 'agent.ready', 'agent.logout']);
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
    h.store.agents.upsert({ id: 'a-new', kind: 'human', name: 'n', endpoint: 'PJSIP/n', concurrency: 1, team: null, userId: null, createdAt: 0 });
    expect((await post('a-new', 'logout')).status).toBe(404);
    expect((await h.app.request('/api/agents/a-new/state', { headers: sup })).status).toBe(404);
  });
});

describe('agents without an engine', () => {
  it('CRUD works; state commands answer 503 engine_unavailable; live is null', async () => {
    const bare = harness();
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
