/**
 * A pooled PostgreSQL connection that the server ends while idle (a restart, an administrator, a failover) is
 * reported on the pool. node-postgres throws such an error out of the process when nobody listens: one CI run
 * here ended with "terminating connection due to administrator command" as an uncaught exception. Every pool
 * from openPgPool listens, hands the error to `onIdleError`, and goes on with a new connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgPool, type PgPool } from '../../engine/store/pg/index.js';
import { createTestDatabase, type TestDatabase } from '../support/pg-database.js';
import { until } from '../support/until.js';

let db: TestDatabase;
let admin: PgPool;
const pools: PgPool[] = [];

beforeAll(async () => {
  db = await createTestDatabase('ct_idle_err');
  admin = openPgPool(db.url, { max: 1 });
  pools.push(admin);
}, 60_000);
afterAll(async () => {
  for (const p of pools) await p.end().catch(() => undefined);
  await db?.drop();
});

/** Ends, from the server side, the connections of the pool named `app`. */
async function terminate(app: string): Promise<number> {
  const r = await admin.query<{ n: number }>(
    'select count(pg_terminate_backend(pid))::int as n from pg_stat_activity where datname = current_database() and application_name = $1',
    [app],
  );
  return r.rows[0]!.n;
}

describe('openPgPool when the server ends an idle connection', () => {
  it('tells onIdleError (57P01) and the next query runs on a new connection', async () => {
    const seen: Array<{ code?: string }> = [];
    const pool = openPgPool(db.url, { max: 2, applicationName: 'told', onIdleError: (err) => seen.push(err as { code?: string }) });
    pools.push(pool);
    const before = (await pool.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    expect(pool.idleCount).toBe(1);
    expect(await terminate('told')).toBe(1);
    await until(() => (seen.length > 0 ? true : undefined), 10_000);
    expect(seen[0]!.code).toBe('57P01');
    const after = (await pool.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
    expect(after).not.toBe(before);
  });

  it('without onIdleError the error stays inside the pool (no uncaught exception) and queries go on', async () => {
    const pool = openPgPool(db.url, { max: 2, applicationName: 'untold' });
    pools.push(pool);
    await pool.query('select 1');
    expect(pool.idleCount).toBe(1);
    expect(await terminate('untold')).toBe(1);
    // The pool drops the dead connection once it has heard of it.
    await until(() => (pool.totalCount === 0 ? true : undefined), 10_000);
    expect((await pool.query<{ one: number }>('select 1 as one')).rows[0]!.one).toBe(1);
  });
});
