/**
 * A running campaign's changed settings are checked with the start rule (engine/control startRefusal: no two running
 * power/predictive campaigns over one agent): the nodes reload a running campaign's settings, so a PATCH turning a
 * running progressive campaign into power while a power campaign over the same agent runs would make the overlap a
 * start is refused for. A 409 naming the other campaign and the shared agents, nothing stored; campaigns not running,
 * and running ones with disjoint agents, change freely. On both dialects (#18); on PostgreSQL also against a start at
 * the same instant (the change takes the lock checked starts take).
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeApiDialects, type Harness } from '../unit/api/harness.js';

type ErrorBody = { error: { code: string; message: string; details?: unknown[] } };

describeApiDialects(
  'campaign settings changes vs running power/predictive campaigns',
  (harness, dialect) => {
    let h: Harness;
    let admin: Record<string, string>;
    const stored = (id: string) => h.db.campaignCatalog.get(id);
    const setState = (id: string, state: 'running') => h.db.seed.campaignColumns(id, { state });

    beforeEach(async () => {
      h = await harness();
      const at = h.clock.now();
      await h.db.seed.campaign('camp-p', { name: 'P', dialMode: 'power', dialRatio: 2 }, at);
      await h.db.seed.campaign('camp-g', { name: 'G', dialMode: 'progressive' }, at + 1);
      // a-both serves both campaigns; a-p only camp-p.
      await h.db.seed.agent({ id: 'a-both', name: 'Ana', campaignIds: ['camp-p', 'camp-g'] });
      await h.db.seed.agent({ id: 'a-p', name: 'Pau', campaignIds: ['camp-p'] });
      admin = h.bearer(await h.login('admin'));
    });
    afterEach(() => h.close());

    const refused = async (res: Response, name = 'G') => {
      expect(res.status, await res.clone().text()).toBe(409);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe('conflict');
      // Campaigns and agents by name, as the edit screen shows them; the detail puts it under the dial mode.
      expect(body.error.message).toBe(
        `campaign "P" (power) is running and shares agents with "${name}": Ana; ` +
          'two power or predictive campaigns may run at once only with disjoint agents (assign campaign_ids)',
      );
      expect(body.error.details).toEqual([{ field: 'dialMode', problem: body.error.message, code: 'custom', params: { rule: 'shared_agents', campaign: 'P', agents: ['Ana'] } }]);
    };

    it('two running sharing an agent: the progressive one changed to power or predictive is a 409, nothing stored; other changes are 200', async () => {
      await setState('camp-p', 'running');
      await setState('camp-g', 'running');
      const before = await stored('camp-g');
      for (const dialMode of ['power', 'predictive']) {
        await refused(await h.json('PATCH', '/api/campaigns/camp-g', { dialMode, name: 'G2' }, admin), 'G2');
        expect(await stored('camp-g')).toEqual(before);
      }
      expect((await h.db.read.rows('auditLog')).filter((r) => r.action === 'campaign.update')).toEqual([]);
      // A change that keeps it progressive (or makes it preview) shares agents safely.
      const renamed = await h.json('PATCH', '/api/campaigns/camp-g', { name: 'G2' }, admin);
      expect(renamed.status, await renamed.clone().text()).toBe(200);
      expect((await h.json('PATCH', '/api/campaigns/camp-g', { dialMode: 'preview' }, admin)).status).toBe(200);
      expect(await stored('camp-g')).toMatchObject({ name: 'G2', dialMode: 'preview', state: 'running' });
      // The power one's own settings change freely: the other is not power.
      expect((await h.json('PATCH', '/api/campaigns/camp-p', { dialMode: 'predictive' }, admin)).status).toBe(200);
    });

    it('refused while running, the same change is 200 once the campaign is draft, paused or stopped', async () => {
      await setState('camp-p', 'running');
      for (const state of ['draft', 'paused', 'stopped'] as const) {
        await h.db.seed.campaignColumns('camp-g', { state: 'running', dialMode: 'progressive' });
        await refused(await h.json('PATCH', '/api/campaigns/camp-g', { dialMode: 'power' }, admin));
        await h.db.seed.campaignColumns('camp-g', { state });
        const res = await h.json('PATCH', '/api/campaigns/camp-g', { dialMode: 'power' }, admin);
        expect(res.status, `${state}: ${await res.clone().text()}`).toBe(200);
        expect(await stored('camp-g')).toMatchObject({ dialMode: 'power', state });
      }
    });

    it('refused while an agent is shared, the same change is 200 once the running campaigns have disjoint agents', async () => {
      await setState('camp-p', 'running');
      await setState('camp-g', 'running');
      await refused(await h.json('PATCH', '/api/campaigns/camp-g', { dialMode: 'power' }, admin));
      expect((await h.json('PATCH', '/api/agents/a-both', { campaign_ids: ['camp-g'] }, admin)).status).toBe(200);
      const res = await h.json('PATCH', '/api/campaigns/camp-g', { dialMode: 'power' }, admin);
      expect(res.status, await res.clone().text()).toBe(200);
      expect(await stored('camp-g')).toMatchObject({ dialMode: 'power', state: 'running' });
      // Back to an overlap through the agent's assignments is the agent routes' refusal.
      expect((await h.json('PATCH', '/api/agents/a-both', { campaign_ids: null }, admin)).status).toBe(409);
    });

    if (dialect === 'pg') {
      it('a start and a change to power at the same instant: never both pass, every round', async () => {
        await h.db.seed.campaign('camp-q', { name: 'Q', dialMode: 'predictive' }, h.clock.now() + 2);
        await h.db.agentDirectory.update('a-p', { campaignIds: ['camp-p', 'camp-q'] });
        await setState('camp-g', 'running');
        // Without the change taking the start lock, each reads the other as not yet made and both are stored.
        for (let round = 0; round < 20; round++) {
          const [start, change] = await Promise.all([
            h.json('POST', '/api/campaigns/camp-p/start', undefined, admin),
            h.json('PATCH', '/api/campaigns/camp-g', { dialMode: 'power' }, admin),
          ]);
          expect([start.status, change.status].sort(), `round ${round}: ${await start.clone().text()} ${await change.clone().text()}`).toEqual([200, 409]);
          const [p, g] = [await stored('camp-p'), await stored('camp-g')];
          expect(p?.state === 'running' && g?.dialMode === 'power', `round ${round}`).toBe(false);
          h.clock.advance(1_000);
          if (start.status === 200) expect((await h.json('POST', '/api/campaigns/camp-p/stop', undefined, admin)).status).toBe(200);
          else expect((await h.json('PATCH', '/api/campaigns/camp-g', { dialMode: 'progressive' }, admin)).status).toBe(200);
        }
      });
    }
  },
  { prefix: 'apipg_campaign_update_overlap' },
);
