/**
 * The API's lead routes' port (engine/store `LeadCatalog`, #18), one body on SQLite and on PostgreSQL
 * (test/support/store-dialects.ts, the PostgreSQL database sorting text linguistically): the list filters alike (one
 * WHERE builder), sorts as SQLite compares (text in byte order, NULLs first ascending, ties by id in byte order) and
 * counts the same total; one lead is created with an import's rules (duplicate number refused, a listed number is
 * `dnc`), edited with its history and DNC check in one transaction, and deleted unless it is being dialled; contact
 * locks are taken by one user at a time; a selection by filter leaves leads a node holds alone; the export's rows
 * and custom keys come in byte order. The same expectations on both: a difference fails one dialect.
 */
import { expect, it } from 'vitest';
import { LeadPhoneTaken, type NewLead } from '../../engine/store/index.js';
import { describeDialects, type DialectHarness } from '../support/store-dialects.js';

// Tuesday 2026-03-03 15:00 UTC: 09:00 in Costa Rica, inside the default calling hours (the hopper leases).
const T0 = Date.UTC(2026, 2, 3, 15, 0, 0);
const HOUR = 3_600_000;

const lead = (campaignId: string, phone: string, extra: Partial<NewLead> = {}): NewLead => ({ campaignId, phoneE164: phone, phoneRaw: phone, ...extra });

/** Two campaigns; `k` has seven leads of one moment (ids chosen so byte order and en-US order differ). */
async function seed(h: DialectHarness): Promise<Record<string, string>> {
  await h.seed.campaign('k', { name: 'Norte' }, T0 - HOUR);
  await h.seed.campaign('other', { name: 'Sur' }, T0 - HOUR);
  const ids = ['l-B', 'l-a', 'l_c', 'lZ', 'l-d', 'l-e', 'l-f'];
  await h.seed.leads(
    [
      lead('k', '+50688881111', { name: 'ana', city: 'San José', priority: 1, custom: { plan: 'oro' } }),
      lead('k', '+50688882222', { name: 'Bruno', city: 'san josé', priority: 2 }),
      lead('k', '+50688883333', { name: null, city: 'Heredia', priority: 2, custom: { Zona: 'N', plan: 'plata' } }),
      lead('k', '+50688884444', { name: 'Álvaro', city: null, priority: 3 }),
      lead('k', '+50622225555', { name: '100%_real', city: 'Cartago', priority: 4 }),
      lead('k', '+50622226666', { name: 'ana', city: 'CARTAGO', priority: 5 }),
      lead('k', '+50622227777', { name: 'bruno', city: 'Limón', priority: 3 }),
    ],
    T0,
    { ids },
  );
  await h.seed.leads([lead('other', '+50688881111', { name: 'ana', city: 'San José' })], T0, { ids: ['o-1'] });
  return Object.fromEntries(ids.map((id) => [id, id]));
}

const page = { sort: 'created_at', limit: 50, offset: 0 };

describeDialects(
  'lead catalog',
  (h) => {
    it('filters alike: campaign, city ignoring ASCII case, status, priority, text in name/phone/city, digits as typed; total with paging', async () => {
      await seed(h);
      const ids = async (f: Parameters<typeof h.leadCatalog.search>[0], p = page) => (await h.leadCatalog.search(f, p)).items.map((l) => l.id);
      // Same created_at: ties by id in byte order ('-' < '_' < 'Z'... : 'l-B' < 'l-a' < 'l-d' < 'l-e' < 'l-f' < 'lZ' < 'l_c').
      expect(await ids({ campaignId: 'k' })).toEqual(['l-B', 'l-a', 'l-d', 'l-e', 'l-f', 'lZ', 'l_c']);
      expect(await ids({})).toEqual(['l-B', 'l-a', 'l-d', 'l-e', 'l-f', 'lZ', 'l_c', 'o-1']);
      expect(await ids({ campaignId: 'k', city: 'cartago' })).toEqual(['l-d', 'l-e']);
      expect(await ids({ campaignId: 'k', priority: 2 })).toEqual(['l-a', 'l_c']);
      expect(await ids({ campaignId: 'k', q: 'BRUNO' })).toEqual(['l-a', 'l-f']);
      expect(await ids({ campaignId: 'k', q: '8888 3333' })).toEqual(['l_c']); // digits found in the E.164 number
      expect(await ids({ campaignId: 'k', q: '2222' })).toEqual(['l-a', 'l-d', 'l-e', 'l-f']);
      expect(await ids({ campaignId: 'k', q: '%_' })).toEqual(['l-d']); // LIKE's wildcards are the text itself
      expect(await ids({ campaignId: 'k', q: 'heredia' })).toEqual(['l_c']);
      expect(await ids({ campaignId: 'k', status: 'selected' })).toEqual([]);
      const p2 = await h.leadCatalog.search({ campaignId: 'k' }, { sort: 'created_at', limit: 2, offset: 2 });
      expect({ ids: p2.items.map((l) => l.id), total: p2.total }).toEqual({ ids: ['l-d', 'l-e'], total: 7 });
      expect((await h.leadCatalog.search({ campaignId: 'k', city: 'san josé' }, page)).total).toBe(2);
    });

    it('sorts as SQLite compares: text in byte order, NULLs first ascending and last descending, ties by id', async () => {
      await seed(h);
      const sorted = async (sort: string) => (await h.leadCatalog.search({ campaignId: 'k' }, { sort, limit: 50, offset: 0 })).items.map((l) => l.id);
      // NULL, then '100%_real' < 'Bruno' < 'ana' = 'ana' (ties l-B < l-e) < 'bruno' < 'Álvaro' (bytes), en-US would mix cases.
      expect(await sorted('name')).toEqual(['l_c', 'l-d', 'l-a', 'l-B', 'l-e', 'l-f', 'lZ']);
      expect(await sorted('-name')).toEqual(['lZ', 'l-f', 'l-e', 'l-B', 'l-a', 'l-d', 'l_c']);
      expect(await sorted('city')).toEqual(['lZ', 'l-e', 'l-d', 'l_c', 'l-f', 'l-B', 'l-a']);
      expect(await sorted('-priority')).toEqual(['l-e', 'l-d', 'lZ', 'l-f', 'l_c', 'l-a', 'l-B']);
      expect(await sorted('phone')).toEqual(['l-d', 'l-e', 'l-f', 'l-B', 'l-a', 'l_c', 'lZ']);
    });

    it('creates one lead with an import’s rules: due now, priority clamped, duplicate refused, a listed number is dnc', async () => {
      await seed(h);
      const made = await h.leadCatalog.create(lead('k', '+50670001111', { name: 'Nuevo', priority: 9, custom: { a: 1 } }), T0 + 5);
      expect(made.ok).toBe(true);
      if (!made.ok) return;
      expect(made.lead).toMatchObject({ campaignId: 'k', name: 'Nuevo', priority: 5, status: 'no_selected', nextDueAt: T0 + 5, createdAt: T0 + 5, custom: { a: 1 }, synthetic: false });
      expect(await h.leadCatalog.get(made.lead.id)).toEqual(made.lead);
      expect(await h.read.lead(made.lead.id)).toEqual(made.lead);
      expect(await h.leadCatalog.idByPhone('k', '+50670001111')).toBe(made.lead.id);
      expect(await h.leadCatalog.idByPhone('other', '+50670001111')).toBeUndefined();
      expect(await h.leadCatalog.create(lead('k', '+50688881111'), T0 + 6)).toEqual({ ok: false, reason: 'duplicate', id: 'l-B' });
      await h.seed.dnc('+50670002222', null, T0);
      await h.seed.dnc('+50670003333', 'k', T0);
      await h.seed.dnc('+50670004444', 'other', T0);
      const listed = await Promise.all(['+50670002222', '+50670003333', '+50670004444'].map((p) => h.leadCatalog.create(lead('k', p), T0 + 7)));
      expect(listed.map((r) => (r.ok ? [r.lead.status, r.lead.nextDueAt] : r))).toEqual([
        ['dnc', null],
        ['dnc', null],
        ['no_selected', T0 + 7],
      ]);
      expect(await h.leadCatalog.get('nope')).toBeUndefined();
    });

    it('edits fields with one history row per change, oldest first; a new number on a DNC list retires the lead', async () => {
      await seed(h);
      const user = { id: 'u-sup', username: 'sup' };
      const e1 = await h.leadCatalog.edit('l-a', { name: 'Bruno M', priority: 1 }, [
        { field: 'name', from: 'Bruno', to: 'Bruno M' },
        { field: 'priority', from: 2, to: 1 },
      ], user, T0 + 10);
      expect(e1).toMatchObject({ id: 'l-a', name: 'Bruno M', priority: 1, updatedAt: T0 + 10, status: 'no_selected' });
      await h.seed.dnc('+50679990000', 'k', T0);
      const e2 = await h.leadCatalog.edit('l-a', { phoneE164: '+50679990000', phoneRaw: '7999 0000' }, [{ field: 'phone', from: '+50688882222', to: '+50679990000' }], user, T0 + 20);
      expect(e2).toMatchObject({ phoneE164: '+50679990000', phoneRaw: '7999 0000', status: 'dnc', nextDueAt: null, updatedAt: T0 + 20 });
      const hist = await h.leadCatalog.history('l-a', { limit: 10, offset: 0 });
      expect(hist.total).toBe(3);
      expect(hist.items.map(({ id: _id, ...e }) => e)).toEqual([
        { leadId: 'l-a', at: T0 + 10, userId: 'u-sup', username: 'sup', field: 'name', from: 'Bruno', to: 'Bruno M' },
        { leadId: 'l-a', at: T0 + 10, userId: 'u-sup', username: 'sup', field: 'priority', from: 2, to: 1 },
        { leadId: 'l-a', at: T0 + 20, userId: 'u-sup', username: 'sup', field: 'phone', from: '+50688882222', to: '+50679990000' },
      ]);
      expect((await h.leadCatalog.history('l-a', { limit: 1, offset: 2 })).items.map((e) => e.field)).toEqual(['phone']);
      // No change: the lead as it is, nothing written.
      expect(await h.leadCatalog.edit('l-B', {}, [], user, T0 + 30)).toEqual(await h.read.lead('l-B'));
      expect((await h.leadCatalog.history('l-B', { limit: 10, offset: 0 })).total).toBe(0);
      expect(await h.leadCatalog.edit('nope', { name: 'x' }, [{ field: 'name', from: null, to: 'x' }], user, T0)).toBeUndefined();
    });

    it('refuses an edit to a number another lead of the campaign has (the race the route’s check cannot close): nothing written', async () => {
      await seed(h);
      const user = { id: 'u-sup', username: 'sup' };
      const err = await h.leadCatalog
        .edit('l-a', { phoneE164: '+50688881111', name: 'taken' }, [{ field: 'phone', from: '+50688882222', to: '+50688881111' }, { field: 'name', from: 'Bruno', to: 'taken' }], user, T0 + 10)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(LeadPhoneTaken);
      expect(await h.read.lead('l-a')).toMatchObject({ phoneE164: '+50688882222', name: 'Bruno', updatedAt: T0 });
      expect((await h.leadCatalog.history('l-a', { limit: 10, offset: 0 })).total).toBe(0);
      // Another campaign's lead may have it.
      expect(await h.leadCatalog.edit('o-1', { phoneE164: '+50688882222' }, [{ field: 'phone', from: '+50688881111', to: '+50688882222' }], user, T0 + 10)).toMatchObject({ phoneE164: '+50688882222' });
    });

    it('deletes a lead unless it is being dialled (calling, or a live lease); its lock and history go with it', async () => {
      await seed(h);
      await h.campaigns.command('k', 'start', T0);
      await h.leadCatalog.locks.acquire('l-f', { id: 'u1', username: 'one' }, T0, 60_000);
      // A node leases every lead of k for a minute, and calls one.
      const leased = await h.hopper.lease({ campaignId: 'k', owner: 'n1', now: T0, limit: 10, leaseMs: 60_000 });
      expect(leased).toHaveLength(7);
      expect(await h.hopper.markCalling('l-B', 'n1', T0 + 1)).toBe(true);
      expect(await h.leadCatalog.remove('l-B', T0 + 2)).toEqual({ ok: false, reason: 'dialling' });
      expect(await h.leadCatalog.remove('l-a', T0 + 2)).toEqual({ ok: false, reason: 'dialling' });
      expect(await h.leadCatalog.remove('nope', T0 + 2)).toEqual({ ok: false, reason: 'not_found' });
      // Once the lease has run out (the node died), the lead is free to delete; the one in a call still is not.
      const r = await h.leadCatalog.remove('l-f', T0 + 60_000);
      expect(r.ok && r.lead.id).toBe('l-f');
      expect(await h.leadCatalog.remove('l-B', T0 + 60_000)).toEqual({ ok: false, reason: 'dialling' });
      expect(await h.leadCatalog.get('l-f')).toBeUndefined();
      expect(await h.leadCatalog.locks.current('l-f', T0)).toBeUndefined();
      expect((await h.read.leads('k')).map((l) => l.id).sort()).toEqual(['l-B', 'l-a', 'l-d', 'l-e', 'lZ', 'l_c']);
    });

    it('selects and resets by filter, leaving alone every lead a node holds (even past its lease) and other campaigns', async () => {
      await seed(h);
      expect(await h.leadCatalog.setSelection({ campaignId: 'k', city: 'san josé' }, 'no_selected', 'selected', T0 + 1)).toBe(2);
      expect((await h.read.lead('o-1'))?.status).toBe('no_selected');
      expect(await h.leadCatalog.setSelection({ campaignId: 'k' }, 'no_selected', 'selected', T0 + 2)).toBe(5);
      await h.campaigns.command('k', 'start', T0);
      // A node takes two (status selected, lease_owner set); their lease runs out without being given back.
      const leased = (await h.hopper.lease({ campaignId: 'k', owner: 'n1', now: T0 + 3, limit: 2, leaseMs: 1_000 })).map((l) => l.id).sort();
      expect(leased).toEqual(['l-B', 'l-a']);
      expect(await h.leadCatalog.setSelection({ campaignId: 'k' }, 'selected', 'no_selected', T0 + 10_000)).toBe(5);
      const after = await h.read.leads('k');
      expect(after.filter((l) => l.status === 'selected').map((l) => l.id).sort()).toEqual(['l-B', 'l-a']);
      expect(after.find((l) => l.id === 'lZ')).toMatchObject({ status: 'no_selected', updatedAt: T0 + 10_000 });
      expect(await h.leadCatalog.setSelection({ campaignId: 'k', priority: 4 }, 'no_selected', 'selected', T0 + 20_000)).toBe(1);
    });

    it('locks: one user at a time, the holder extends keeping when it took it, an expired lock is free, release', async () => {
      await seed(h);
      const one = { id: 'u1', username: 'one' };
      const two = { id: 'u2', username: 'two' };
      const a = await h.leadCatalog.locks.acquire('l-a', one, T0, 60_000);
      expect(a).toEqual({ ok: true, lock: { leadId: 'l-a', userId: 'u1', username: 'one', acquiredAt: T0, expiresAt: T0 + 60_000 } });
      expect(await h.leadCatalog.locks.acquire('l-a', two, T0 + 1, 60_000)).toEqual({ ok: false, heldBy: { leadId: 'l-a', userId: 'u1', username: 'one', acquiredAt: T0, expiresAt: T0 + 60_000 } });
      expect(await h.leadCatalog.locks.acquire('l-a', one, T0 + 30_000, 60_000)).toEqual({ ok: true, lock: { leadId: 'l-a', userId: 'u1', username: 'one', acquiredAt: T0, expiresAt: T0 + 90_000 } });
      expect(await h.leadCatalog.locks.current('l-a', T0 + 89_999)).toMatchObject({ userId: 'u1' });
      expect(await h.leadCatalog.locks.current('l-a', T0 + 90_000)).toBeUndefined();
      expect(await h.leadCatalog.locks.acquire('l-a', two, T0 + 90_000, 60_000)).toEqual({ ok: true, lock: { leadId: 'l-a', userId: 'u2', username: 'two', acquiredAt: T0 + 90_000, expiresAt: T0 + 150_000 } });
      expect(await h.leadCatalog.locks.release('l-a', 'u1')).toBe(false);
      expect(await h.leadCatalog.locks.release('l-a', 'u1', { force: true })).toBe(true);
      expect(await h.leadCatalog.locks.current('l-a', T0 + 90_000)).toBeUndefined();
      // Two users racing for one lead: exactly one wins.
      const race = await Promise.all([one, two, { id: 'u3', username: 'three' }].map((u) => h.leadCatalog.locks.acquire('l-B', u, T0, 60_000)));
      expect(race.filter((r) => r.ok)).toHaveLength(1);
    });

    it('gives the export its rows by id in byte order and the custom keys in byte order; who was called', async () => {
      await seed(h);
      const rows: string[] = [];
      for await (const l of h.leadCatalog.iterate('k')) rows.push(l.id);
      expect(rows).toEqual(['l-B', 'l-a', 'l-d', 'l-e', 'l-f', 'lZ', 'l_c']);
      expect(await h.leadCatalog.customKeys('k')).toEqual(['Zona', 'plan']);
      expect(await h.leadCatalog.customKeys('other')).toEqual([]);
      await h.seed.agent({ id: 'ag-1', name: 'Ana', userId: 'u-ana' });
      await h.callLogs.create({ id: 'c1', campaignId: 'k', leadId: 'l-a', phone: '+50688882222', nodeId: 'node-1', channelId: 'ch-1', at: T0 });
      await h.callLogs.markBridged('c1', { agentId: 'ag-1', at: T0 + 1 });
      expect(await h.leadCatalog.calledBy('l-a', 'u-ana')).toBe(true);
      expect(await h.leadCatalog.calledBy('l-B', 'u-ana')).toBe(false);
      expect(await h.leadCatalog.calledBy('l-a', 'u-bob')).toBe(false);
    });
  },
  { prefix: 'h_leads_pg_dialect' },
);
