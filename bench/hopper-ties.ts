/**
 * A lease when many leads are due at the same moment (one import gives all its leads its own time as due time),
 * against the same campaign with distinct due times in the same run, on SQLite and on PostgreSQL. Both hoppers
 * order ties by id; the hopper indexes end with the id so that the first `limit` of a tie are read in order instead
 * of the whole tie being sorted on every lease. Each timed lease is given back (untimed), so every call sees the
 * same table. Prints medians; not a test.
 *
 *   node --import tsx bench/hopper-ties.ts [--db postgres://…] [--leads 20000] [--batch 20] [--calls 100]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hopperBenchArgs, median } from './hopper-bench-args.js';
import { openStore, redactUrl, type NewLead } from '../engine/store/index.js';
import { copySqliteToPg, createDatabase, dropDatabase, migratePg, openPgPool, PgLeadHopper } from '../engine/store/pg/index.js';

const T0 = Date.UTC(2026, 2, 3, 15, 0, 0); // 09:00 in Costa Rica: inside the default calling hours

async function main(): Promise<number> {
  const { server, leads: n, batch, calls } = hopperBenchArgs(100);
  const dir = mkdtempSync(join(tmpdir(), 'centralita-bench-ties-'));
  const made: string[] = [];
  try {
    process.stdout.write(`hopper-ties: ${n} leads in one zone and priority, ${batch} per lease, ${calls} calls each\n`);
    for (const sameDue of [false, true]) {
      const path = join(dir, `${sameDue}.db`);
      const store = openStore(path);
      store.campaigns.create('k', { name: 'k' }, T0 - 3_600_000);
      store.campaigns.command('k', 'start', T0 - 3_600_000);
      const rows: NewLead[] = Array.from({ length: n }, (_, i) => ({
        campaignId: 'k',
        phoneE164: `+1555${String(i).padStart(7, '0')}`,
        phoneRaw: String(i),
        timeZone: 'America/Costa_Rica',
        priority: 3,
        nextDueAt: sameDue ? T0 - 3_600_000 : T0 - 3_600_000 + i,
      }));
      store.transaction(() => store.leads.insertMany(rows, T0 - 7_200_000));
      const name = `centralita_bench_ties_${process.pid}_${sameDue ? 'same' : 'distinct'}`;
      const url = await createDatabase(server, name);
      made.push(name);
      const pool = openPgPool(url, { max: 1 });
      await migratePg(pool);
      await copySqliteToPg({ from: path, to: url });
      await pool.query('vacuum analyze leads');
      const pg = new PgLeadHopper(pool);
      const lite: number[] = [];
      const post: number[] = [];
      for (let c = 0; c < calls; c++) {
        let t = performance.now();
        if (store.leads.lease({ campaignId: 'k', owner: 'b', now: T0, limit: batch, leaseMs: 60_000 }).length !== batch) throw new Error('SQLite lease came back short');
        lite.push(performance.now() - t);
        store.leads.releaseLeases({ owner: 'b', at: T0 });
        t = performance.now();
        if ((await pg.lease({ campaignId: 'k', owner: 'b', now: T0, limit: batch, leaseMs: 60_000 })).length !== batch) throw new Error('PostgreSQL lease came back short');
        post.push(performance.now() - t);
        await pg.releaseLeases({ owner: 'b', at: T0 });
      }
      process.stdout.write(
        `  ${sameDue ? 'all due at one moment' : 'distinct due times   '}: lease median SQLite ${median(lite).toFixed(2)} ms · PostgreSQL ${median(post).toFixed(2)} ms (${redactUrl(url)})\n`,
      );
      store.close();
      await pool.end();
    }
    return 0;
  } catch (err) {
    process.stderr.write(`hopper-ties failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    for (const name of made) await dropDatabase(server, name).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
