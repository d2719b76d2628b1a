import { spawn } from 'node:child_process';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, openStore, type NewLead, type Store } from '../../engine/store/index.js';

const STORE_MODULE = resolve(import.meta.dirname, '../../engine/store/index.js');

let dir: string;
let store: Store;
// Tuesday 2026-03-03 15:00 UTC: 09:00 in Costa Rica, 10:00 in New York, 16:00 in Madrid.
const T0 = Date.UTC(2026, 2, 3, 15, 0, 0);
const HOUR = 3_600_000;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'centralita-hopper-'));
  store = openStore(join(dir, 'c.db'));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function campaign(id: string, extra: Record<string, unknown> = {}): void {
  store.campaigns.create(id, { name: id, ...extra }, T0 - HOUR);
  store.campaigns.command(id, 'start', T0 - HOUR);
}

function lead(campaignId: string, phone: string, extra: Partial<NewLead> = {}): NewLead {
  return { campaignId, phoneE164: phone, phoneRaw: phone, timeZone: 'America/Costa_Rica', nextDueAt: T0 - HOUR, ...extra };
}

const crPhone = (i: number): string => `+5068${String(3000000 + i).padStart(7, '0')}`;

describe('hopper leasing', () => {
  it('orders by priority then due time and never hands out a leased lead again', () => {
    campaign('k');
    store.leads.insertMany(
      [
        lead('k', crPhone(1), { priority: 3, nextDueAt: T0 - 10 }),
        lead('k', crPhone(2), { priority: 1, nextDueAt: T0 - 5 }),
        lead('k', crPhone(3), { priority: 3, nextDueAt: T0 - 20 }),
        lead('k', crPhone(4), { priority: 5, nextDueAt: T0 - 30 }),
        lead('k', crPhone(5), { priority: 1, nextDueAt: T0 + 60_000 }), // not due yet
      ],
      T0 - HOUR,
    );
    const first = store.leads.lease({ campaignId: 'k', owner: 'n1', now: T0, limit: 3, leaseMs: 600_000 });
    expect(first.map((l) => l.phoneE164)).toEqual([crPhone(2), crPhone(3), crPhone(1)]);
    expect(first.every((l) => l.status === 'selected' && l.leaseOwner === 'n1' && l.leaseExpiresAt === T0 + 600_000)).toBe(true);
    const second = store.leads.lease({ campaignId: 'k', owner: 'n2', now: T0 + 1, limit: 10, leaseMs: 600_000 });
    expect(second.map((l) => l.phoneE164)).toEqual([crPhone(4)]);
    // Once lead 5 is due, it is the only one left (the others are still leased).
    const third = store.leads.lease({ campaignId: 'k', owner: 'n2', now: T0 + 60_000, limit: 10, leaseMs: 600_000 });
    expect(third.map((l) => l.phoneE164)).toEqual([crPhone(5)]);
  });

  it('does not lease for a campaign that is not running, and stop releases leases', () => {
    store.campaigns.create('k', { name: 'k' }, T0);
    store.leads.insertMany([lead('k', crPhone(1)), lead('k', crPhone(2))], T0 - HOUR);
    expect(store.leads.lease({ campaignId: 'k', owner: 'n1', now: T0, limit: 5, leaseMs: 60_000 })).toEqual([]);
    store.campaigns.command('k', 'start', T0);
    expect(store.leads.lease({ campaignId: 'k', owner: 'n1', now: T0, limit: 1, leaseMs: 60_000 })).toHaveLength(1);
    const paused = store.campaigns.command('k', 'pause', T0);
    expect(paused.effects).toEqual([{ type: 'stop-new-dials' }]);
    expect(store.leads.lease({ campaignId: 'k', owner: 'n1', now: T0, limit: 5, leaseMs: 60_000 })).toEqual([]);
    expect(store.leads.countByStatus('k')).toEqual({ selected: 1, no_selected: 1 });
    const stopped = store.campaigns.command('k', 'stop', T0 + 1);
    expect(stopped.effects.map((e) => e.type)).toEqual(['stop-new-dials', 'release-leases']);
    expect(store.leads.countByStatus('k')).toEqual({ no_selected: 2 });
    expect(store.leads.list({ campaignId: 'k' }).every((l) => l.leaseOwner === null)).toBe(true);
    // State survives a restart.
    const path = store.path;
    store.close();
    store = openStore(path);
    expect(store.campaigns.get('k')?.state).toBe('stopped');
  });

  it('an expired lease (dead node) makes the lead available again; a live one does not', () => {
    campaign('k');
    store.leads.insertMany([lead('k', crPhone(1))], T0 - HOUR);
    const [l] = store.leads.lease({ campaignId: 'k', owner: 'dead-node', now: T0, limit: 1, leaseMs: 30_000 });
    expect(store.leads.markCalling(l!.id, 'dead-node', T0 + 1)).toBe(true);
    expect(store.leads.lease({ campaignId: 'k', owner: 'n2', now: T0 + 29_999, limit: 1, leaseMs: 30_000 })).toEqual([]);
    const again = store.leads.lease({ campaignId: 'k', owner: 'n2', now: T0 + 30_000, limit: 1, leaseMs: 30_000 });
    expect(again.map((x) => [x.id, x.leaseOwner])).toEqual([[l!.id, 'n2']]);
    // The dead node's lease is gone: it can neither mark the call nor renew.
    expect(store.leads.markCalling(l!.id, 'dead-node', T0 + 30_001)).toBe(false);
    expect(store.leads.renewLeases('dead-node', T0 + 30_001, 30_000)).toBe(0);
    expect(store.leads.renewLeases('n2', T0 + 50_000, 30_000)).toBe(1);
    expect(store.leads.get(l!.id)?.leaseExpiresAt).toBe(T0 + 80_000);
  });

  it('skips DNC numbers, internal and per campaign, and retires matching leads', () => {
    campaign('k');
    campaign('other');
    store.dnc.add(crPhone(3), null, T0 - HOUR, 'asked'); // internal, before import
    store.leads.insertMany([lead('k', crPhone(1)), lead('k', crPhone(2)), lead('k', crPhone(3)), lead('other', crPhone(2))], T0 - HOUR);
    store.dnc.add(crPhone(2), 'k', T0 - 1); // campaign k only
    expect(store.dnc.isBlocked(crPhone(2), 'k')).toBe(true);
    expect(store.dnc.isBlocked(crPhone(2), 'other')).toBe(false);
    expect(store.dnc.isBlocked(crPhone(3), 'other')).toBe(true);
    expect(store.leads.lease({ campaignId: 'k', owner: 'n1', now: T0, limit: 10, leaseMs: 1000 }).map((l) => l.phoneE164)).toEqual([
      crPhone(1),
    ]);
    expect(store.leads.lease({ campaignId: 'other', owner: 'n1', now: T0, limit: 10, leaseMs: 1000 }).map((l) => l.phoneE164)).toEqual([
      crPhone(2),
    ]);
    expect(store.leads.countByStatus('k')).toMatchObject({ dnc: 2, selected: 1 });
    // Put on the list while its call is live: the attempt is recorded, the lead stays DNC and is never due again.
    const [live] = store.leads.list({ campaignId: 'k', status: 'selected' });
    store.dnc.add(live!.phoneE164, null, T0 + 1);
    expect(store.leads.completeAttempt(live!.id, 'BUSY', T0 + 2, { owner: 'n1' })).toMatchObject({
      status: 'dnc',
      attempts: 1,
      nextDueAt: null,
      leaseOwner: null,
    });
    expect(store.dnc.remove(live!.phoneE164, null)).toBe(true);
    expect(store.dnc.list(null).map((d) => d.phoneE164)).toEqual([crPhone(3)]);
  });

  it('retries per disposition, stops at max attempts, and finishes on a human answer', () => {
    campaign('k', { maxAttempts: 3, retryDelays: { BUSY: 120, NO_ANSWER: 900 } });
    store.leads.insertMany([lead('k', crPhone(1)), lead('k', crPhone(2))], T0 - HOUR);
    const take = (now: number) => store.leads.lease({ campaignId: 'k', owner: 'n1', now, limit: 10, leaseMs: 60_000 });

    const [a, b] = take(T0);
    let ra = store.leads.completeAttempt(a!.id, 'BUSY', T0 + 10_000, { owner: 'n1' })!;
    expect(ra).toMatchObject({ status: 'busy', attempts: 1, lastAttemptAt: T0 + 10_000, nextDueAt: T0 + 130_000, leaseOwner: null });
    const rb = store.leads.completeAttempt(b!.id, 'ANSWERED_HUMAN', T0 + 20_000)!;
    expect(rb).toMatchObject({ status: 'completed', attempts: 1, nextDueAt: null });

    expect(take(T0 + 129_999)).toEqual([]);
    expect(take(T0 + 130_000).map((l) => l.id)).toEqual([a!.id]);
    ra = store.leads.completeAttempt(a!.id, 'NO_ANSWER', T0 + 160_000)!;
    expect(ra).toMatchObject({ status: 'no_answer', attempts: 2, nextDueAt: T0 + 160_000 + 900_000 });
    // A cancelled attempt (we hung up first) does not count.
    take(T0 + 2 * HOUR);
    ra = store.leads.completeAttempt(a!.id, 'CANCELLED', T0 + 2 * HOUR + 1)!;
    expect(ra.attempts).toBe(2);
    take(T0 + 2 * HOUR + 1);
    ra = store.leads.completeAttempt(a!.id, 'MACHINE', T0 + 2 * HOUR + 5)!;
    expect(ra).toMatchObject({ status: 'machine', attempts: 3, nextDueAt: null });
    expect(take(T0 + 10 * HOUR)).toEqual([]);
    // Invalid numbers are final with an error.
    store.leads.insertMany([lead('k', crPhone(9))], T0);
    const [c] = take(T0 + 3 * HOUR);
    expect(store.leads.completeAttempt(c!.id, 'INVALID_NUMBER', T0 + 3 * HOUR)).toMatchObject({
      status: 'error',
      nextDueAt: null,
      lastError: 'invalid number',
    });
  });
});

describe('calling hours in the lead time zone', () => {
  function zoned(): void {
    const due = Date.UTC(2026, 1, 1);
    store.leads.insertMany(
      [
        lead('k', '+50688880001', { timeZone: 'America/Costa_Rica', nextDueAt: due }),
        lead('k', '+12125550101', { timeZone: 'America/New_York', nextDueAt: due }),
        lead('k', '+34612345678', { timeZone: 'Europe/Madrid', nextDueAt: due }),
        lead('k', '+50688880002', { timeZone: null, nextDueAt: due }), // campaign default (Costa Rica)
      ],
      Date.UTC(2026, 1, 1),
    );
  }
  const leasedZones = (now: number): Array<string | null> => {
    const got = store.leads.lease({ campaignId: 'k', owner: 'n1', now, limit: 10, leaseMs: 1 });
    return got.map((l) => l.timeZone).sort((a, b) => String(a).localeCompare(String(b)));
  };

  it('leases only leads whose local time is inside the window', () => {
    campaign('k');
    zoned();
    // Tue 2026-03-03 13:30 UTC: CR 07:30 (closed), NY 08:30 EST (open), Madrid 14:30 (open).
    expect(leasedZones(Date.UTC(2026, 2, 3, 13, 30))).toEqual(['America/New_York', 'Europe/Madrid']);
  });

  it('uses the campaign default zone for leads without one', () => {
    campaign('k');
    zoned();
    // Tue 2026-03-03 21:00 UTC: CR 15:00 (open), NY 16:00 (open), Madrid 22:00 (closed).
    expect(leasedZones(Date.UTC(2026, 2, 3, 21, 0))).toEqual(['America/Costa_Rica', 'America/New_York', null]);
  });

  it('orders by priority then due time across zones and respects the limit', () => {
    campaign('k');
    const at = Date.UTC(2026, 2, 3, 16, 0); // CR 10:00, NY 11:00, Madrid 17:00: all open
    store.leads.insertMany(
      [
        lead('k', '+50688880001', { timeZone: 'America/Costa_Rica', priority: 2, nextDueAt: at - 5_000 }),
        lead('k', '+12125550101', { timeZone: 'America/New_York', priority: 1, nextDueAt: at - 1_000 }),
        lead('k', '+34612345678', { timeZone: 'Europe/Madrid', priority: 1, nextDueAt: at - 2_000 }),
        lead('k', '+50688880002', { timeZone: null, priority: 2, nextDueAt: at - 9_000 }),
        lead('k', '+34612345679', { timeZone: 'Europe/Madrid', priority: 4, nextDueAt: at - 99_000 }),
      ],
      at - HOUR,
    );
    const got = store.leads.lease({ campaignId: 'k', owner: 'n1', now: at, limit: 4, leaseMs: 60_000 });
    expect(got.map((l) => l.phoneE164)).toEqual(['+34612345678', '+12125550101', '+50688880002', '+50688880001']);
  });

  it('America/New_York across the 2026-03-08 DST change', () => {
    campaign('k', { weekdays: [1, 2, 3, 4, 5, 6, 7] });
    store.leads.insertMany([lead('k', '+12125550101', { timeZone: 'America/New_York' })], Date.UTC(2026, 1, 1));
    const open = (t: number): boolean => {
      const got = store.leads.lease({ campaignId: 'k', owner: 'n1', now: t, limit: 1, leaseMs: 1 });
      return got.length === 1;
    };
    // Saturday 7 March (EST, UTC-5): opens at 13:00 UTC.
    expect(open(Date.UTC(2026, 2, 7, 12, 59))).toBe(false);
    expect(open(Date.UTC(2026, 2, 7, 13, 0))).toBe(true);
    // Monday 9 March (EDT, UTC-4): opens at 12:00 UTC — a fixed offset would still say 07:00.
    expect(open(Date.UTC(2026, 2, 9, 11, 59))).toBe(false);
    expect(open(Date.UTC(2026, 2, 9, 12, 0))).toBe(true);
    // Closes at 21:00 EDT = 01:00 UTC the next day.
    expect(open(Date.UTC(2026, 2, 10, 0, 59))).toBe(true);
    expect(open(Date.UTC(2026, 2, 10, 1, 0))).toBe(false);
  });

  it('Europe/Madrid across the 2026-03-29 DST change, and weekdays', () => {
    campaign('k', { weekdays: [1, 2, 3, 4, 5, 6] }); // no Sundays
    store.leads.insertMany([lead('k', '+34612345678', { timeZone: 'Europe/Madrid' })], Date.UTC(2026, 1, 1));
    const open = (t: number): boolean => store.leads.lease({ campaignId: 'k', owner: 'n1', now: t, limit: 1, leaseMs: 1 }).length === 1;
    // Saturday 28 March (CET, UTC+1): 08:00 local = 07:00 UTC.
    expect(open(Date.UTC(2026, 2, 28, 6, 59))).toBe(false);
    expect(open(Date.UTC(2026, 2, 28, 7, 0))).toBe(true);
    // Sunday 29 March (the change itself) is not an allowed weekday.
    expect(open(Date.UTC(2026, 2, 29, 12, 0))).toBe(false);
    // Monday 30 March (CEST, UTC+2): 08:00 local = 06:00 UTC; 21:00 local = 19:00 UTC.
    expect(open(Date.UTC(2026, 2, 30, 6, 0))).toBe(true);
    expect(open(Date.UTC(2026, 2, 30, 5, 59))).toBe(false);
    expect(open(Date.UTC(2026, 2, 30, 18, 59))).toBe(true);
    expect(open(Date.UTC(2026, 2, 30, 19, 0))).toBe(false);
  });
});

describe('hopper under concurrency', () => {
  /**
   * A Node process (own SQLite connection, via tsx) that prints "ready" once its store is open, waits for a line on
   * stdin, then runs `body`; resolves with what it prints after that.
   */
  function spawnWorker(script: string): { ready: Promise<void>; go: () => void; done: Promise<string> } {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let markReady: () => void = () => {};
    const ready = new Promise<void>((r) => (markReady = r));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.startsWith('ready\n')) markReady();
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const done = new Promise<string>((resolvePromise, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolvePromise(out.replace(/^ready\n/, '')) : reject(new Error(`worker exited ${code}: ${err}`))));
    });
    return { ready, done, go: () => child.stdin.end('go\n') };
  }

  const waitForGo = `await new Promise((r) => process.stdin.once('data', r));`;

  it('several processes leasing the same file at once never get the same lead', async () => {
    campaign('k');
    const N = 1200;
    store.leads.insertMany(
      Array.from({ length: N }, (_, i) => lead('k', crPhone(i), { priority: 1 + (i % 5) })),
      T0 - HOUR,
    );
    const path = store.path;
    const worker = (owner: string) => `
      import { openStore } from ${JSON.stringify(STORE_MODULE)};
      const s = openStore(${JSON.stringify(path)}, { migrate: false });
      process.stdout.write('ready\\n');
      ${waitForGo}
      const ids = [];
      for (;;) {
        const got = s.leads.lease({ campaignId: 'k', owner: ${JSON.stringify(owner)}, now: ${T0}, limit: 7, leaseMs: 600000 });
        if (got.length === 0) break;
        for (const l of got) ids.push(l.id);
      }
      s.close();
      process.stdout.write(JSON.stringify(ids));
    `;
    const owners = ['w1', 'w2'];
    const workers = owners.map((o) => spawnWorker(worker(o)));
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.go();
    // The test process leases too, through its own connection, yielding between batches.
    const mine: string[] = [];
    for (;;) {
      const got = store.leads.lease({ campaignId: 'k', owner: 'main', now: T0, limit: 5, leaseMs: 600_000 });
      if (got.length === 0) break;
      mine.push(...got.map((l) => l.id));
      await new Promise((r) => setImmediate(r));
    }
    const results = [...(await Promise.all(workers.map(async (w) => JSON.parse(await w.done) as string[]))), mine];
    const all = results.flat();
    expect(all).toHaveLength(N);
    expect(new Set(all).size).toBe(N);
    // Each lead's stored owner is the one that received it.
    const owned = new Map(store.leads.list({ campaignId: 'k', limit: N }).map((l) => [l.id, l.leaseOwner]));
    [...owners, 'main'].forEach((o, i) => {
      for (const id of results[i]!) expect(owned.get(id)).toBe(o);
    });
    // How the 1,200 leads split between processes depends on scheduling (on a loaded machine one process may
    // drain the hopper before the others start), so only the invariants above are asserted.
    if (process.env.STORE_TEST_VERBOSE) console.log('leases per process', results.map((r) => r.length));
  }, 30_000);

  it('processes opening a fresh file at once all migrate it without error', async () => {
    const path = join(dir, 'fresh', 'x.db');
    const script = `
      process.stdout.write('ready\\n');
      ${waitForGo}
      const { openStore } = await import(${JSON.stringify(STORE_MODULE)});
      const s = openStore(${JSON.stringify(path)});
      process.stdout.write(String(s.sqlite.prepare('select count(*) as n from __drizzle_migrations').get().n));
      s.close();
    `;
    const workers = [spawnWorker(script), spawnWorker(script)];
    await Promise.all(workers.map((w) => w.ready));
    for (const w of workers) w.go();
    // This process races them with its own connection.
    const mine = openStore(path);
    const count = (mine.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n;
    mine.close();
    const migrations = String(readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR }).length);
    expect([...(await Promise.all(workers.map((w) => w.done))), String(count)]).toEqual([migrations, migrations, migrations]);
  }, 30_000);
});
