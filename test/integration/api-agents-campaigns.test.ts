/**
 * Agents' `campaign_ids` through the API: validated against stored campaigns, stored, answered, sent to the engine.
 * On both dialects (#18): over PostgreSQL the engine is not told (the nodes follow the agents table themselves).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlError, type AgentLiveState, type EngineControl } from '../../engine/control/types.js';
import { describeApiDialects, type Harness } from '../unit/api/harness.js';

describeApiDialects('agents', (harness) => {
  let h: Harness;
  /** What the engine was told on each upsert: the stored row's campaign ids at that moment. */
  let upserts: Array<{ id: string; campaignIds: string[] | null }>;

  function control(): EngineControl {
    const na = () => {
      throw new ControlError('not_found', 'n/a');
    };
    return {
      campaigns: { start: na, pause: na, stop: na, testCall: na, applySettings: na, liveStats: na },
      agents: {
        login: na,
        ready: na,
        pause: na,
        logout: na,
        upsert: (id) => void upserts.push({ id, campaignIds: h.store.agents.get(id)?.campaignIds ?? null }),
        remove: () => {},
        state: (): AgentLiveState | null => null,
        list: () => [],
      },
    };
  }

  beforeEach(async () => {
    upserts = [];
    h = await harness({ control: control() });
    const at = h.clock.now();
    await h.db.seed.campaign('camp-x', { name: 'X', dialMode: 'predictive' }, at);
    await h.db.seed.campaign('camp-y', { name: 'Y', dialMode: 'power', dialRatio: 2 }, at);
  });
  /** What the engine should have heard: each change on SQLite; nothing on PostgreSQL (the nodes read the table). */
  const told = <T,>(xs: T[]): T[] => (h.dialect === 'sqlite' ? xs : []);
  const stored = (id: string) => h.db.agentDirectory.get(id);
  afterEach(() => h.close());

  describe('campaign_ids', () => {
    it('round-trips on create, GET and PATCH; null or [] serves every campaign; the engine hears each change', async () => {
      const admin = h.bearer(await h.login('admin'));
      const created = await h.json('POST', '/api/agents', { id: 'a1', name: 'Ana', endpoint: 'PJSIP/1001', campaign_ids: ['camp-x', 'camp-y', 'camp-x'] }, admin);
      expect(created.status, await created.clone().text()).toBe(201);
      expect(await created.json()).toMatchObject({ id: 'a1', campaignIds: ['camp-x', 'camp-y'] });
      expect((await stored('a1'))?.campaignIds).toEqual(['camp-x', 'camp-y']);
      expect(upserts).toEqual(told([{ id: 'a1', campaignIds: ['camp-x', 'camp-y'] }]));

      const get = await h.app.request('/api/agents/a1', { headers: admin });
      expect(await get.json()).toMatchObject({ campaignIds: ['camp-x', 'camp-y'] });

      // A PATCH without campaign_ids keeps them; with them replaces; null clears.
      expect(await (await h.json('PATCH', '/api/agents/a1', { name: 'Ana B' }, admin)).json()).toMatchObject({ name: 'Ana B', campaignIds: ['camp-x', 'camp-y'] });
      expect(await (await h.json('PATCH', '/api/agents/a1', { campaign_ids: ['camp-y'] }, admin)).json()).toMatchObject({ campaignIds: ['camp-y'] });
      expect(upserts.at(-1)).toEqual(told([{ id: 'a1', campaignIds: ['camp-y'] }])[0]);
      expect(await (await h.json('PATCH', '/api/agents/a1', { campaign_ids: null }, admin)).json()).toMatchObject({ campaignIds: null });
      expect(upserts.at(-1)).toEqual(told([{ id: 'a1', campaignIds: null }])[0]);
      expect(await (await h.json('PATCH', '/api/agents/a1', { campaign_ids: [] }, admin)).json()).toMatchObject({ campaignIds: [] });

      // Created without: null (every campaign); listed with the field.
      const plain = await h.json('POST', '/api/agents', { id: 'a2', name: 'Bob', endpoint: 'PJSIP/1002' }, admin);
      expect(await plain.json()).toMatchObject({ id: 'a2', campaignIds: null });
      const list = (await (await h.app.request('/api/agents', { headers: admin })).json()) as { items: Array<{ id: string; campaignIds: unknown }> };
      expect(list.items.map((a) => [a.id, a.campaignIds])).toEqual([
        ['a1', []],
        ['a2', null],
      ]);

      const audit = (await h.db.read.rows('auditLog')).filter((r) => r.action === 'agent.update' && r.targetId === 'a1');
      expect(audit.some((r) => String(r.details).includes('campaignIds'))).toBe(true);
    });

    it('422 naming campaign_ids for an unknown campaign id or a bad value; nothing stored, the engine not told', async () => {
      const admin = h.bearer(await h.login('admin'));
      const unknown = await h.json('POST', '/api/agents', { id: 'a1', name: 'Ana', endpoint: 'PJSIP/1001', campaign_ids: ['camp-x', 'nope'] }, admin);
      expect(unknown.status).toBe(422);
      const body = (await unknown.json()) as { error: { code: string; message: string; details: Array<{ field: string }> } };
      expect(body).toMatchObject({ error: { code: 'validation_failed', details: [{ field: 'campaign_ids' }] } });
      expect(body.error.message).toMatch(/nope/);
      expect(await stored('a1')).toBeUndefined();
      expect(upserts).toEqual([]);

      for (const bad of ['camp-x', [''], [1]]) {
        const res = await h.json('POST', '/api/agents', { id: 'a1', name: 'Ana', endpoint: 'PJSIP/1001', campaign_ids: bad }, admin);
        expect(res.status).toBe(422);
        expect(JSON.stringify(await res.json())).toMatch(/campaign_ids/);
      }

      expect((await h.json('POST', '/api/agents', { id: 'a1', name: 'Ana', endpoint: 'PJSIP/1001', campaign_ids: ['camp-x'] }, admin)).status).toBe(201);
      const patch = await h.json('PATCH', '/api/agents/a1', { campaign_ids: ['camp-y', 'gone'] }, admin);
      expect(patch.status).toBe(422);
      expect(await patch.json()).toMatchObject({ error: { details: [{ field: 'campaign_ids' }] } });
      expect((await stored('a1'))?.campaignIds).toEqual(['camp-x']);
      expect(upserts).toHaveLength(told([1]).length);
    });
  });

  describe('node_id (#18: the engine node whose Asterisk the phone registers to)', () => {
    it('round-trips on create and PATCH (null: the default node), 422 naming node_id for a bad value', async () => {
      const admin = h.bearer(await h.login('admin'));
      const created = await h.json('POST', '/api/agents', { id: 'a1', name: 'Ana', endpoint: 'PJSIP/1001', node_id: 'node-2' }, admin);
      expect(created.status, await created.clone().text()).toBe(201);
      expect(await created.json()).toMatchObject({ id: 'a1', nodeId: 'node-2' });
      expect((await stored('a1'))?.nodeId).toBe('node-2');
      expect(await (await h.json('PATCH', '/api/agents/a1', { name: 'Ana B' }, admin)).json()).toMatchObject({ nodeId: 'node-2' });
      expect(await (await h.json('PATCH', '/api/agents/a1', { node_id: null }, admin)).json()).toMatchObject({ nodeId: null });
      const plain = await h.json('POST', '/api/agents', { id: 'a2', name: 'Bob', endpoint: 'PJSIP/1002' }, admin);
      expect(await plain.json()).toMatchObject({ nodeId: null });

      const bad = await h.json('PATCH', '/api/agents/a1', { node_id: 'node 2/x' }, admin);
      expect(bad.status).toBe(422);
      expect(await bad.json()).toMatchObject({ error: { code: 'validation_failed', details: [{ field: 'node_id' }] } });
      expect((await stored('a1'))?.nodeId).toBeNull();
    });
  });
}, { prefix: 'apipg_agents_campaigns' });
