/**
 * `centralita bench:hopper-pg` (npm run bench:hopper-pg): leases per second of the PostgreSQL hopper
 * (engine/store/pg/hopper.ts) with 1 and with 4 concurrent leasers (each its own connection, as separate engine
 * nodes would be) draining the same campaign, in the same run; the SQLite hopper on the same leads beside them
 * for reference, rounds 1, 4, 1, 4 (each after VACUUM, so the order does not favour one). Every lead must be leased
 * exactly once in each round (checked, printed).
 *   --db postgres://…  server to use (a scratch database is created there and dropped; default TEST_DATABASE_URL
 *                      or postgres://postgres@127.0.0.1:5432/centralita_test)
 *   --leads N (default 20000)   --batch B (leases per call, default 20)   --json (last line: one JSON object)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore, type NewLead, redactUrl } from '../engine/store/index.js';
import { copySqliteToPg, createDatabase, dropDatabase, migratePg, openPgPool, PgLeadHopper } from '../engine/store/pg/index.js';

const T0 = Date.UTC(2026, 2, 3, 15, 0, 0);
const LEASE_MS = 10 * 3_600_000;

interface Round {
  store: string;
  leasers: number;
  leases: number;
  distinct: number;
  ms: number;
  leasesPerSecond: number;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string' },
      leads: { type: 'string', default: '20000' },
      batch: { type: 'string', default: '20' },
      json: { type: 'boolean', default: false },
    },
  });
  const server = values.db ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/centralita_test';
  const n = Number(values.leads);
  const batch = Number(values.batch);
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(batch) || batch < 1) {
    process.stderr.write('bench:hopper-pg: --leads and --batch must be positive integers\n');
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'centralita-bench-hopper-'));
  const dbName = `centralita_bench_hopper_${process.pid}`;
  let url: string | undefined;
  try {
    url = await createDatabase(server, dbName);
    const admin = openPgPool(url, { max: 1 });
    await migratePg(admin);
    // Same leads in SQLite (written by the store's repositories) and PostgreSQL (db:copy of that file).
    const dbPath = join(dir, 'bench.db');
    const store = openStore(dbPath);
    store.campaigns.create('k', { name: 'bench' }, T0 - 3_600_000);
    store.campaigns.command('k', 'start', T0 - 3_600_000);
    const rows: NewLead[] = Array.from({ length: n }, (_, i) => ({
      campaignId: 'k',
      phoneE164: `+5068${String(1000000 + i).padStart(7, '0')}`,
      phoneRaw: String(i),
      timeZone: 'America/Costa_Rica',
      priority: 1 + (i % 5),
      nextDueAt: T0 - 3_600_000 + (i % 1000),
    }));
    store.transaction(() => store.leads.insertMany(rows, T0 - 7_200_000));
    await copySqliteToPg({ from: dbPath, to: url });
    process.stdout.write(`bench:hopper-pg: ${n} leads, ${batch} per lease call, PostgreSQL ${redactUrl(url)}\n`);

    const rounds: Round[] = [];
    // SQLite reference: one leaser (SQLite serialises writers on the file; more connections would only queue).
    {
      const t = performance.now();
      const got: string[] = [];
      for (;;) {
        const l = store.leads.lease({ campaignId: 'k', owner: 'lite', now: T0, limit: batch, leaseMs: LEASE_MS });
        if (l.length === 0) break;
        for (const x of l) got.push(x.id);
      }
      rounds.push(round('sqlite', 1, got, performance.now() - t));
    }
    store.close();
    for (const leasers of [1, 4, 1, 4]) {
      await new PgLeadHopper(admin).releaseLeases({ campaignId: 'k', at: T0 });
      // Each round starts from the same table: the previous round's dead row versions vacuumed away.
      await admin.query('vacuum analyze leads');
      const pools = Array.from({ length: leasers }, () => openPgPool(url!, { max: 1 }));
      const t = performance.now();
      const got = (
        await Promise.all(
          pools.map(async (p, i) => {
            const h = new PgLeadHopper(p);
            const mine: string[] = [];
            for (;;) {
              const l = await h.lease({ campaignId: 'k', owner: `node-${i}`, now: T0, limit: batch, leaseMs: LEASE_MS });
              if (l.length === 0) break;
              for (const x of l) mine.push(x.id);
            }
            return mine;
          }),
        )
      ).flat();
      rounds.push(round('postgres', leasers, got, performance.now() - t));
      await Promise.all(pools.map((p) => p.end()));
    }
    await admin.end();
    for (const r of rounds)
      process.stdout.write(
        `  ${r.store.padEnd(8)} ${String(r.leasers)} leaser${r.leasers > 1 ? 's' : ' '}: ${r.leases} leases (${r.distinct} distinct) in ${r.ms.toFixed(0)} ms = ${r.leasesPerSecond.toFixed(0)} leases/s\n`,
      );
    const ok = rounds.every((r) => r.leases === n && r.distinct === n);
    process.stdout.write(ok ? '  every lead leased exactly once in every round\n' : '  MISMATCH: a lead was leased twice or not at all\n');
    if (values.json) process.stdout.write(`${JSON.stringify({ leads: n, batch, rounds, ok })}\n`);
    return ok ? 0 : 1;
  } catch (err) {
    process.stderr.write(`bench:hopper-pg failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    if (url !== undefined) await dropDatabase(server, dbName).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

function round(store: string, leasers: number, ids: string[], ms: number): Round {
  return { store, leasers, leases: ids.length, distinct: new Set(ids).size, ms, leasesPerSecond: (ids.length / ms) * 1000 };
}
