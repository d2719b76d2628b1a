/**
 * Campaigns and agents as an engine node reads them (and campaign commands), one body on SQLite and PostgreSQL
 * (test/support/store-dialects.ts): the same `Campaign` from either store (JSON settings, defaults), list order
 * and filters, the lifecycle commands with their errors and effects, `failed` with its reason; the agents of a
 * node by `node_id` (null: the default node `node-1`) in name order.
 */
import { expect, it } from 'vitest';
import { parseCampaignSettings } from '../../engine/campaigns/index.js';
import { CampaignError, DEFAULT_NODE_ID } from '../../engine/store/index.js';
import { describeDialects } from '../support/store-dialects.js';

const T0 = Date.UTC(2026, 2, 3, 15, 0, 0);

describeDialects(
  'campaigns',
  (h) => {
    it('reads back the stored settings as the same Campaign (JSON columns, defaults filled)', async () => {
      const input = {
        name: 'Spring',
        dialMode: 'predictive' as const,
        maxAttempts: 4,
        retryDelays: { BUSY: 120, NO_ANSWER: 900, default: 600 },
        weekdays: [1, 3, 5],
        callingHours: { start: '09:30', end: '18:15' },
        defaultTimeZone: 'Europe/Madrid',
      };
      await h.seed.campaign('c1', input, T0);
      expect(await h.campaigns.get('c1')).toEqual({ id: 'c1', state: 'draft', stateReason: null, createdAt: T0, updatedAt: T0, ...parseCampaignSettings(input) });
      expect(await h.campaigns.get('nope')).toBeUndefined();
    });

    it('lists oldest first, ties by id, filtered by state', async () => {
      // Ties in byte order on both stores (a linguistic collation would put `ca` before `cB`).
      for (const id of ['c-b', 'ca', 'c-a', 'cB']) await h.seed.campaign(id, {}, T0);
      await h.seed.campaign('c-0', {}, T0 + 1);
      await h.seed.campaign('c-z', {}, T0 - 1);
      expect((await h.campaigns.list()).map((c) => c.id)).toEqual(['c-z', 'c-a', 'c-b', 'cB', 'ca', 'c-0']);
      await h.campaigns.command('c-b', 'start', T0 + 5);
      await h.campaigns.command('c-0', 'start', T0 + 5);
      await h.campaigns.command('c-0', 'pause', T0 + 6);
      expect((await h.campaigns.list(['running'])).map((c) => c.id)).toEqual(['c-b']);
      expect((await h.campaigns.list(['running', 'paused'])).map((c) => c.id)).toEqual(['c-b', 'c-0']);
      expect(await h.campaigns.list(['stopped'])).toEqual([]);
    });

    it('commands follow the lifecycle rules, answer the state they left, and refuse what the rules refuse', async () => {
      await h.seed.campaign('c1', {}, T0);
      const started = await h.campaigns.command('c1', 'start', T0 + 10);
      expect(started).toMatchObject({ from: 'draft', campaign: { id: 'c1', state: 'running', stateReason: null, updatedAt: T0 + 10 } });
      expect(started.effects).toEqual([{ type: 'begin-dialing' }]);
      expect((await h.campaigns.get('c1'))).toMatchObject({ state: 'running', updatedAt: T0 + 10, createdAt: T0 });
      const paused = await h.campaigns.command('c1', 'pause', T0 + 20);
      expect(paused).toMatchObject({ from: 'running', campaign: { state: 'paused' }, effects: [{ type: 'stop-new-dials' }] });
      const refused = h.campaigns.command('c1', 'pause', T0 + 30);
      await expect(refused).rejects.toBeInstanceOf(CampaignError);
      await expect(refused).rejects.toMatchObject({ code: 'invalid_transition' });
      expect(await h.campaigns.get('c1')).toMatchObject({ state: 'paused', updatedAt: T0 + 20 });
      await expect(h.campaigns.command('nope', 'start', T0)).rejects.toMatchObject({ code: 'not_found' });
    });

    it('markFailed stores the reason; a later start clears it', async () => {
      await h.seed.campaign('c1', {}, T0);
      await h.campaigns.markFailed('c1', 'unknown trunk "x"', T0 + 1);
      expect(await h.campaigns.get('c1')).toMatchObject({ state: 'failed', stateReason: 'unknown trunk "x"', updatedAt: T0 + 1 });
      expect((await h.campaigns.list(['failed'])).map((c) => c.id)).toEqual(['c1']);
      // Started again once its settings are fixed: the reason goes with the state.
      expect(await h.campaigns.command('c1', 'start', T0 + 2)).toMatchObject({ from: 'failed', campaign: { state: 'running', stateReason: null } });
      expect(await h.campaigns.get('c1')).toMatchObject({ state: 'running', stateReason: null, updatedAt: T0 + 2 });
    });
  },
  { prefix: 'ct_dialect_campaigns' },
);

describeDialects(
  'agents of a node',
  (h) => {
    it("lists by name, ties by id; a node sees its own agents, the default node also those with no node_id", async () => {
      await h.seed.agent({ id: 'a3', name: 'Bea', nodeId: 'node-2', userId: 'u3', createdAt: T0 });
      await h.seed.agent({ id: 'a2', name: 'Ana', nodeId: null, createdAt: T0 });
      await h.seed.agent({ id: 'a1', name: 'Ana', nodeId: DEFAULT_NODE_ID, createdAt: T0 });
      await h.seed.agent({ id: 'a4', name: 'Carl', kind: 'bot', nodeId: 'node-2', createdAt: T0 });
      await h.seed.agent({ id: 'a5', name: 'ana', createdAt: T0 });
      // Names in byte order on both stores ('ana' after 'Carl'; a linguistic collation would put it first).
      expect((await h.agents.list()).map((a) => a.id)).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
      expect((await h.agents.listForNode(DEFAULT_NODE_ID)).map((a) => a.id)).toEqual(['a1', 'a2', 'a5']);
      expect((await h.agents.listForNode('node-2')).map((a) => a.id)).toEqual(['a3', 'a4']);
      expect(await h.agents.listForNode('node-9')).toEqual([]);
      // The whole row, the same on both stores.
      expect((await h.agents.listForNode('node-2'))[0]).toEqual({
        id: 'a3',
        kind: 'human',
        name: 'Bea',
        endpoint: 'PJSIP/a3',
        concurrency: 1,
        team: null,
        userId: 'u3',
        campaignIds: null,
        nodeId: 'node-2',
        createdAt: T0,
      });
    });
  },
  { prefix: 'ct_dialect_agents' },
);
