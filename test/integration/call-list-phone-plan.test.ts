/**
 * A phone search of 8 digits or more (a local or whole number) is found through call_logs_phone_tail_idx on both
 * dialects: the query spells the number's tail as the index does (engine/store/repos/call-list.ts phoneMatch), and a
 * spelling that drifted from the schemas' would leave every search a full scan (411 ms at 1 M CallLogs on SQLite,
 * `npm run bench:api`; 1 ms through the index). Fewer digits are a contains-match, which no index serves.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { and } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callFilterConditions, openStore, type Store } from '../../engine/store/index.js';
import { pgDb } from '../../engine/store/pg/drizzle.js';
import { callLogs as pgCallLogs } from '../../engine/store/schema-pg/call-logs.js';
import { callLogs } from '../../engine/store/schema/call-logs.js';
import { openMigratedTestDatabase, type MigratedTestDatabase } from '../support/pg-database.js';
import { DIALECTS, type Dialect } from '../support/store-dialects.js';

/** A plan reader per dialect: the call list's WHERE for a phone search, as the planner would run it. */
async function planReader(dialect: Dialect): Promise<{ plan: (digits: string) => Promise<string>; close: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'phone-plan-'));
    const store: Store = openStore(join(dir, 'c.db'));
    return {
      plan: async (digits) => {
        const q = store.db.select().from(callLogs).where(and(...callFilterConditions(callLogs, { phoneDigits: digits }))).toSQL();
        return (store.sqlite.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...(q.params as never[])) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
      },
      close: async () => {
        store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const pg: MigratedTestDatabase = await openMigratedTestDatabase('phone_plan');
  return {
    plan: async (digits) => {
      const q = pgDb(pg.pool).select().from(pgCallLogs).where(and(...callFilterConditions(pgCallLogs, { phoneDigits: digits }))).toSQL();
      const client = await pg.pool.connect();
      try {
        // An empty table is always read whole; with sequential scans priced out the plan shows whether the index fits.
        await client.query('SET enable_seqscan = off');
        const r = await client.query<{ 'QUERY PLAN': string }>({ text: `EXPLAIN ${q.sql}`, values: q.params });
        return r.rows.map((row) => row['QUERY PLAN']).join(' | ');
      } finally {
        client.release();
      }
    },
    close: () => pg.close(),
  };
}

for (const dialect of DIALECTS) describe(`phone search plans [${dialect}]`, () => {
  let reader: Awaited<ReturnType<typeof planReader>>;
  beforeAll(async () => {
    reader = await planReader(dialect);
  });
  afterAll(() => reader?.close());

  it('8 digits or more (a local or whole number) through the tail index, fewer not', async () => {
    expect(await reader.plan('84479219')).toMatch(/USING INDEX call_logs_phone_tail_idx|Index Scan (using|on) call_logs_phone_tail_idx/);
    expect(await reader.plan('50684479219')).toMatch(/USING INDEX call_logs_phone_tail_idx|Index Scan (using|on) call_logs_phone_tail_idx/);
    expect(await reader.plan('4479219')).not.toContain('call_logs_phone_tail_idx');
  });
});
