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

describe('phone search plans', () => {
  let dir: string;
  let store: Store;
  let pg: MigratedTestDatabase;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'phone-plan-'));
    store = openStore(join(dir, 'c.db'));
    pg = await openMigratedTestDatabase('phone_plan');
  });
  afterAll(async () => {
    store?.close();
    rmSync(dir, { recursive: true, force: true });
    await pg?.close();
  });

  const sqlitePlan = (digits: string): string => {
    const q = store.db.select().from(callLogs).where(and(...callFilterConditions(callLogs, { phoneDigits: digits }))).toSQL();
    return (store.sqlite.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(...(q.params as never[])) as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
  };
  const pgPlan = async (digits: string): Promise<string> => {
    const q = pgDb(pg.pool).select().from(pgCallLogs).where(and(...callFilterConditions(pgCallLogs, { phoneDigits: digits }))).toSQL();
    const client = await pg.pool.connect();
    try {
      // An empty table is always read whole; with sequential scans priced out the planner shows whether the index fits.
      await client.query('SET enable_seqscan = off');
      const r = await client.query<{ 'QUERY PLAN': string }>({ text: `EXPLAIN ${q.sql}`, values: q.params });
      return r.rows.map((row) => row['QUERY PLAN']).join(' | ');
    } finally {
      client.release();
    }
  };

  it('on SQLite: 8 digits or more through the tail index, fewer a scan', () => {
    expect(sqlitePlan('84479219')).toContain('USING INDEX call_logs_phone_tail_idx');
    expect(sqlitePlan('50684479219')).toContain('USING INDEX call_logs_phone_tail_idx');
    expect(sqlitePlan('4479219')).not.toContain('call_logs_phone_tail_idx');
  });

  it('on PostgreSQL: 8 digits or more through the tail index', async () => {
    expect(await pgPlan('84479219')).toMatch(/Index Scan using call_logs_phone_tail_idx|Bitmap Index Scan on call_logs_phone_tail_idx/);
    expect(await pgPlan('4479219')).not.toContain('call_logs_phone_tail_idx');
  });
});
