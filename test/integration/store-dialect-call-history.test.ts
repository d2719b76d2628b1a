/**
 * The API's call history (engine/store `CallHistory`, #18), one body on SQLite and on PostgreSQL
 * (test/support/store-dialects.ts): the same CallLogs, written as an engine node writes them (the node port), must
 * list alike on both — every filter GET /api/calls and the compatibility log pass, the total, newest first with
 * ties in byte order (the PostgreSQL test database sorts text linguistically), pages that walk across a tie — and
 * the detail must give the same row with its campaign's name. The agent's disposition (outcome, notes, and the
 * internal DNC entry of do_not_call), the console's hang-up (`hangup_by`) and the DNC lists the DNC routes manage
 * (page, search, add, remove, a CSV's batch) are written through the same port and read back alike on both.
 */
import { expect, it } from 'vitest';
import type { CallListFilter } from '../../engine/store/index.js';
import { describeDialects, type DialectHarness } from '../support/store-dialects.js';

const T0 = Date.UTC(2026, 2, 2, 15, 0, 0);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** Newest first, as every list below expects; the three `tie…` calls share one millisecond. */
const ALL = ['open-1', 'man-1', 'ag-bob-1', 'tie_c', 'tie-a', 'tie-B', 'mach-1', 'gone-1', 'na-1', 'ag-ana-1'];

async function seed(h: DialectHarness): Promise<void> {
  await h.seed.campaign('camp-a', { name: 'Ventas Norte' }, T0 - DAY);
  await h.seed.campaign('camp-b', { name: 'Cobranza' }, T0 - DAY);
  await h.seed.agent({ id: 'ag-ana', name: 'Ana', userId: 'u-ana' });
  await h.seed.agent({ id: 'ag-bob', name: 'Bob', userId: 'u-bob' });
  const c = h.callLogs;
  const dial = (id: string, campaignId: string | null, at: number, leadId: string | null = null) =>
    c.create({ id, campaignId, leadId, phone: '+50688880000', nodeId: 'node-1', channelId: `ch-${id}`, at });

  // Answered by a person, bridged to Ana (her user comes from the agents table, as on a node).
  await dial('ag-ana-1', 'camp-a', T0, 'lead-1');
  await c.markRinging('ag-ana-1', T0 + 1_000);
  await c.markAnswered('ag-ana-1', T0 + 6_000);
  await c.markAmd('ag-ana-1', { status: 'HUMAN', cause: 'HUMAN-1-1', decisionMs: 900, at: T0 + 6_900 });
  await c.markBridged('ag-ana-1', { agentId: 'ag-ana', bridgeId: 'br-1', at: T0 + 7_000 });
  await c.end('ag-ana-1', { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: T0 + 67_000 });
  // Rang out.
  await dial('na-1', 'camp-a', T0 + MIN, 'lead-2');
  await c.markRinging('na-1', T0 + MIN + 500);
  await c.end('na-1', { disposition: 'NO_ANSWER', hangupCause: 19, at: T0 + MIN + 30_000 });
  // A campaign deleted since: the detail has no name for it.
  await dial('gone-1', 'camp-gone', T0 + 2 * MIN);
  await c.end('gone-1', { disposition: 'BUSY', hangupCause: 17, at: T0 + 2 * MIN + 3_000 });
  // An answering machine.
  await dial('mach-1', 'camp-b', T0 + HOUR, 'lead-3');
  await c.markAnswered('mach-1', T0 + HOUR + 4_000);
  await c.markAmd('mach-1', { status: 'MACHINE', cause: 'LONGGREETING', decisionMs: 2_500, at: T0 + HOUR + 6_500 });
  await c.end('mach-1', { disposition: 'MACHINE', hangupCause: 16, at: T0 + HOUR + 7_000 });
  // Three calls of one millisecond: byte order puts `tie-B` < `tie-a` < `tie_c`; en-US puts them the other way round.
  for (const id of ['tie-a', 'tie_c', 'tie-B']) {
    await dial(id, 'camp-b', T0 + 3 * HOUR);
    await c.end(id, { disposition: 'NO_ANSWER', hangupCause: 19, at: T0 + 3 * HOUR + 25_000 });
  }
  // Bob's, the next day.
  await dial('ag-bob-1', 'camp-b', T0 + DAY, 'lead-4');
  await c.markAnswered('ag-bob-1', T0 + DAY + 2_000);
  await c.markBridged('ag-bob-1', { agentId: 'ag-bob', at: T0 + DAY + 3_000 });
  await c.end('ag-bob-1', { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: T0 + DAY + 93_000, notes: 'wants a call back' });
  // A manual call of Zoe's (no agent row, no campaign).
  await c.create({ id: 'man-1', kind: 'manual', campaignId: null, leadId: 'crm-77', phone: '+50670001111', nodeId: 'node-1', userId: 'u-zoe', at: T0 + DAY + HOUR });
  await c.end('man-1', { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: T0 + DAY + HOUR + 45_000 });
  // Still ringing.
  await dial('open-1', 'camp-a', T0 + 2 * DAY);
  await c.markRinging('open-1', T0 + 2 * DAY + 800);
}

describeDialects(
  'Call history',
  (h) => {
    const ids = async (f: CallListFilter = {}, limit = 50, offset = 0) => (await h.callHistory.list(f, { limit, offset })).items.map((r) => r.id);

    it('lists newest first, ties in byte order, with the total; every item is the stored row', async () => {
      await seed(h);
      const all = await h.callHistory.list({}, { limit: 50, offset: 0 });
      expect(all.items.map((r) => r.id)).toEqual(ALL);
      expect(all.total).toBe(ALL.length);
      // The same values and JS types as the node port reads them (bigint columns as numbers, flags as booleans).
      for (const r of all.items) expect(r).toEqual(await h.callLogs.get(r.id));
      expect(all.items.find((r) => r.id === 'ag-bob-1')).toMatchObject({ userId: 'u-bob', talkMs: 90_000, notes: 'wants a call back' });
    });

    it('filters as the routes ask: campaign, agent, dispositions, kind, status, AMD, lead, dates (end exclusive)', async () => {
      await seed(h);
      expect(await ids({ campaignId: 'camp-a' })).toEqual(['open-1', 'na-1', 'ag-ana-1']);
      expect(await ids({ agentId: 'ag-bob' })).toEqual(['ag-bob-1']);
      expect(await ids({ dispositions: ['ANSWERED_HUMAN'] })).toEqual(['man-1', 'ag-bob-1', 'ag-ana-1']);
      // The compatibility log's legacy statuses ask for several dispositions at once.
      expect(await ids({ dispositions: ['NO_ANSWER', 'BUSY', 'MACHINE', 'CANCELLED'] })).toEqual(['tie_c', 'tie-a', 'tie-B', 'mach-1', 'gone-1', 'na-1']);
      expect(await ids({ kind: 'manual' })).toEqual(['man-1']);
      expect(await ids({ kind: 'dialer', status: 'ended' })).toEqual(ALL.filter((id) => id !== 'open-1' && id !== 'man-1'));
      expect(await ids({ status: 'in_progress' })).toEqual(['open-1']);
      expect(await ids({ amdStatus: 'MACHINE' })).toEqual(['mach-1']);
      expect(await ids({ leadId: 'crm-77' })).toEqual(['man-1']);
      // `from` includes its instant, `to` excludes its own (a date-only end is the next day's start).
      expect(await ids({ from: T0 + MIN, to: T0 + 3 * HOUR })).toEqual(['mach-1', 'gone-1', 'na-1']);
      expect(await ids({ from: T0 + 3 * HOUR, to: T0 + 3 * HOUR + 1 })).toEqual(['tie_c', 'tie-a', 'tie-B']);
      expect(await ids({ campaignId: 'camp-b', dispositions: ['NO_ANSWER'], from: T0 + HOUR })).toEqual(['tie_c', 'tie-a', 'tie-B']);
      const none = await h.callHistory.list({ campaignId: 'nope' }, { limit: 10, offset: 0 });
      expect(none).toEqual({ items: [], total: 0 });
    });

    it("visibility: a team's users, one user, and an empty set that matches nothing", async () => {
      await seed(h);
      expect(await ids({ userIds: ['u-ana', 'u-bob'] })).toEqual(['ag-bob-1', 'ag-ana-1']);
      expect(await ids({ userIds: ['u-zoe'] })).toEqual(['man-1']);
      expect(await ids({ userIds: ['u-ana', 'u-bob', 'u-zoe'], dispositions: ['ANSWERED_HUMAN'], from: T0 + HOUR })).toEqual(['man-1', 'ag-bob-1']);
      expect(await h.callHistory.list({ userIds: [] }, { limit: 10, offset: 0 })).toEqual({ items: [], total: 0 });
    });

    it('pages walk the list across the tie without repeating or skipping a call; the total is the whole match', async () => {
      await seed(h);
      const walked: string[] = [];
      for (let offset = 0; offset < ALL.length + 2; offset += 2) {
        const page = await h.callHistory.list({}, { limit: 2, offset });
        expect(page.total).toBe(ALL.length);
        walked.push(...page.items.map((r) => r.id));
      }
      expect(walked).toEqual(ALL);
      // A page that starts inside the tie.
      expect(await ids({ campaignId: 'camp-b' }, 2, 2)).toEqual(['tie-a', 'tie-B']);
      expect(await h.callHistory.list({ campaignId: 'camp-b' }, { limit: 2, offset: 9 })).toEqual({ items: [], total: 5 });
    });

    it("the detail: the stored row (its stamps are the timeline) and its campaign's name, null without one", async () => {
      await seed(h);
      const d = await h.callHistory.detail('ag-ana-1');
      expect(d).toEqual({ ...(await h.callLogs.get('ag-ana-1')), campaignName: 'Ventas Norte' });
      expect(d).toMatchObject({
        createdAt: T0,
        ringingAt: T0 + 1_000,
        answeredAt: T0 + 6_000,
        amdAt: T0 + 6_900,
        bridgedAt: T0 + 7_000,
        endedAt: T0 + 67_000,
        ringMs: 5_000,
        talkMs: 60_000,
        amdStatus: 'HUMAN',
        userId: 'u-ana',
        agentId: 'ag-ana',
      });
      expect((await h.callHistory.detail('mach-1'))?.campaignName).toBe('Cobranza');
      expect((await h.callHistory.detail('man-1'))?.campaignName).toBeNull();
      expect((await h.callHistory.detail('gone-1'))?.campaignName).toBeNull();
      expect(await h.callHistory.detail('open-1')).toMatchObject({ stage: 'ringing', endedAt: null, disposition: null, campaignName: 'Ventas Norte' });
      expect(await h.callHistory.detail('nope')).toBeUndefined();
    });

    it("records the agent's disposition on the row the detail reads; a missing call changes nothing", async () => {
      await seed(h);
      expect(await h.callHistory.setOutcome('ag-ana-1', 'sale', 'Sold the premium plan')).toBe(true);
      expect(await h.callHistory.detail('ag-ana-1')).toMatchObject({ outcome: 'sale', notes: 'Sold the premium plan', disposition: 'ANSWERED_HUMAN' });
      // The node's port reads the same row (one database).
      expect(await h.callLogs.get('ag-ana-1')).toMatchObject({ outcome: 'sale', notes: 'Sold the premium plan' });
      // Set again: the outcome is replaced and notes given as null (the route's '' or none) clear the node's notes.
      expect(await h.callHistory.setOutcome('ag-bob-1', 'callback', null)).toBe(true);
      expect(await h.callHistory.detail('ag-bob-1')).toMatchObject({ outcome: 'callback', notes: null });
      expect(await h.callHistory.setOutcome('nope', 'sale', 'x')).toBe(false);
      expect(await h.callHistory.detail('nope')).toBeUndefined();
      // Nothing else moved.
      expect(await h.callHistory.detail('na-1')).toMatchObject({ outcome: null, notes: null });
    });

    it('DNC for a disposition: the internal list blocks every campaign, a campaign list its own; adding retires the leads still to dial', async () => {
      await seed(h);
      const [fresh, done, other] = await h.seed.leads(
        [
          { campaignId: 'camp-a', phoneE164: '+50688881111', phoneRaw: '88881111' },
          { campaignId: 'camp-b', phoneE164: '+50688881111', phoneRaw: '88881111' },
          { campaignId: 'camp-a', phoneE164: '+50688882222', phoneRaw: '88882222' },
        ],
        T0,
        { ids: ['lead-fresh', 'lead-done', 'lead-other'] },
      );
      await h.seed.leadStatus(done!, 'completed');
      await h.seed.dnc('+50677770000', 'camp-b', T0);
      const dnc = h.callHistory.dnc;
      expect(await dnc.isBlocked('+50688881111', 'camp-a')).toBe(false);
      expect(await dnc.isBlocked('+50677770000', 'camp-b')).toBe(true);
      expect(await dnc.isBlocked('+50677770000', 'camp-a')).toBe(false);

      await dnc.add('+50688881111', null, T0 + HOUR, 'asked during a call');
      expect(await dnc.isBlocked('+50688881111', 'camp-a')).toBe(true);
      expect(await dnc.isBlocked('+50688881111', 'any-campaign')).toBe(true);
      // Added twice: one entry, the first one's.
      await dnc.add('+50688881111', null, T0 + 2 * HOUR, 'again');
      expect((await h.read.rows('dnc')).filter((r) => r.phoneE164 === '+50688881111')).toEqual([
        { phoneE164: '+50688881111', campaignId: '', reason: 'asked during a call', createdAt: T0 + HOUR },
      ]);
      // The lead still to dial is retired; a completed one stays completed; another number is untouched.
      expect(await h.read.lead(fresh!)).toMatchObject({ status: 'dnc', nextDueAt: null, updatedAt: T0 + HOUR });
      expect(await h.read.lead(done!)).toMatchObject({ status: 'completed' });
      expect(await h.read.lead(other!)).toMatchObject({ status: 'no_selected', nextDueAt: T0 });
    });

    it("records the console's hang-up on the row, takes it back with null; a missing call changes nothing", async () => {
      await seed(h);
      expect(await h.callHistory.setHangupBy('open-1', 'agent')).toBe(true);
      expect(await h.callHistory.detail('open-1')).toMatchObject({ hangupBy: 'agent', endedAt: null });
      expect(await h.callLogs.get('open-1')).toMatchObject({ hangupBy: 'agent' });
      expect(await h.callHistory.setHangupBy('open-1', null)).toBe(true);
      expect(await h.callHistory.detail('open-1')).toMatchObject({ hangupBy: null });
      expect(await h.callHistory.setHangupBy('nope', 'agent')).toBe(false);
      expect(await h.callHistory.detail('ag-ana-1')).toMatchObject({ hangupBy: null });
    });

    it('DNC lists as the routes manage them: pages oldest first with search and total, one list at a time, removal, batches', async () => {
      await seed(h);
      const [a1, a2, b1, done] = await h.seed.leads(
        [
          { campaignId: 'camp-a', phoneE164: '+50688881111', phoneRaw: '88881111' },
          { campaignId: 'camp-a', phoneE164: '+50688882222', phoneRaw: '88882222' },
          { campaignId: 'camp-b', phoneE164: '+50688881111', phoneRaw: '88881111' },
          { campaignId: 'camp-b', phoneE164: '+50688883333', phoneRaw: '88883333' },
        ],
        T0,
        { ids: ['l-a1', 'l-a2', 'l-b1', 'l-done'] },
      );
      await h.seed.leadStatus(done!, 'completed');
      const dnc = h.callHistory.dnc;
      // add answers how many leads it retired: the internal list reaches every campaign, a campaign's list its own.
      expect(await dnc.add('+50688881111', null, T0 + HOUR, 'asked')).toBe(2);
      expect(await dnc.add('+50688882222', 'camp-b', T0 + HOUR)).toBe(0);
      expect(await h.read.lead(a2!)).toMatchObject({ status: 'no_selected' });
      expect(await dnc.get('+50688881111', null)).toEqual({ phoneE164: '+50688881111', campaignId: '', reason: 'asked', createdAt: T0 + HOUR });
      expect(await dnc.get('+50688881111', 'camp-a')).toBeUndefined();
      expect(await dnc.get('+50688882222', 'camp-b')).toMatchObject({ campaignId: 'camp-b', reason: null });

      // A batch: new numbers added (and their leads retired), listed ones counted, repeats once.
      const r = await dnc.addMany(['+50688883333', '+50688881111', '+50699990000', '+50699990000'], null, T0 + 2 * HOUR, 'file');
      expect(r).toEqual({ added: 2, alreadyListed: 1 });
      expect(await h.read.lead(done!)).toMatchObject({ status: 'completed' });
      expect(await dnc.get('+50688881111', null)).toMatchObject({ reason: 'asked', createdAt: T0 + HOUR });
      expect(await dnc.addMany([], null, T0, 'x')).toEqual({ added: 0, alreadyListed: 0 });
      expect(await h.read.lead(a1!)).toMatchObject({ status: 'dnc' });
      expect(await h.read.lead(b1!)).toMatchObject({ status: 'dnc' });

      // Oldest first, ties by number; search by substring (LIKE's wildcards are taken as text, not patterns).
      const phones = async (cid: string | null, q: { phoneLike?: string; limit?: number; offset?: number } = {}) => {
        const p = await dnc.page(cid, { phoneLike: q.phoneLike, limit: q.limit ?? 10, offset: q.offset ?? 0 });
        return { total: p.total, phones: p.items.map((e) => e.phoneE164) };
      };
      expect(await phones(null)).toEqual({ total: 3, phones: ['+50688881111', '+50688883333', '+50699990000'] });
      expect(await phones(null, { limit: 1, offset: 1 })).toEqual({ total: 3, phones: ['+50688883333'] });
      expect(await phones(null, { phoneLike: '9999' })).toEqual({ total: 1, phones: ['+50699990000'] });
      expect(await phones(null, { phoneLike: '%' })).toEqual({ total: 3, phones: ['+50688881111', '+50688883333', '+50699990000'] });
      expect(await phones(null, { phoneLike: '7777' })).toEqual({ total: 0, phones: [] });
      expect(await phones('camp-b')).toEqual({ total: 1, phones: ['+50688882222'] });
      expect(await phones('camp-a')).toEqual({ total: 0, phones: [] });

      // Removed from one list only; the leads it retired stay dnc.
      expect(await dnc.remove('+50688881111', 'camp-a')).toBe(false);
      expect(await dnc.remove('+50688881111', null)).toBe(true);
      expect(await dnc.remove('+50688881111', null)).toBe(false);
      expect(await dnc.isBlocked('+50688881111', 'camp-a')).toBe(false);
      expect(await h.read.lead(a1!)).toMatchObject({ status: 'dnc' });
      expect(await phones(null)).toEqual({ total: 2, phones: ['+50688883333', '+50699990000'] });
    });
  },
  { prefix: 'ct_apicalls_history' },
);
