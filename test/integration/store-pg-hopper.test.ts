/**
 * The PostgreSQL hopper (engine/store/pg/hopper.ts) on the real server: it leases in the same order as the
 * SQLite hopper over the same leads; four nodes (separate pools) racing over 2,000 leads never lease one twice;
 * a dead node's leases come back at expiry and not a millisecond before (virtual time: `now` passed in); a stale
 * node cannot call, renew or free a lead another node took after expiry.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type NewLead, type Store } from '../../engine/store/index.js';
import { copySqliteToPg, migratePg, openPgPool, PgLeadHopper, type PgPool } from '../../engine/store/pg/index.js';
import { createTestDatabase, type TestDatabase } from '../support/pg-database.js';

// Tuesday 2026-03-03 15:00 UTC: 09:00 in Costa Rica, 10:00 in New York, 16:00 in Madrid.
const T0 = Date.UTC(2026, 2, 3, 15, 0, 0);
const HOUR = 3_600_000;
const ZONES = ['America/Costa_Rica', 'America/New_York', 'Europe/Madrid', 'Asia/Tokyo', null] as const;

let target: TestDatabase;
let pool: PgPool;
let dir: string;
let store: Store | undefined;
const extraPools: PgPool[] = [];

beforeAll(async () => {
  target = await createTestDatabase('ct_hopper');
  pool = openPgPool(target.url);
  await migratePg(pool);
  dir = mkdtempSync(join(tmpdir(), 'centralita-pghopper-'));
}, 60_000);
afterEach(async () => {
  store?.close();
  store = undefined;
  await Promise.all(extraPools.splice(0).map((p) => p.end()));
});
afterAll(async () => {
  await pool?.end();
  await target?.drop();
  rmSync(dir, { recursive: true, force: true });
});

/** `n` leads in a SQLite store (through its repositories), copied to PostgreSQL: both stores hold the same rows. */
async function seed(n: number, name: string, varied: boolean): Promise<Store> {
  const s = openStore(join(dir, `${name}.db`));
  s.campaigns.create('k', { name: 'k', maxAttempts: 3, retryDelays: { default: 600, NO_ANSWER: 900 } }, T0 - HOUR);
  s.campaigns.command('k', 'start', T0 - HOUR);
  const rows: NewLead[] = Array.from({ length: n }, (_, i) => ({
    campaignId: 'k',
    phoneE164: `+5068${String(3000000 + i).padStart(7, '0')}`,
    phoneRaw: String(i),
    timeZone: varied ? (ZONES[i % ZONES.length] ?? null) : 'America/Costa_Rica',
    priority: varied ? 1 + ((i * 7) % 5) : 3,
    // Some share a due time (ties broken by id), some are not due yet.
    nextDueAt: varied ? T0 - HOUR + ((i * 13) % 97) * 1000 + (i % 11 === 0 ? 2 * HOUR : 0) : T0 - HOUR + i,
  }));
  s.transaction(() => s.leads.insertMany(rows, T0 - 2 * HOUR));
  if (varied) {
    s.dnc.add('+50683000010', null, T0 - HOUR);
    s.dnc.add('+50683000020', 'k', T0 - HOUR);
  }
  await copySqliteToPg({ from: join(dir, `${name}.db`), to: target.url, forceEmptyTarget: true });
  return s;
}

describe('PgLeadHopper', () => {
  it('leases in the same order as the SQLite hopper (priority, due, id; zones in calling hours; DNC; not due)', async () => {
    store = await seed(400, 'parity', true);
    const hopper = new PgLeadHopper(pool);
    let pgTotal = 0;
    for (const now of [T0, T0 + 1, T0 + 2 * HOUR + 1]) {
      for (;;) {
        const lite = store.leads.lease({ campaignId: 'k', owner: 'n1', now, limit: 37, leaseMs: 10 * HOUR }).map((l) => l.id);
        const pgl = (await hopper.lease({ campaignId: 'k', owner: 'n1', now, limit: 37, leaseMs: 10 * HOUR })).map((l) => l.id);
        expect(pgl).toEqual(lite);
        pgTotal += pgl.length;
        if (lite.length === 0) break;
      }
    }
    // Tokyo is outside calling hours (midnight there), two are on DNC lists: those are never leased.
    expect(pgTotal).toBe(400 - 80 - 2);
    const statuses = (await pool.query(`select status, count(*)::int as n from leads group by status order by status`)).rows;
    expect(statuses).toEqual([
      { status: 'dnc', n: 2 },
      { status: 'no_selected', n: 80 },
      { status: 'selected', n: 318 },
    ]);
  });

  it('four nodes racing over 2,000 leads never lease the same lead twice', async () => {
    store = await seed(2000, 'race', false);
    const nodes = Array.from({ length: 4 }, (_, i) => {
      const p = openPgPool(target.url, { max: 2 });
      extraPools.push(p);
      return { owner: `node-${i}`, hopper: new PgLeadHopper(p), got: [] as string[] };
    });
    await Promise.all(
      nodes.map(async (n) => {
        // 4 × 200 leases racing, then on until the campaign runs dry.
        for (let round = 0; ; round++) {
          const leased = await n.hopper.lease({ campaignId: 'k', owner: n.owner, now: T0, limit: round < 20 ? 10 : 50, leaseMs: 600_000 });
          n.got.push(...leased.map((l) => l.id));
          if (leased.length === 0 && round >= 20) break;
        }
      }),
    );
    const all = nodes.flatMap((n) => n.got);
    expect(all.length).toBe(2000);
    expect(new Set(all).size).toBe(2000);
    for (const n of nodes) expect(n.got.length, `${n.owner} took part in the race`).toBeGreaterThan(0);
    // The database agrees with what each node was told.
    const owners = new Map((await pool.query(`select id, lease_owner from leads`)).rows.map((r: { id: string; lease_owner: string }) => [r.id, r.lease_owner]));
    for (const n of nodes) for (const id of n.got) expect(owners.get(id)).toBe(n.owner);
  });

  it("a dead node's leases come back at expiry, not before; the stale node cannot call, renew or free them", async () => {
    store = await seed(300, 'expiry', false);
    const deadPool = openPgPool(target.url, { max: 1 });
    const dead = new PgLeadHopper(deadPool);
    const alive = new PgLeadHopper(pool);
    const leaseMs = 30_000;
    const mine = (await dead.lease({ campaignId: 'k', owner: 'dead', now: T0, limit: 100, leaseMs })).map((l) => l.id);
    expect(mine.length).toBe(100);
    await deadPool.end(); // the node is gone; its rows stay leased until the lease runs out

    const before = await alive.lease({ campaignId: 'k', owner: 'alive', now: T0 + leaseMs - 1, limit: 1000, leaseMs });
    expect(before.length).toBe(200);
    expect(before.some((l) => mine.includes(l.id))).toBe(false);

    const after = await alive.lease({ campaignId: 'k', owner: 'alive', now: T0 + leaseMs, limit: 1000, leaseMs });
    expect(after.map((l) => l.id).sort()).toEqual([...mine].sort());
    expect(after.every((l) => l.leaseOwner === 'alive' && l.leaseExpiresAt === T0 + 2 * leaseMs && l.status === 'selected')).toBe(true);

    // The stale node comes back: it cannot dial, renew or release what 'alive' now holds.
    const stale = new PgLeadHopper(pool);
    expect(await stale.markCalling(mine[0]!, 'dead', T0 + leaseMs + 1)).toBe(false);
    expect(await stale.renewLeases('dead', T0 + leaseMs + 1, leaseMs)).toBe(0);
    const done = await stale.completeAttempt(mine[0]!, 'NO_ANSWER', T0 + leaseMs + 2, { owner: 'dead' });
    expect(done?.leaseOwner).toBe('alive');
    expect(done?.attempts).toBe(1);
    expect(await alive.markCalling(mine[1]!, 'alive', T0 + leaseMs + 3)).toBe(true);
  });

  it('renew, complete and release behave as on SQLite', async () => {
    store = await seed(50, 'ops', false);
    const hopper = new PgLeadHopper(pool);
    const leaseMs = 60_000;
    const a = await hopper.lease({ campaignId: 'k', owner: 'n1', now: T0, limit: 10, leaseMs });
    const l = store.leads.lease({ campaignId: 'k', owner: 'n1', now: T0, limit: 10, leaseMs });
    expect(a.map((x) => x.id)).toEqual(l.map((x) => x.id));

    expect(await hopper.renewLeases('n1', T0 + 59_999, leaseMs, [a[0]!.id, a[1]!.id])).toBe(2);
    expect(store.leads.renewLeases('n1', T0 + 59_999, leaseMs, [l[0]!.id, l[1]!.id])).toBe(2);
    // The other eight expired at T0 + 60 s: not revived.
    expect(await hopper.renewLeases('n1', T0 + 60_000, leaseMs)).toBe(2);
    expect(store.leads.renewLeases('n1', T0 + 60_000, leaseMs)).toBe(2);

    expect(await hopper.markCalling(a[0]!.id, 'n1', T0 + 61_000)).toBe(true);
    store.leads.markCalling(l[0]!.id, 'n1', T0 + 61_000);
    const pgDone = await hopper.completeAttempt(a[0]!.id, 'NO_ANSWER', T0 + 90_000, { owner: 'n1' });
    const liteDone = store.leads.completeAttempt(l[0]!.id, 'NO_ANSWER', T0 + 90_000, { owner: 'n1' });
    const pick = (r: { status: string; attempts: number; nextDueAt: number | null; lastDisposition: string | null; leaseOwner: string | null; lastAttemptAt: number | null } | undefined) =>
      r && { status: r.status, attempts: r.attempts, nextDueAt: r.nextDueAt, lastDisposition: r.lastDisposition, leaseOwner: r.leaseOwner, lastAttemptAt: r.lastAttemptAt };
    expect(pick(pgDone)).toEqual(pick(liteDone));
    expect(pgDone?.nextDueAt).toBe(T0 + 90_000 + 900_000);

    // Expired leases released (a dead node's): status back to what its last outcome says, due time kept.
    expect(await hopper.releaseLeases({ campaignId: 'k', expiredAt: T0 + 100_000, at: T0 + 100_000 })).toBe(8);
    expect(store.leads.releaseLeases({ campaignId: 'k', expiredAt: T0 + 100_000, at: T0 + 100_000 })).toBe(8);
    expect(await hopper.releaseLeases({ owner: 'n1', at: T0 + 100_001 })).toBe(1);
    const rows = (await pool.query(`select status, count(*)::int as n from leads where lease_owner is null group by status order by status`)).rows;
    expect(rows).toEqual([
      { status: 'no_answer', n: 1 },
      { status: 'no_selected', n: 49 },
    ]);
  });
});
