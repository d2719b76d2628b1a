/**
 * How much of a PostgreSQL lease (PgLeadHopper.lease) is its preamble: the campaign row, the zones with pending
 * leads (loose index scan) and the "any lead without a zone" probe, read again on every call. Measured against
 * the whole lease in the same run, interleaved call by call on the same connection and data, for campaigns whose
 * leads span 1, 5 and 30 zones. After each timed lease its leases are given back (untimed), so every call sees the
 * same table. Prints per-call medians and the preamble's share; not a test (nothing asserted on speed).
 *
 *   node --import tsx bench/hopper-pg-preamble.ts [--db postgres://…] [--leads 20000] [--batch 20] [--calls 300]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore, redactUrl, sortableId } from '../engine/store/index.js';
import { copySqliteToPg, createDatabase, LEASE_CAMPAIGN_SQL, LEASE_HAS_NULL_ZONE_SQL, LEASE_ZONES_SQL, dropDatabase, migratePg, openPgPool, PgLeadHopper, pgTransaction } from '../engine/store/pg/index.js';

const T0 = Date.UTC(2026, 2, 3, 15, 0, 0); // calling hours 00:00–23:59 every day: every zone is open
const ZONE_COUNTS = [1, 5, 30];
const ZONE_POOL = [
  'America/Costa_Rica',
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Los_Angeles',
  'America/Mexico_City',
  'America/Bogota',
  'America/Lima',
  'America/Santiago',
  'America/Sao_Paulo',
  'America/Argentina/Buenos_Aires',
  'America/Caracas',
  'America/Guatemala',
  'America/El_Salvador',
  'America/Tegucigalpa',
  'America/Managua',
  'America/Panama',
  'America/Havana',
  'America/Santo_Domingo',
  'America/Puerto_Rico',
  'America/Montevideo',
  'America/Asuncion',
  'America/La_Paz',
  'America/Guayaquil',
  'America/Toronto',
  'America/Phoenix',
  'America/Halifax',
  'America/Regina',
  'America/Winnipeg',
  'America/Edmonton',
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      db: { type: 'string' },
      leads: { type: 'string', default: '20000' },
      batch: { type: 'string', default: '20' },
      calls: { type: 'string', default: '300' },
    },
  });
  const server = values.db ?? process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/centralita_test';
  const n = Number(values.leads);
  const batch = Number(values.batch);
  const calls = Number(values.calls);
  const dbName = `centralita_bench_preamble_${process.pid}`;
  let url: string | undefined;
  const dir = mkdtempSync(join(tmpdir(), 'centralita-bench-preamble-'));
  try {
    url = await createDatabase(server, dbName);
    const pool = openPgPool(url, { max: 1 });
    await migratePg(pool);
    process.stdout.write(`hopper-pg-preamble: ${n} leads per campaign, ${batch} per lease, ${calls} calls each, ${redactUrl(url)}\n`);
    const hopper = new PgLeadHopper(pool);
    // The campaigns as the product stores them (SQLite repositories, db:copy); the leads written directly below.
    const store = openStore(join(dir, 'campaigns.db'));
    for (const zones of ZONE_COUNTS) {
      store.campaigns.create(`k${zones}`, { name: `k${zones}`, callingHours: { start: '00:00', end: '23:59' }, weekdays: [1, 2, 3, 4, 5, 6, 7] }, T0);
      store.campaigns.command(`k${zones}`, 'start', T0);
    }
    store.close();
    await copySqliteToPg({ from: join(dir, 'campaigns.db'), to: url });
    for (const zones of ZONE_COUNTS) {
      const id = `k${zones}`;
      for (let i = 0; i < n; i += 1000) {
        const rows = Array.from({ length: Math.min(1000, n - i) }, (_, j) => i + j);
        await pool.query(
          `insert into leads (id, campaign_id, phone_e164, phone_raw, time_zone, priority, custom, status, next_due_at, synthetic, created_at, updated_at)
           select unnest($1::text[]), $2, unnest($3::text[]), unnest($3::text[]), unnest($4::text[]), unnest($5::int[]), '{}', 'no_selected', unnest($6::bigint[]), false, $7, $7`,
          [
            rows.map(() => sortableId(T0)),
            id,
            rows.map((k) => `+1555${String(k).padStart(7, '0')}`),
            rows.map((k) => ZONE_POOL[k % zones]!),
            rows.map((k) => 1 + (k % 5)),
            rows.map((k) => T0 - 3_600_000 + (k % 1000)),
            T0 - 7_200_000,
          ],
        );
      }
      await pool.query('vacuum analyze leads');
      const whole: number[] = [];
      const preamble: number[] = [];
      for (let c = 0; c < calls; c++) {
        // Alternate which goes first, so neither always finds the other's pages warm.
        const order = c % 2 === 0 ? ['lease', 'preamble'] : ['preamble', 'lease'];
        for (const what of order) {
          if (what === 'lease') {
            const t = performance.now();
            const got = await hopper.lease({ campaignId: id, owner: 'bench', now: T0, limit: batch, leaseMs: 60_000 });
            whole.push(performance.now() - t);
            if (got.length !== batch) throw new Error(`lease returned ${got.length}, expected ${batch}`);
            await hopper.releaseLeases({ owner: 'bench', at: T0 });
          } else {
            const t = performance.now();
            await pgTransaction(pool, async (tx) => {
              await tx.query(LEASE_CAMPAIGN_SQL, [id]);
              await tx.query(LEASE_ZONES_SQL, [id]);
              await tx.query(LEASE_HAS_NULL_ZONE_SQL, [id]);
            });
            preamble.push(performance.now() - t);
          }
        }
      }
      const w = median(whole);
      const p = median(preamble);
      // The preamble alone pays its own BEGIN/COMMIT round trips, which a lease pays anyway: subtract an empty
      // transaction to get what the three reads add to a lease.
      const empty: number[] = [];
      for (let c = 0; c < calls; c++) {
        const t = performance.now();
        await pgTransaction(pool, async () => undefined);
        empty.push(performance.now() - t);
      }
      const e = median(empty);
      process.stdout.write(
        `  ${String(zones).padStart(2)} zone${zones > 1 ? 's' : ' '}: lease ${w.toFixed(2)} ms · the 3 preamble reads ${(p - e).toFixed(2)} ms ` +
          `(${(((p - e) / w) * 100).toFixed(0)} % of a lease; in their own transaction ${p.toFixed(2)} ms, an empty transaction ${e.toFixed(2)} ms)\n`,
      );
    }
    await pool.end();
    return 0;
  } catch (err) {
    process.stderr.write(`hopper-pg-preamble failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    if (url !== undefined) await dropDatabase(server, dbName).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
