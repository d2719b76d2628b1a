/**
 * A PostgreSQL connection the server ends while it is checked out of the pool — inside a transaction, between two
 * statements (a restart, a failover, an administrator) — emits an error on that connection. node-postgres takes the
 * pool's listener off a connection while it is lent, so with nobody listening the error is thrown out of the
 * process: an API or engine node would die on a lost connection instead of failing one request. Every pool from
 * openPgPool keeps a listener on each of its connections: the transaction fails, the pool drops the dead connection,
 * and the next query runs on a new one.
 */
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PoolClient } from 'pg';
import { openPgPool, pgTransaction, type PgClient, type PgPool } from '../../engine/store/pg/index.js';
import { createTestDatabase, type TestDatabase } from '../support/pg-database.js';
import { until } from '../support/until.js';

let db: TestDatabase;
let admin: PgPool;
const pools: PgPool[] = [];

beforeAll(async () => {
  db = await createTestDatabase('ct_lent_err');
  admin = openPgPool(db.url, { max: 1 });
  pools.push(admin);
}, 60_000);
afterAll(async () => {
  for (const p of pools) await p.end().catch(() => undefined);
  await db?.drop();
});

/** Ends, from the server side, the connection whose backend is `pid`, and waits until it is gone. */
async function terminate(pid: number): Promise<void> {
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
      await terminate(pid);
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
      await terminate(r.rows[0]!.pid);
      await gone;
      await tx.execute(sql`select 1`);
    });
    await expect(outcome).rejects.toThrow();
    const again = await pool.query<{ one: number }>('select 1 as one');
    expect(again.rows[0]!.one).toBe(1);
  });
});
