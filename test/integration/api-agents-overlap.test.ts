/**
 * The agent routes keep the start rule (engine/control startRefusal: no two running power/predictive campaigns over
 * one agent) when the overlap would be made by an agent's campaign assignments instead of a start: a create or a
 * change of `campaign_ids` that makes an agent serve two such running campaigns is a 409 naming them and the agent,
 * nothing stored (engine/control assignmentRefusal). On both dialects (#18); on PostgreSQL also against a start at the
 * same instant (the assignment takes the lock checked starts take).
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeApiDialects, type Harness } from '../unit/api/harness.js';

type ErrorBody = { error: { code: string; message: string; details?: unknown[] } };

describeApiDialects(
  'agent assignments vs running power/predictive campaigns',
  (harness, dialect) => {
    let h: Harness;
    let admin: Record<string, string>;
    const stored = (id: string) => h.db.agentDirectory.get(id);
    const running = (id: string) => h.db.seed.campaignColumns(id, { state: 'running' });

    beforeEach(async () => {
      h = await harness();
      const at = h.clock.now();
      await h.db.seed.campaign('camp-p', { name: 'P', dialMode: 'power', dialRatio: 2 }, at);
      await h.db.seed.campaign('camp-q', { name: 'Q', dialMode: 'predictive' }, at + 1);
      // Disjoint teams: each running campaign its own agent.
      await h.db.seed.agent({ id: 'a-p', name: 'Ana', campaignIds: ['camp-p'] });
      await h.db.seed.agent({ id: 'a-q', name: 'Quim', campaignIds: ['camp-q'] });
      admin = h.bearer(await h.login('admin'));
    });
    afterEach(() => h.close());

    const refused = async (res: Response, agent: string) => // the agent by its name, as the screen shows the message
 {
      expect(res.status, await res.clone().text()).toBe(409);
      const body = (await res.json()) as ErrorBody;
      expect(body.error.code).toBe('conflict');
      expect(body.error.message).toBe(
        `campaigns "P" (power) and "Q" (predictive) are running and agent "${agent}" would serve both; ` +
          'two power or predictive campaigns may run at once only with disjoint agents (assign campaign_ids)',
      );
      // The field to change and the names, for a form to say it under Campaigns in its user's language.
      expect(body.error.details).toEqual([{ field: 'campaign_ids', problem: body.error.message, code: 'custom', params: { rule: 'shared_overdial', campaigns: ['P', 'Q'], agent } }]);
    };

    it('two running with disjoint agents: an agent changed or created to serve both is a 409 naming them, nothing stored; serving one is 200', async () => {
      await running('camp-p');
      await running('camp-q');
      const before = await stored('a-p');
      for (const campaign_ids of [['camp-p', 'camp-q'], null, []]) {
        await refused(await h.json('PATCH', '/api/agents/a-p', { campaign_ids, name: 'Ana B' }, admin), 'Ana B');
        expect(await stored('a-p')).toEqual(before);
      }
      // Created with both, or with none (every campaign): refused, not stored.
      await refused(await h.json('POST', '/api/agents', { id: 'a-new', name: 'Nou', endpoint: 'PJSIP/1009', campaign_ids: ['camp-q', 'camp-p'] }, admin), 'Nou');
      await refused(await h.json('POST', '/api/agents', { id: 'a-new', name: 'Nou', endpoint: 'PJSIP/1009' }, admin), 'Nou');
      expect(await stored('a-new')).toBeUndefined();
      expect((await h.db.read.rows('auditLog')).filter((r) => String(r.action).startsWith('agent.'))).toEqual([]);

      // One of the two: fine, created or moved.
      const created = await h.json('POST', '/api/agents', { id: 'a-new', name: 'Nou', endpoint: 'PJSIP/1009', campaign_ids: ['camp-q'] }, admin);
      expect(created.status, await created.clone().text()).toBe(201);
      const moved = await h.json('PATCH', '/api/agents/a-p', { campaign_ids: ['camp-q'] }, admin);
      expect(moved.status, await moved.clone().text()).toBe(200);
      expect((await stored('a-p'))?.campaignIds).toEqual(['camp-q']);
      // A change without campaign_ids keeps the assignments: not checked.
      expect((await h.json('PATCH', '/api/agents/a-q', { name: 'Quim B' }, admin)).status).toBe(200);
    });

    it('one running: any assignment is 200, none (every campaign) and both included; once the second runs, refused', async () => {
      await running('camp-p');
      for (const campaign_ids of [['camp-p', 'camp-q'], null, []]) {
        const res = await h.json('PATCH', '/api/agents/a-q', { campaign_ids }, admin);
        expect(res.status, await res.clone().text()).toBe(200);
        expect((await stored('a-q'))?.campaignIds).toEqual(campaign_ids);
      }
      expect((await h.json('POST', '/api/agents', { id: 'a-new', name: 'Nou', endpoint: 'PJSIP/1009' }, admin)).status).toBe(201);
      // (Seeded running: the start route would refuse camp-q now, over a-q and a-new.)
      await running('camp-q');
      await refused(await h.json('PATCH', '/api/agents/a-p', { campaign_ids: ['camp-p', 'camp-q'] }, admin), 'Ana');
    });

    it('progressive and preview campaigns are never in conflict', async () => {
      const at = h.clock.now();
      await h.db.seed.campaign('camp-g', { name: 'G', dialMode: 'progressive' }, at + 2);
      await h.db.seed.campaign('camp-v', { name: 'V', dialMode: 'preview' }, at + 3);
      for (const id of ['camp-p', 'camp-g', 'camp-v']) await running(id);
      const res = await h.json('PATCH', '/api/agents/a-p', { campaign_ids: ['camp-p', 'camp-g', 'camp-v'] }, admin);
      expect(res.status, await res.clone().text()).toBe(200);
      expect((await h.json('PATCH', '/api/agents/a-q', { campaign_ids: null }, admin)).status).toBe(200);
      expect((await h.json('POST', '/api/agents', { id: 'a-new', name: 'Nou', endpoint: 'PJSIP/1009' }, admin)).status).toBe(201);
      // A second overdialing campaign running is what conflicts.
      await running('camp-q');
      await refused(await h.json('PATCH', '/api/agents/a-p', { campaign_ids: ['camp-p', 'camp-g', 'camp-v', 'camp-q'] }, admin), 'Ana');
      expect((await stored('a-p'))?.campaignIds).toEqual(['camp-p', 'camp-g', 'camp-v']);
    });

    if (dialect === 'pg') {
      it('a start and an assignment at the same instant: never both pass, every round', async () => {
        await running('camp-p');
        // Without the assignment taking the start lock, both read the other's change as not made and both store it.
        for (let round = 0; round < 20; round++) {
          const [start, assign] = await Promise.all([
            h.json('POST', '/api/campaigns/camp-q/start', undefined, admin),
            h.json('PATCH', '/api/agents/a-p', { campaign_ids: ['camp-p', 'camp-q'] }, admin),
          ]);
          expect([start.status, assign.status].sort(), `round ${round}: ${await start.clone().text()} ${await assign.clone().text()}`).toEqual([200, 409]);
          const q = await h.db.campaignCatalog.get('camp-q');
          const served = (await stored('a-p'))?.campaignIds;
          expect(q?.state === 'running' && served?.includes('camp-q'), `round ${round}`).toBe(false);
          // Back to the disjoint teams, camp-q not running.
          h.clock.advance(1_000);
          if (start.status === 200) expect((await h.json('POST', '/api/campaigns/camp-q/stop', undefined, admin)).status).toBe(200);
          else expect((await h.json('PATCH', '/api/agents/a-p', { campaign_ids: ['camp-p'] }, admin)).status).toBe(200);
        }
      });
    }
  },
  { prefix: 'apipg_agents_overlap' },
);
