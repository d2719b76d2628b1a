/**
 * The API's campaign routes' port (engine/store `CampaignCatalog`, #18), one body on SQLite and on PostgreSQL
 * (test/support/store-dialects.ts, the PostgreSQL database sorting text linguistically): create validates and fills
 * defaults alike (and refuses with the same zod issues), the list is oldest first with ties by id in byte order and
 * filters by one state, a settings change merges over the stored settings and re-validates the whole (cross-field
 * rules included) without touching the state, a deletion refuses a running campaign and takes the leads with it, the
 * lead counts per status are this database's, and a lifecycle command through the port stores the state (a stop gives
 * the leases back) with the lifecycle's own refusals; a start's check is asked with the stored campaign, the running ones
 * and every agent's assignments, and its refusal stores nothing; so is a running campaign's settings change's, with the
 * merged settings. The same expectations on both: a difference fails one dialect.
 */
import { ZodError } from 'zod';
import { expect, it } from 'vitest';
import { parseCampaignSettings } from '../../engine/campaigns/index.js';
import { CampaignError } from '../../engine/store/index.js';
import { describeDialects } from '../support/store-dialects.js';

const T0 = Date.UTC(2026, 3, 7, 10, 0, 0);

/** The issues of a rejected call, as the API turns them into its 422 details. */
async function zodIssues(p: Promise<unknown>): Promise<Array<{ path: string; message: string }>> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ZodError);
  return (err as ZodError).issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

describeDialects(
  'campaign catalog',
  (h) => {
    it('creates a draft with the settings validated and defaults filled; get answers the same campaign', async () => {
      const input = { name: ' Ventas Sur ', dialMode: 'power' as const, dialRatio: 2.5, weekdays: [5, 1, 1], dropTarget: 0.025, amd: { mode: 'app_amd' } };
      const made = await h.campaignCatalog.create('k1', input, T0);
      expect(made).toEqual({ id: 'k1', state: 'draft', stateReason: null, createdAt: T0, updatedAt: T0, ...parseCampaignSettings(input) });
      // Trimmed, deduplicated and sorted, the float kept exactly (PostgreSQL's double precision, not float4).
      expect(made).toMatchObject({ name: 'Ventas Sur', weekdays: [1, 5], dialRatio: 2.5, dropTarget: 0.025, maxConcurrent: 10 });
      expect(await h.campaignCatalog.get('k1')).toEqual(made);
      // What the nodes read is the same row.
      expect(await h.campaigns.get('k1')).toEqual(made);
      expect(await h.campaignCatalog.get('nope')).toBeUndefined();
    });

    it('refuses invalid settings with the same issues, storing nothing', async () => {
      const issues = await zodIssues(
        h.campaignCatalog.create('bad', { name: 'X', dialMode: 'robocall' as never, ringTimeoutS: 5, callingHours: { start: '20:00', end: '09:00' } }, T0),
      );
      expect(issues.map((i) => i.path).sort()).toEqual(['callingHours', 'dialMode', 'ringTimeoutS']);
      expect(issues.find((i) => i.path === 'ringTimeoutS')?.message).toBe('must be at least 15 s');
      // A cross-field rule (superRefine), named by its field.
      expect(await zodIssues(h.campaignCatalog.create('bad', { name: 'X', machineAction: 'message' }, T0))).toEqual([
        { path: 'voicemailMessage', message: 'is required when machineAction is "message"' },
      ]);
      expect(await h.campaignCatalog.list()).toEqual([]);
    });

    it('lists oldest first, ties by id in byte order, one state when asked', async () => {
      for (const id of ['k-b', 'ka', 'k-a', 'kB']) await h.campaignCatalog.create(id, { name: id }, T0);
      await h.campaignCatalog.create('k-new', { name: 'new' }, T0 + 1);
      await h.campaignCatalog.create('k-old', { name: 'old' }, T0 - 1);
      // Byte order: '-' < 'B' < 'a'; a linguistic collation would put `ka` before `kB`.
      expect((await h.campaignCatalog.list()).map((c) => c.id)).toEqual(['k-old', 'k-a', 'k-b', 'kB', 'ka', 'k-new']);
      await h.campaignCatalog.command('kB', 'start', T0 + 5);
      await h.campaignCatalog.command('k-a', 'start', T0 + 5);
      await h.campaignCatalog.command('k-new', 'start', T0 + 5);
      await h.campaignCatalog.command('k-new', 'pause', T0 + 6);
      expect((await h.campaignCatalog.list('running')).map((c) => c.id)).toEqual(['k-a', 'kB']);
      expect((await h.campaignCatalog.list('paused')).map((c) => c.id)).toEqual(['k-new']);
      expect(await h.campaignCatalog.list('failed')).toEqual([]);
    });

    it('changes settings merged over the stored ones, re-validated as a whole, the state untouched', async () => {
      await h.campaignCatalog.create('k1', { name: 'Norte', maxConcurrent: 20, callerId: '+50622220000' }, T0);
      await h.campaignCatalog.command('k1', 'start', T0 + 1);
      const { before, after } = await h.campaignCatalog.update('k1', { maxConcurrent: 35, machineAction: 'message', voicemailMessage: 'sound:vm' }, T0 + 10);
      expect(before).toMatchObject({ maxConcurrent: 20, machineAction: 'hangup', voicemailMessage: null, state: 'running', updatedAt: T0 + 1 });
      expect(after).toEqual({ ...before, maxConcurrent: 35, machineAction: 'message', voicemailMessage: 'sound:vm', updatedAt: T0 + 10 });
      expect(await h.campaignCatalog.get('k1')).toEqual(after);
      // Taking the voicemail away while machineAction stays "message" breaks the cross-field rule: refused, nothing written.
      expect(await zodIssues(h.campaignCatalog.update('k1', { voicemailMessage: null }, T0 + 20))).toEqual([
        { path: 'voicemailMessage', message: 'is required when machineAction is "message"' },
      ]);
      expect(await zodIssues(h.campaignCatalog.update('k1', { weekdays: [] }, T0 + 20))).toEqual([{ path: 'weekdays', message: 'Too small: expected array to have >=1 items' }]);
      expect(await h.campaignCatalog.get('k1')).toEqual(after);
      const missing = h.campaignCatalog.update('nope', { name: 'x' }, T0);
      await expect(missing).rejects.toBeInstanceOf(CampaignError);
      await expect(missing).rejects.toMatchObject({ code: 'not_found', message: 'campaign nope not found' });
    });

    it('loses no change when several are made at once (PostgreSQL: the row is locked from the read to the write)', async () => {
      await h.campaignCatalog.create('k1', { name: 'Norte' }, T0);
      // Each sets one field; an update that merged over a stale read would write the others' old values back.
      const patches = [{ maxConcurrent: 11 }, { ringTimeoutS: 50 }, { wrapUpS: 30 }, { maxAttempts: 7 }, { callerId: '+50622221111' }, { dialRatio: 3 }];
      await Promise.all(patches.map((p, i) => h.campaignCatalog.update('k1', p, T0 + 1 + i)));
      expect(await h.campaignCatalog.get('k1')).toMatchObject(Object.assign({}, ...patches));
    });

    it('deletes a campaign that is not running, with its leads; refuses a running one and an unknown one', async () => {
      await h.campaignCatalog.create('k1', { name: 'Uno' }, T0);
      await h.campaignCatalog.create('k2', { name: 'Dos' }, T0);
      await h.seed.leads([{ campaignId: 'k1', phoneE164: '+50688880001', phoneRaw: '88880001' }], T0);
      await h.seed.leads([{ campaignId: 'k2', phoneE164: '+50688880002', phoneRaw: '88880002' }], T0);
      await h.campaignCatalog.command('k2', 'start', T0 + 1);
      expect(await h.campaignCatalog.remove('k2')).toEqual({ ok: false, reason: 'running' });
      expect(await h.campaignCatalog.get('k2')).toMatchObject({ state: 'running' });
      expect(await h.read.leads('k2')).toHaveLength(1);
      const gone = await h.campaignCatalog.remove('k1');
      expect(gone).toEqual({ ok: true, campaign: expect.objectContaining({ id: 'k1', name: 'Uno', state: 'draft' }) });
      expect(await h.campaignCatalog.get('k1')).toBeUndefined();
      expect(await h.read.leads('k1')).toEqual([]);
      expect(await h.campaignCatalog.remove('k1')).toEqual({ ok: false, reason: 'not_found' });
      // Paused is not running: it may go.
      await h.campaignCatalog.command('k2', 'pause', T0 + 2);
      expect(await h.campaignCatalog.remove('k2')).toMatchObject({ ok: true });
    });

    it("counts the campaign's leads per status in this database", async () => {
      await h.campaignCatalog.create('k1', { name: 'Uno' }, T0);
      await h.campaignCatalog.create('k2', { name: 'Dos' }, T0);
      const ids = await h.seed.leads(
        ['1', '2', '3', '4', '5'].map((n) => ({ campaignId: 'k1', phoneE164: `+5068888000${n}`, phoneRaw: n })),
        T0,
        { ids: ['l1', 'l2', 'l3', 'l4', 'l5'] },
      );
      await h.seed.leads([{ campaignId: 'k2', phoneE164: '+50688889999', phoneRaw: '9' }], T0, { ids: ['m1'] });
      await h.seed.leadStatus(ids[0]!, 'completed');
      await h.seed.leadStatus(ids[1]!, 'dnc');
      await h.seed.leadStatus(ids[2]!, 'completed');
      const counts = await h.campaignCatalog.leadCounts('k1');
      expect(counts).toEqual({ completed: 2, dnc: 1, no_selected: 2 });
      // In one order on both (the detail's JSON is the same text).
      expect(Object.keys(counts)).toEqual(['completed', 'dnc', 'no_selected']);
      expect(await h.campaignCatalog.leadCounts('nope')).toEqual({});
    });

    it('stores a lifecycle command with its refusals; a stop gives back every lease of the campaign', async () => {
      await h.campaignCatalog.create('k1', { name: 'Uno', callingHours: { start: '00:00', end: '23:59' }, weekdays: [1, 2, 3, 4, 5, 6, 7] }, T0);
      await h.seed.leads(
        ['1', '2', '3'].map((n) => ({ campaignId: 'k1', phoneE164: `+5068888000${n}`, phoneRaw: n })),
        T0,
        { ids: ['l1', 'l2', 'l3'] },
      );
      await expect(h.campaignCatalog.command('k1', 'stop', T0 + 1)).rejects.toMatchObject({ code: 'invalid_transition', message: 'cannot stop a campaign that never started' });
      expect(await h.campaignCatalog.command('k1', 'start', T0 + 2)).toMatchObject({ from: 'draft', campaign: { state: 'running', updatedAt: T0 + 2 } });
      const leased = await h.hopper.lease({ campaignId: 'k1', owner: 'node-2', now: T0 + 3, limit: 2, leaseMs: 60_000 });
      expect(leased).toHaveLength(2);
      await expect(h.campaignCatalog.command('k1', 'start', T0 + 4)).rejects.toMatchObject({ code: 'invalid_transition', message: 'campaign is already running' });
      const stopped = await h.campaignCatalog.command('k1', 'stop', T0 + 5);
      expect(stopped).toMatchObject({ from: 'running', campaign: { id: 'k1', state: 'stopped', updatedAt: T0 + 5 } });
      expect(stopped.effects.map((e) => e.type)).toContain('release-leases');
      expect((await h.read.leads('k1')).map((l) => l.leaseOwner)).toEqual([null, null, null]);
      expect(await h.campaigns.get('k1')).toMatchObject({ state: 'stopped', updatedAt: T0 + 5 });
      await expect(h.campaignCatalog.command('nope', 'start', T0)).rejects.toMatchObject({ code: 'not_found' });
    });

    it("asks a start's check with what is stored, and stores nothing when it refuses", async () => {
      for (const id of ['k1', 'k2', 'k3']) await h.campaignCatalog.create(id, { name: id }, T0);
      await h.campaignCatalog.command('k2', 'start', T0 + 1);
      await h.seed.agent({ id: 'a2', name: 'Dos', campaignIds: ['k1', 'k2'] });
      await h.seed.agent({ id: 'a1', name: 'Uno' });
      const asked: unknown[] = [];
      const refusal = new Error('shares agents');
      const refuse = (c: { id: string }, running: readonly { id: string }[], agents: readonly unknown[]) => {
        asked.push({ id: c.id, running: running.map((r) => r.id), agents });
        return refusal;
      };
      await expect(h.campaignCatalog.command('k1', 'start', T0 + 2, refuse)).rejects.toBe(refusal);
      expect(asked).toEqual([{ id: 'k1', running: ['k2'], agents: [{ id: 'a2', name: 'Dos', campaignIds: ['k1', 'k2'] }, { id: 'a1', name: 'Uno', campaignIds: null }] }]);
      expect(await h.campaigns.get('k1')).toMatchObject({ state: 'draft', updatedAt: T0 });
      // An unknown campaign is not_found before any check; a check that finds nothing lets the start through.
      await expect(h.campaignCatalog.command('nope', 'start', T0, refuse)).rejects.toMatchObject({ code: 'not_found' });
      expect(await h.campaignCatalog.command('k3', 'start', T0 + 3, () => null)).toMatchObject({ from: 'draft', campaign: { state: 'running' } });
      // Pause and stop are not checked.
      expect(await h.campaignCatalog.command('k2', 'stop', T0 + 4, refuse)).toMatchObject({ campaign: { state: 'stopped' } });
      expect(asked).toHaveLength(1);
    });

    it("asks a running campaign's settings change the start's check with the merged settings; not a stopped one's", async () => {
      for (const id of ['k1', 'k2']) await h.campaignCatalog.create(id, { name: id, dialMode: 'progressive' }, T0);
      for (const id of ['k1', 'k2']) await h.campaignCatalog.command(id, 'start', T0 + 1);
      await h.seed.agent({ id: 'a1', name: 'Uno' });
      const asked: unknown[] = [];
      const refusal = new Error('shares agents');
      const refuse = (c: { id: string; dialMode: string; name: string }, running: readonly { id: string }[], agents: readonly unknown[]) => {
        asked.push({ id: c.id, dialMode: c.dialMode, name: c.name, running: running.map((r) => r.id), agents });
        return refusal;
      };
      await expect(h.campaignCatalog.update('k1', { dialMode: 'power' }, T0 + 2, refuse)).rejects.toBe(refusal);
      expect(asked).toEqual([{ id: 'k1', dialMode: 'power', name: 'k1', running: ['k1', 'k2'], agents: [{ id: 'a1', name: 'Uno', campaignIds: null }] }]);
      expect(await h.campaigns.get('k1')).toMatchObject({ dialMode: 'progressive', updatedAt: T0 + 1 });
      // not_found, then invalid settings, before any check.
      await expect(h.campaignCatalog.update('nope', { dialMode: 'power' }, T0, refuse)).rejects.toMatchObject({ code: 'not_found' });
      await expect(h.campaignCatalog.update('k1', { dialMode: 'nope' } as never, T0, refuse)).rejects.toBeInstanceOf(ZodError);
      expect(asked).toHaveLength(1);
      expect((await h.campaignCatalog.update('k1', { dialMode: 'power' }, T0 + 3, () => null)).after).toMatchObject({ dialMode: 'power', state: 'running' });
      // A campaign not running is not checked.
      await h.campaignCatalog.command('k2', 'stop', T0 + 4);
      expect((await h.campaignCatalog.update('k2', { dialMode: 'power' }, T0 + 5, refuse)).after).toMatchObject({ dialMode: 'power', state: 'stopped' });
      expect(asked).toHaveLength(1);
    });
  },
  { prefix: 'h_campaigns_pg_catalog' },
);
