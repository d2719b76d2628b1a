/**
 * The hopper, one body on SQLite (LeadRepo) and PostgreSQL (PgLeadHopper), test/support/store-dialects.ts: lease
 * order (priority, due, id), never a leased lead twice (also across connections leasing at once), calling hours in
 * each lead's zone, DNC, max attempts, lease expiry / renewal / release, the retry policy of completeAttempt.
 * SQLite-only hopper tests (several processes on one file, migrations racing) stay in store-hopper.test.ts.
 */
import { expect, it } from 'vitest';
import type { CampaignSettingsInput } from '../../engine/campaigns/index.js';
import type { NewLead } from '../../engine/store/index.js';
import { describeDialects, type DialectHarness } from '../support/store-dialects.js';

// Tuesday 2026-03-03 15:00 UTC: 09:00 in Costa Rica, 10:00 in New York, 16:00 in Madrid.
const T0 = Date.UTC(2026, 2, 3, 15, 0, 0);
const HOUR = 3_600_000;

async function campaign(h: DialectHarness, id: string, extra: Partial<CampaignSettingsInput> = {}): Promise<void> {
  await h.seed.campaign(id, { name: id, ...extra }, T0 - HOUR);
  await h.campaigns.command(id, 'start', T0 - HOUR);
}

function lead(campaignId: string, phone: string, extra: Partial<NewLead> = {}): NewLead {
  return { campaignId, phoneE164: phone, phoneRaw: phone, timeZone: 'America/Costa_Rica', nextDueAt: T0 - HOUR, ...extra };
}

const crPhone = (i: number): string => `+5068${String(3000000 + i).padStart(7, '0')}`;

describeDialects(
  'hopper leasing',
  (h) => {
    const take = (now: number, limit = 10, owner = 'n1', leaseMs = 60_000, campaignId = 'k') => h.hopper.lease({ campaignId, owner, now, limit, leaseMs });

    it('orders by priority then due time and never hands out a leased lead again', async () => {
      await campaign(h, 'k');
      await h.seed.leads(
        [
          lead('k', crPhone(1), { priority: 3, nextDueAt: T0 - 10 }),
          lead('k', crPhone(2), { priority: 1, nextDueAt: T0 - 5 }),
          lead('k', crPhone(3), { priority: 3, nextDueAt: T0 - 20 }),
          lead('k', crPhone(4), { priority: 5, nextDueAt: T0 - 30 }),
          lead('k', crPhone(5), { priority: 1, nextDueAt: T0 + 60_000 }), // not due yet
        ],
        T0 - HOUR,
      );
      const first = await take(T0, 3, 'n1', 600_000);
      expect(first.map((l) => l.phoneE164)).toEqual([crPhone(2), crPhone(3), crPhone(1)]);
      expect(first.every((l) => l.status === 'selected' && l.leaseOwner === 'n1' && l.leaseExpiresAt === T0 + 600_000 && l.updatedAt === T0)).toBe(true);
      const second = await take(T0 + 1, 10, 'n2', 600_000);
      expect(second.map((l) => l.phoneE164)).toEqual([crPhone(4)]);
      // Once lead 5 is due, it is the only one left (the others are still leased).
      const third = await take(T0 + 60_000, 10, 'n2', 600_000);
      expect(third.map((l) => l.phoneE164)).toEqual([crPhone(5)]);
      expect(await take(T0 + 60_000, 0)).toEqual([]);
      expect(await take(T0, 10, 'n1', 60_000, 'no-such-campaign')).toEqual([]);
    });

    it('leads due at the same moment go in id order, whatever order they were stored in', async () => {
      await campaign(h, 'k');
      // Byte order ('Lead-z' first), whatever the database's collation.
      const ids = ['lead-c', 'lead-a', 'Lead-z', 'lead-d', 'lead-b'];
      await h.seed.leads(
        ids.map((_, i) => lead('k', crPhone(i), { priority: 2, nextDueAt: T0 - 1_000 })),
        T0 - HOUR,
        { ids },
      );
      expect((await take(T0, 2)).map((l) => l.id)).toEqual(['Lead-z', 'lead-a']);
      expect((await take(T0, 1)).map((l) => l.id)).toEqual(['lead-b']);
      expect((await take(T0, 5)).map((l) => l.id)).toEqual(['lead-c', 'lead-d']);
    });

    it('does not lease for a campaign that is not running, and stop releases every node\'s leases', async () => {
      await h.seed.campaign('k', { name: 'k' }, T0);
      await h.seed.leads([lead('k', crPhone(1)), lead('k', crPhone(2)), lead('k', crPhone(3))], T0 - HOUR);
      expect(await take(T0, 5)).toEqual([]);
      await h.campaigns.command('k', 'start', T0);
      expect(await take(T0, 1, 'n1')).toHaveLength(1);
      expect(await take(T0, 1, 'n2')).toHaveLength(1);
      const paused = await h.campaigns.command('k', 'pause', T0);
      expect(paused.effects).toEqual([{ type: 'stop-new-dials' }]);
      expect(await take(T0, 5)).toEqual([]);
      expect(await h.read.countByStatus('k')).toEqual({ selected: 2, no_selected: 1 });
      const stopped = await h.campaigns.command('k', 'stop', T0 + 1);
      expect(stopped.effects.map((e) => e.type)).toEqual(['stop-new-dials', 'release-leases']);
      expect(await h.read.countByStatus('k')).toEqual({ no_selected: 3 });
      expect((await h.read.leads('k')).every((l) => l.leaseOwner === null && l.leaseExpiresAt === null)).toBe(true);
      // State survives a restart.
      await h.reopen();
      expect((await h.campaigns.get('k'))?.state).toBe('stopped');
    });

    it('an expired lease (dead node) makes the lead available again; a live one does not', async () => {
      await campaign(h, 'k');
      await h.seed.leads([lead('k', crPhone(1))], T0 - HOUR);
      const [l] = await take(T0, 1, 'dead-node', 30_000);
      expect(await h.hopper.markCalling(l!.id, 'dead-node', T0 + 1)).toBe(true);
      expect((await h.read.lead(l!.id))?.status).toBe('calling');
      expect(await take(T0 + 29_999, 1, 'n2', 30_000)).toEqual([]);
      const again = await take(T0 + 30_000, 1, 'n2', 30_000);
      expect(again.map((x) => [x.id, x.leaseOwner, x.status])).toEqual([[l!.id, 'n2', 'selected']]);
      // The dead node's lease is gone: it can neither mark the call, renew nor free it.
      expect(await h.hopper.markCalling(l!.id, 'dead-node', T0 + 30_001)).toBe(false);
      expect(await h.hopper.renewLeases('dead-node', T0 + 30_001, 30_000)).toBe(0);
      const stale = await h.hopper.completeAttempt(l!.id, 'NO_ANSWER', T0 + 30_002, { owner: 'dead-node' });
      expect(stale).toMatchObject({ leaseOwner: 'n2', attempts: 1, lastDisposition: 'NO_ANSWER' });
      expect(await h.hopper.renewLeases('n2', T0 + 50_000, 30_000)).toBe(1);
      expect((await h.read.lead(l!.id))?.leaseExpiresAt).toBe(T0 + 80_000);
      // A lease expires at its stamp exactly: markCalling at that moment is refused.
      expect(await h.hopper.markCalling(l!.id, 'n2', T0 + 80_000)).toBe(false);
      expect(await h.hopper.markCalling(l!.id, 'n2', T0 + 79_999)).toBe(true);
    });

    it("an expired lease follows the lead's zone: re-leased when it is open (also with no zone), not when it is closed", async () => {
      await campaign(h, 'k');
      const at = Date.UTC(2026, 2, 3, 21, 0); // CR 15:00 (open, also the default zone), Madrid 22:00 (closed)
      await h.seed.leads(
        [
          lead('k', '+50688880001', { timeZone: null, nextDueAt: at - HOUR }),
          lead('k', '+34612345678', { timeZone: 'Europe/Madrid', nextDueAt: at - 8 * HOUR }),
        ],
        at - 9 * HOUR,
      );
      // Leased by a node at 14:00 UTC (Madrid open; the no-zone lead not due yet): only the Madrid lead.
      const morning = await take(at - 7 * HOUR, 10, 'dead', 60_000);
      expect(morning.map((l) => l.timeZone)).toEqual(['Europe/Madrid']);
      // At 21:00 UTC its lease has long expired, but Madrid is closed: only the no-zone lead goes.
      expect((await take(at, 10, 'n2')).map((l) => l.timeZone)).toEqual([null]);
      expect((await h.read.lead(morning[0]!.id))?.leaseOwner).toBe('dead');
      // An empty id list renews nothing; a release with no filter gives back every lease.
      expect(await h.hopper.renewLeases('n2', at + 1, 60_000, [])).toBe(0);
      expect(await h.hopper.releaseLeases({ at: at + 2 })).toBe(2);
    });

    it('renews only the given ids, never an expired lease; releases restore the last outcome and keep the due time', async () => {
      await campaign(h, 'k', { maxAttempts: 5, retryDelays: { NO_ANSWER: 60 } });
      await h.seed.leads(Array.from({ length: 6 }, (_, i) => lead('k', crPhone(i), { nextDueAt: T0 - 1000 + i })), T0 - HOUR);
      const got = await take(T0, 6, 'n1', 10_000);
      expect(got).toHaveLength(6);
      expect(await h.hopper.renewLeases('n1', T0 + 9_999, 10_000, [got[0]!.id, got[1]!.id])).toBe(2);
      expect(await h.hopper.renewLeases('n1', T0 + 10_000, 10_000)).toBe(2); // the other four expired at T0 + 10 s
      await h.hopper.completeAttempt(got[0]!.id, 'NO_ANSWER', T0 + 11_000, { owner: 'n1' });
      // A dead node's expired leases (not the one still live until T0 + 20 s).
      expect(await h.hopper.releaseLeases({ campaignId: 'k', expiredAt: T0 + 15_000, at: T0 + 15_000 })).toBe(4);
      expect((await h.read.leads('k')).filter((l) => l.leaseOwner !== null).map((l) => l.id)).toEqual([got[1]!.id]);
      // All six back once got[0] is due again (got[1]'s lease ran out at T0 + 20 s).
      expect((await take(T0 + 71_000, 10, 'n2', 10_000)).map((l) => l.id)).toEqual([...got.slice(1), got[0]!].map((l) => l.id));
      expect(await h.hopper.releaseLeases({ campaignId: 'other', at: T0 + 72_000 })).toBe(0);
      expect(await h.hopper.releaseLeases({ owner: 'n1', at: T0 + 72_000 })).toBe(0);
      expect(await h.hopper.releaseLeases({ owner: 'n2', at: T0 + 72_000 })).toBe(6);
      const rows = await h.read.leads('k');
      expect(rows.every((l) => l.leaseOwner === null && l.leaseExpiresAt === null && l.updatedAt === T0 + 72_000)).toBe(true);
      // Released, a lead is what its last outcome made it (no_answer), not no_selected; due times are kept.
      expect(await h.read.countByStatus('k')).toEqual({ no_selected: 5, no_answer: 1 });
      expect(rows.find((l) => l.id === got[0]!.id)).toMatchObject({ status: 'no_answer', nextDueAt: T0 + 71_000, attempts: 1 });
      expect(rows.find((l) => l.id === got[3]!.id)).toMatchObject({ status: 'no_selected', nextDueAt: T0 - 1000 + 3, attempts: 0 });
    });

    it('skips DNC numbers, internal and per campaign, by its own check; a lead put on DNC during its call stays DNC', async () => {
      await campaign(h, 'k');
      await campaign(h, 'other');
      await h.seed.leads([lead('k', crPhone(1)), lead('k', crPhone(2)), lead('k', crPhone(3)), lead('other', crPhone(2))], T0 - HOUR);
      // List entries only: the leads keep their status, so what keeps them out is the hopper's own DNC check.
      await h.seed.dnc(crPhone(3), null, T0 - HOUR);
      await h.seed.dnc(crPhone(2), 'k', T0 - 1);
      expect((await take(T0, 10)).map((l) => l.phoneE164)).toEqual([crPhone(1)]);
      expect((await take(T0, 10, 'n1', 1000, 'other')).map((l) => l.phoneE164)).toEqual([crPhone(2)]);
      expect(await h.read.countByStatus('k')).toEqual({ selected: 1, no_selected: 2 });
      const [live] = (await h.read.leads('k')).filter((l) => l.status === 'selected');
      await h.seed.leadStatus(live!.id, 'dnc');
      expect(await h.hopper.completeAttempt(live!.id, 'BUSY', T0 + 2, { owner: 'n1' })).toMatchObject({
        status: 'dnc',
        attempts: 1,
        nextDueAt: null,
        leaseOwner: null,
        lastDisposition: 'BUSY',
      });
    });

    it('retries per disposition, stops at max attempts, and finishes on a human answer', async () => {
      await campaign(h, 'k', { maxAttempts: 3, retryDelays: { BUSY: 120, NO_ANSWER: 900 } });
      await h.seed.leads([lead('k', crPhone(1)), lead('k', crPhone(2))], T0 - HOUR);

      const [a, b] = await take(T0);
      let ra = (await h.hopper.completeAttempt(a!.id, 'BUSY', T0 + 10_000, { owner: 'n1' }))!;
      expect(ra).toMatchObject({ status: 'busy', attempts: 1, lastAttemptAt: T0 + 10_000, nextDueAt: T0 + 130_000, leaseOwner: null, leaseExpiresAt: null });
      const rb = (await h.hopper.completeAttempt(b!.id, 'ANSWERED_HUMAN', T0 + 20_000))!;
      expect(rb).toMatchObject({ status: 'completed', attempts: 1, nextDueAt: null });

      expect(await take(T0 + 129_999)).toEqual([]);
      expect((await take(T0 + 130_000)).map((l) => l.id)).toEqual([a!.id]);
      ra = (await h.hopper.completeAttempt(a!.id, 'NO_ANSWER', T0 + 160_000))!;
      expect(ra).toMatchObject({ status: 'no_answer', attempts: 2, nextDueAt: T0 + 160_000 + 900_000 });
      // A cancelled attempt (we hung up first) does not count.
      await take(T0 + 2 * HOUR);
      ra = (await h.hopper.completeAttempt(a!.id, 'CANCELLED', T0 + 2 * HOUR + 1))!;
      expect(ra.attempts).toBe(2);
      await take(T0 + 2 * HOUR + 1);
      ra = (await h.hopper.completeAttempt(a!.id, 'MACHINE', T0 + 2 * HOUR + 5))!;
      expect(ra).toMatchObject({ status: 'machine', attempts: 3, nextDueAt: null });
      expect(await take(T0 + 10 * HOUR)).toEqual([]);
      // Invalid numbers are final with an error.
      await h.seed.leads([lead('k', crPhone(9))], T0);
      const [c] = await take(T0 + 3 * HOUR);
      expect(await h.hopper.completeAttempt(c!.id, 'INVALID_NUMBER', T0 + 3 * HOUR)).toMatchObject({ status: 'error', nextDueAt: null, lastError: 'invalid number' });
      expect(await h.hopper.completeAttempt('no-such-lead', 'BUSY', T0)).toBeUndefined();
    });

    it('a lead out of attempts (a retryable outcome on its last one) is never leased again', async () => {
      await campaign(h, 'k', { maxAttempts: 2 });
      const [id] = await h.seed.leads([lead('k', crPhone(1))], T0 - HOUR);
      await take(T0);
      await h.hopper.completeAttempt(id!, 'BUSY', T0 + 1);
      await take(T0 + HOUR);
      const done = await h.hopper.completeAttempt(id!, 'BUSY', T0 + HOUR + 1);
      expect(done).toMatchObject({ attempts: 2, nextDueAt: null });
      expect(await take(T0 + 5 * HOUR)).toEqual([]);
    });

    it('connections leasing at once never get the same lead', async () => {
      await campaign(h, 'k');
      const N = 600;
      await h.seed.leads(
        Array.from({ length: N }, (_, i) => lead('k', crPhone(i), { priority: 1 + (i % 5) })),
        T0 - HOUR,
      );
      const others = await Promise.all([h.connect(), h.connect(), h.connect()]);
      const leasers = [...others.map((s, i) => ({ owner: `w${i}`, hopper: s.hopper })), { owner: 'main', hopper: h.hopper }];
      const got = await Promise.all(
        leasers.map(async ({ owner, hopper }) => {
          const ids: string[] = [];
          for (;;) {
            const batch = await hopper.lease({ campaignId: 'k', owner, now: T0, limit: 7, leaseMs: 600_000 });
            // Under contention PostgreSQL may skip rows being taken and answer short; empty means none left.
            if (batch.length === 0) break;
            ids.push(...batch.map((l) => l.id));
            await new Promise((r) => setImmediate(r));
          }
          return ids;
        }),
      );
      await Promise.all(others.map((s) => s.close()));
      const all = got.flat();
      expect(all).toHaveLength(N);
      expect(new Set(all).size).toBe(N);
      const owned = new Map((await h.read.leads('k')).map((l) => [l.id, l.leaseOwner]));
      leasers.forEach(({ owner }, i) => {
        for (const id of got[i]!) expect(owned.get(id)).toBe(owner);
      });
    });
  },
  { prefix: 'ct_dialect_hopper' },
);

describeDialects(
  'hopper calling hours in the lead time zone',
  (h) => {
    async function zoned(): Promise<void> {
      const due = Date.UTC(2026, 1, 1);
      await h.seed.leads(
        [
          lead('k', '+50688880001', { timeZone: 'America/Costa_Rica', nextDueAt: due }),
          lead('k', '+12125550101', { timeZone: 'America/New_York', nextDueAt: due }),
          lead('k', '+34612345678', { timeZone: 'Europe/Madrid', nextDueAt: due }),
          lead('k', '+50688880002', { timeZone: null, nextDueAt: due }), // campaign default (Costa Rica)
        ],
        Date.UTC(2026, 1, 1),
      );
    }
    const leasedZones = async (now: number): Promise<Array<string | null>> => {
      const got = await h.hopper.lease({ campaignId: 'k', owner: 'n1', now, limit: 10, leaseMs: 1 });
      return got.map((l) => l.timeZone).sort((a, b) => String(a).localeCompare(String(b)));
    };

    it('leases only leads whose local time is inside the window; the campaign default zone for leads without one', async () => {
      await campaign(h, 'k');
      await zoned();
      // Tue 2026-03-03 13:30 UTC: CR 07:30 (closed), NY 08:30 EST (open), Madrid 14:30 (open).
      expect(await leasedZones(Date.UTC(2026, 2, 3, 13, 30))).toEqual(['America/New_York', 'Europe/Madrid']);
      // Tue 2026-03-03 21:00 UTC (those leases of 1 ms have run out): CR 15:00 (open), NY 16:00 (open), Madrid 22:00 (closed).
      expect(await leasedZones(Date.UTC(2026, 2, 3, 21, 0))).toEqual(['America/Costa_Rica', 'America/New_York', null]);
    });

    it('orders by priority then due time across zones and respects the limit', async () => {
      await campaign(h, 'k');
      const at = Date.UTC(2026, 2, 3, 16, 0); // CR 10:00, NY 11:00, Madrid 17:00: all open
      await h.seed.leads(
        [
          lead('k', '+50688880001', { timeZone: 'America/Costa_Rica', priority: 2, nextDueAt: at - 5_000 }),
          lead('k', '+12125550101', { timeZone: 'America/New_York', priority: 1, nextDueAt: at - 1_000 }),
          lead('k', '+34612345678', { timeZone: 'Europe/Madrid', priority: 1, nextDueAt: at - 2_000 }),
          lead('k', '+50688880002', { timeZone: null, priority: 2, nextDueAt: at - 9_000 }),
          lead('k', '+34612345679', { timeZone: 'Europe/Madrid', priority: 4, nextDueAt: at - 99_000 }),
        ],
        at - HOUR,
      );
      const got = await h.hopper.lease({ campaignId: 'k', owner: 'n1', now: at, limit: 4, leaseMs: 60_000 });
      expect(got.map((l) => l.phoneE164)).toEqual(['+34612345678', '+12125550101', '+50688880002', '+50688880001']);
    });

    it('America/New_York across the 2026-03-08 DST change', async () => {
      await campaign(h, 'k', { weekdays: [1, 2, 3, 4, 5, 6, 7] });
      await h.seed.leads([lead('k', '+12125550101', { timeZone: 'America/New_York' })], Date.UTC(2026, 1, 1));
      const open = async (t: number): Promise<boolean> => (await h.hopper.lease({ campaignId: 'k', owner: 'n1', now: t, limit: 1, leaseMs: 1 })).length === 1;
      // Saturday 7 March (EST, UTC-5): opens at 13:00 UTC.
      expect(await open(Date.UTC(2026, 2, 7, 12, 59))).toBe(false);
      expect(await open(Date.UTC(2026, 2, 7, 13, 0))).toBe(true);
      // Monday 9 March (EDT, UTC-4): opens at 12:00 UTC — a fixed offset would still say 07:00.
      expect(await open(Date.UTC(2026, 2, 9, 11, 59))).toBe(false);
      expect(await open(Date.UTC(2026, 2, 9, 12, 0))).toBe(true);
      // Closes at 21:00 EDT = 01:00 UTC the next day.
      expect(await open(Date.UTC(2026, 2, 10, 0, 59))).toBe(true);
      expect(await open(Date.UTC(2026, 2, 10, 1, 0))).toBe(false);
    });

    it('Europe/Madrid across the 2026-03-29 DST change, and weekdays', async () => {
      await campaign(h, 'k', { weekdays: [1, 2, 3, 4, 5, 6] }); // no Sundays
      await h.seed.leads([lead('k', '+34612345678', { timeZone: 'Europe/Madrid' })], Date.UTC(2026, 1, 1));
      const open = async (t: number): Promise<boolean> => (await h.hopper.lease({ campaignId: 'k', owner: 'n1', now: t, limit: 1, leaseMs: 1 })).length === 1;
      // Saturday 28 March (CET, UTC+1): 08:00 local = 07:00 UTC.
      expect(await open(Date.UTC(2026, 2, 28, 6, 59))).toBe(false);
      expect(await open(Date.UTC(2026, 2, 28, 7, 0))).toBe(true);
      // Sunday 29 March (the change itself) is not an allowed weekday.
      expect(await open(Date.UTC(2026, 2, 29, 12, 0))).toBe(false);
      // Monday 30 March (CEST, UTC+2): 08:00 local = 06:00 UTC; 21:00 local = 19:00 UTC.
      expect(await open(Date.UTC(2026, 2, 30, 6, 0))).toBe(true);
      expect(await open(Date.UTC(2026, 2, 30, 5, 59))).toBe(false);
      expect(await open(Date.UTC(2026, 2, 30, 18, 59))).toBe(true);
      expect(await open(Date.UTC(2026, 2, 30, 19, 0))).toBe(false);
    });
  },
  { prefix: 'ct_dialect_hours' },
);
