/**
 * The API's agent routes' port (engine/store `AgentDirectory`, #18), one body on SQLite and on PostgreSQL
 * (test/support/store-dialects.ts, the PostgreSQL database sorting text linguistically): an agent is created as given
 * (an id taken answers undefined and writes nothing), listed by name then id in byte order with the team and user
 * filters, changed by one merge rule (node and campaign assignments, a human's single call, a bot's concurrency) on the
 * row as it is when written — changes made at once all land —, deleted; assignments are checked against the campaigns
 * of the same database, and a team lead's team is the users of that database. What an engine node reads
 * (`NodeStore.agents.listForNode`) follows every change. The same expectations on both: a difference fails one dialect.
 */
import { expect, it } from 'vitest';
import type { NewAgentRow } from '../../engine/store/index.js';
import { describeDialects } from '../support/store-dialects.js';

const T0 = Date.UTC(2026, 3, 7, 10, 0, 0);

const human = (id: string, o: Partial<NewAgentRow> = {}): NewAgentRow => ({
  id,
  kind: 'human',
  name: id,
  endpoint: `PJSIP/${id}`,
  concurrency: 1,
  team: null,
  userId: null,
  campaignIds: null,
  nodeId: null,
  createdAt: T0,
  ...o,
});

describeDialects(
  'agent directory',
  (h) => {
    it('creates the agent as given (assignments and node kept), refuses a taken id without writing', async () => {
      const made = await h.agentDirectory.create(human('a1', { name: 'Ana', team: 'north', userId: 'u1', campaignIds: ['k2', 'k1'], nodeId: 'node-2' }));
      expect(made).toEqual(human('a1', { name: 'Ana', team: 'north', userId: 'u1', campaignIds: ['k2', 'k1'], nodeId: 'node-2' }));
      expect(await h.agentDirectory.get('a1')).toEqual(made);
      expect(await h.agentDirectory.get('nope')).toBeUndefined();
      // What node-2 reads is the same row; the default node does not see it.
      expect(await h.agents.listForNode('node-2')).toEqual([made]);
      expect(await h.agents.listForNode('node-1')).toEqual([]);

      expect(await h.agentDirectory.create(human('a1', { name: 'Other', createdAt: T0 + 5 }))).toBeUndefined();
      expect(await h.agentDirectory.get('a1')).toEqual(made);
    });

    it('lists by name then id in byte order, one team or one user when asked', async () => {
      await h.agentDirectory.create(human('x3', { name: 'adam', team: 'south', userId: 'u2' }));
      await h.agentDirectory.create(human('x2', { name: 'Zoe', team: 'north' }));
      await h.agentDirectory.create(human('x-b', { name: 'Bea', team: 'north', userId: 'u2' }));
      await h.agentDirectory.create(human('xB', { name: 'Bea' }));
      await h.agentDirectory.create(human('xa', { name: 'Bea', team: 'north' }));
      // Byte order: 'B' < 'Z' < 'a', and for the ties '-' < 'B' < 'a' (a linguistic collation puts adam first).
      expect((await h.agentDirectory.list()).map((a) => a.id)).toEqual(['x-b', 'xB', 'xa', 'x2', 'x3']);
      expect((await h.agentDirectory.list({ team: 'north' })).map((a) => a.id)).toEqual(['x-b', 'xa', 'x2']);
      expect((await h.agentDirectory.list({ userId: 'u2' })).map((a) => a.id)).toEqual(['x-b', 'x3']);
      expect((await h.agentDirectory.list({ team: 'north', userId: 'u2' })).map((a) => a.id)).toEqual(['x-b']);
      expect(await h.agentDirectory.list({ team: 'east' })).toEqual([]);
    });

    it('changes merge over the stored agent: node and campaigns moved, a human takes one call, a bot keeps its concurrency', async () => {
      const a = (await h.agentDirectory.create(human('a1', { name: 'Ana', team: 'north', campaignIds: ['k1'] })))!;
      const moved = await h.agentDirectory.update('a1', { nodeId: 'node-3', campaignIds: ['k2', 'k3'], concurrency: 7 });
      // A human's concurrency stays 1 whatever is asked; the rest of the row is untouched.
      expect(moved).toEqual({ before: a, after: { ...a, nodeId: 'node-3', campaignIds: ['k2', 'k3'] } });
      expect(await h.agentDirectory.get('a1')).toEqual(moved!.after);
      expect((await h.agents.listForNode('node-3')).map((r) => r.id)).toEqual(['a1']);

      // Back to every campaign and to the default node (null), the team cleared.
      const back = await h.agentDirectory.update('a1', { nodeId: null, campaignIds: null, team: null });
      expect(back!.after).toEqual({ ...a, team: null, campaignIds: null, nodeId: null });
      expect((await h.agents.listForNode('node-1')).map((r) => r.id)).toEqual(['a1']);

      // A bot: its concurrency when given, kept when not; back to human, one call.
      const bot = await h.agentDirectory.update('a1', { kind: 'bot', concurrency: 12, endpoint: 'Local/bot@ivr' });
      expect(bot!.after).toMatchObject({ kind: 'bot', concurrency: 12, endpoint: 'Local/bot@ivr', createdAt: T0 });
      expect((await h.agentDirectory.update('a1', { name: 'Bot A' }))!.after).toMatchObject({ kind: 'bot', concurrency: 12, name: 'Bot A' });
      expect((await h.agentDirectory.update('a1', { kind: 'human' }))!.after).toMatchObject({ kind: 'human', concurrency: 1 });

      expect(await h.agentDirectory.update('nope', { name: 'X' })).toBeUndefined();
      expect(await h.agentDirectory.get('nope')).toBeUndefined();
    });

    it('changes made at once to one agent all land (each merged over the row as written)', async () => {
      await h.agentDirectory.create(human('b1', { kind: 'bot', concurrency: 2 }));
      await Promise.all([
        h.agentDirectory.update('b1', { name: 'Renamed' }),
        h.agentDirectory.update('b1', { endpoint: 'Local/b1@bots' }),
        h.agentDirectory.update('b1', { team: 'south' }),
        h.agentDirectory.update('b1', { userId: 'u9' }),
        h.agentDirectory.update('b1', { campaignIds: ['k1'] }),
        h.agentDirectory.update('b1', { nodeId: 'node-2' }),
        h.agentDirectory.update('b1', { concurrency: 9 }),
      ]);
      expect(await h.agentDirectory.get('b1')).toEqual(
        human('b1', { kind: 'bot', name: 'Renamed', endpoint: 'Local/b1@bots', team: 'south', userId: 'u9', campaignIds: ['k1'], nodeId: 'node-2', concurrency: 9 }),
      );
    });

    it('deletes an agent once; the nodes no longer see it', async () => {
      await h.agentDirectory.create(human('a1'));
      await h.agentDirectory.create(human('a2'));
      expect(await h.agentDirectory.remove('a1')).toBe(true);
      expect(await h.agentDirectory.remove('a1')).toBe(false);
      expect((await h.agentDirectory.list()).map((a) => a.id)).toEqual(['a2']);
      expect((await h.agents.listForNode('node-1')).map((a) => a.id)).toEqual(['a2']);
    });

    it('names the assignments that are no campaign of this database, in the order given', async () => {
      await h.seed.campaign('k1', { name: 'Norte' }, T0);
      await h.seed.campaign('K2', { name: 'Sur' }, T0);
      expect(await h.agentDirectory.unknownCampaigns(['zz', 'k1', 'k2', 'K2', 'aa'])).toEqual(['zz', 'k2', 'aa']);
      expect(await h.agentDirectory.unknownCampaigns(['k1', 'K2'])).toEqual([]);
      expect(await h.agentDirectory.unknownCampaigns([])).toEqual([]);
    });

    it("a team's users are this database's users of that team, by id", async () => {
      const ids: string[] = [];
      for (const [username, team] of [
        ['ana', 'north'],
        ['bob', 'north'],
        ['zoe', 'south'],
        ['lia', null],
        ['max', 'north'],
      ] as const) {
        const u = await h.auth.users.create({ username, passwordHash: 'h', role: 'agent', team, at: T0 + ids.length });
        ids.push(u.id);
      }
      expect(await h.agentDirectory.teamUserIds('north')).toEqual([ids[0], ids[1], ids[4]].sort());
      expect(await h.agentDirectory.teamUserIds('south')).toEqual([ids[2]]);
      expect(await h.agentDirectory.teamUserIds('North')).toEqual([]);
    });
  },
  { prefix: 'h_agents_pg_dialect' },
);
