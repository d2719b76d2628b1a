/**
 * A pooled PostgreSQL connection that the server ends while idle (a restart, an administrator, a failover) is
 * reported on the pool. node-postgres throws such an error out of the process when nobody listens: one CI run
 * here ended with "terminating connection due to administrator command" as an uncaught exception. Every pool
 * from openPgPool listens, hands the error to `onIdleError`, and goes on with a new connection.
 *
 * A connection the server ends while it is lent out — inside a transaction, between two statements — emits its error
 * on that connection: node-postgres takes the pool's listener off a connection while it is lent, so with nobody
 * listening the error was thrown out of the process (an API or engine node would die on a lost connection instead
 * of failing one request). Every pool from openPgPool keeps a listener on each of its connections: the transaction
 * fails, the pool drops the dead connection, and the next query runs on a new one.
 */
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import type { PoolClient } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPgPool, pgTransaction, type PgClient, type PgPool } from '../../engine/store/pg/index.js';
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

/** Ends, from the server side, the connection whose backend is `pid`, and waits until it is gone. */
async function terminatePid(pid: number): Promise<void> {
  await admin.query('select pg_terminate_backend($1)', [pid]);
  await until(async () => ((await admin.query('select 1 from pg_stat_activity where pid = $1', [pid])).rowCount === 0 ? true : undefined), 10_000);
}

/** Resolves when the connection has heard that its server side is gone ('end': its socket closed). */
const ended = (c: PgClient | PoolClient) => new Promise<void>((resolve) => c.once('end', () => resolve()));

describe('openPgPool when the server ends a connection lent out in a transaction', () => {
  it('pgTransaction: the transaction rejects, the process keeps running, the next query runs on a new connection', async () => {
    const pool = openPgPool(db.url, { max: 1, applicationName: 'lent-tx' });
    pools.push(pool);
    const outcome = pgTransaction(pool, async (c) => {
      const pid = (await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      const gone = ended(c);
      await terminatePid(pid);
      // The connection's socket closes while no statement is in flight: the error goes to the connection's listeners.
      await gone;
      await c.query('select 1');
      return pid;
    });
    await expect(outcome).rejects.toThrow();
    const again = await pool.query<{ one: number }>('select 1 as one');
    expect(again.rows[0]!.one).toBe(1);
  });

  it('a drizzle transaction (the repositories\' way): rejects the same, and the pool recovers', async () => {
    const pool = openPgPool(db.url, { max: 1, applicationName: 'lent-drizzle' });
    pools.push(pool);
    const d = drizzle(pool);
    let lent: PoolClient | undefined;
    pool.once('acquire', (c) => (lent = c));
    const outcome = d.transaction(async (tx) => {
      const r = await tx.execute<{ pid: number }>(sql`select pg_backend_pid() as pid`);
      const gone = ended(lent!);
      await terminatePid(r.rows[0]!.pid);
      await gone;
      await tx.execute(sql`select 1`);
    });
    await expect(outcome).rejects.toThrow();
    const again = await pool.query<{ one: number }>('select 1 as one');
    expect(again.rows[0]!.one).toBe(1);
  });
});
