import { spawn } from 'node:child_process';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_DIR, openStore, type NewLead, type Store } from '../../engine/store/index.js';
import { describeDialects } from '../support/store-dialects.js';

const STORE_MODULE = resolve(import.meta.dirname, '../../engine/store/index.js');

let dir: string;
let store: Store;
// Tuesday 2026-03-03 15:00 UTC: 09:00 in Costa Rica, 10:00 in New York, 16:00 in Madrid.
const T0 = Date.UTC(2026, 2, 3, 15, 0, 0);
const HOUR = 3_600_000;


function campaign(id: string, extra: Record<string, unknown> = {}): void {
  store.campaigns.create(id, { name: id, ...extra }, T0 - HOUR);
  store.campaigns.command(id, 'start', T0 - HOUR);
}

function lead(campaignId: string, phone: string, extra: Partial<NewLead> = {}): NewLead {
  return { campaignId, phoneE164: phone, phoneRaw: phone, timeZone: 'America/Costa_Rica', nextDueAt: T0 - HOUR, ...extra };
}

const crPhone = (i: number): string => `+5068${String(3000000 + i).padStart(7, '0')}`;

// The hopper's leasing, retry policy and calling hours run on SQLite and PostgreSQL from one body:
// store-dialect-hopper.test.ts. Here, on both dialects too: the DNC lists as the API writes them (they retire the
// leads still to dial) with the hopper leasing around them. Then what only the SQLite store has: several processes
// on one file (PostgreSQL's nodes racing: store-pg-hopper.test.ts).
describeDialects(
  'DNC lists and the hopper',
  (h) => {
    it('skips DNC numbers, internal and per campaign, and retires matching leads', async () => {
      for (const id of ['k', 'other']) {
        await h.seed.campaign(id, {}, T0 - HOUR);
        await h.campaigns.command(id, 'start', T0 - HOUR);
      }
      const dnc = h.callHistory.dnc;
      await dnc.add(crPhone(3), null, T0 - HOUR, 'asked'); // internal, before the leads
      await h.seed.leads([lead('k', crPhone(1)), lead('k', crPhone(2)), lead('k', crPhone(3)), lead('other', crPhone(2))], T0 - HOUR);
      await dnc.add(crPhone(2), 'k', T0 - 1); // campaign k only
      expect(await dnc.isBlocked(crPhone(2), 'k')).toBe(true);
      expect(await dnc.isBlocked(crPhone(2), 'other')).toBe(false);
      expect(await dnc.isBlocked(crPhone(3), 'other')).toBe(true);
      expect((await h.hopper.lease({ campaignId: 'k', owner: 'n1', now: T0, limit: 10, leaseMs: 1000 })).map((l) => l.phoneE164)).toEqual([crPhone(1)]);
      expect((await h.hopper.lease({ campaignId: 'other', owner: 'n1', now: T0, limit: 10, leaseMs: 1000 })).map((l) => l.phoneE164)).toEqual([crPhone(2)]);
      // crPhone(3) was seeded after its entry (as a lead no import checked): the hopper's own check keeps it out.
      expect(await h.read.countByStatus('k')).toMatchObject({ dnc: 1, selected: 1 });
      // Put on the list while its call is live: the attempt is recorded, the lead stays DNC and is never due again.
      const live = (await h.read.leads('k')).find((l) => l.status === 'selected')!;
      await dnc.add(live.phoneE164, null, T0 + 1);
      expect(await h.hopper.completeAttempt(live.id, 'BUSY', T0 + 2, { owner: 'n1' })).toMatchObject({
        status: 'dnc',
        attempts: 1,
        nextDueAt: null,
        leaseOwner: null,
      });
      expect(await dnc.remove(live.phoneE164, null)).toBe(true);
      expect((await dnc.page(null, { limit: 10, offset: 0 })).items.map((d) => d.phoneE164)).toEqual([crPhone(3)]);
    });
  },
  { prefix: 'ct_pg_suite_hopper' },
);

describe('hopper under concurrency (SQLite: processes on one file)', () => {
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'centralita-hopper-'));
    store = openStore(join(dir, 'c.db'));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

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
