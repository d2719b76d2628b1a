/**
 * Refresh-token races that only PostgreSQL has (#18): SQLite runs one statement at a time, so its
 * `RefreshTokensRepo` cannot interleave; several API processes on one PostgreSQL database can. Each race is made
 * certain rather than likely: a third connection holds the presented token's row locked while the racers start,
 * and is released only once both racers are seen waiting on a lock (pg_stat_activity). The dialect-parametrised
 * tests (store-dialect-auth-sessions) check the same outcomes under plain concurrency on both stores.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePg, openPgPool, PgRefreshTokens, type PgClient, type PgPool } from '../../engine/store/pg/index.js';
import { createTestDatabase, type TestDatabase } from '../support/pg-database.js';

const T0 = Date.UTC(2026, 2, 3, 15, 0, 0);
const TTL = 30 * 24 * 3600_000;

let db: TestDatabase;
let pool: PgPool;
let otherPool: PgPool;

beforeAll(async () => {
  db = await createTestDatabase('ct_pgauth_races');
  pool = openPgPool(db.url, { max: 4 });
  otherPool = openPgPool(db.url, { max: 4 });
  await migratePg(pool);
}, 60_000);

afterAll(async () => {
  await pool?.end();
  await otherPool?.end();
  await db?.drop();
});

/** Holds `id`'s refresh_tokens row locked (FOR UPDATE) until `release`. */
async function holdRow(id: string): Promise<{ release(): Promise<void> }> {
  const c: PgClient = await pool.connect();
  await c.query('begin');
  await c.query('select 1 from refresh_tokens where id = $1 for update', [id]);
  return {
    release: async () => {
      try {
        await c.query('commit');
      } finally {
        c.release();
      }
    },
  };
}

/** Waits until `n` sessions of this database wait on a lock (deadline 10 s). */
async function waitForLockWaiters(n: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const r = await pool.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
    if (r.rows[0]!.n >= n) return;
    if (Date.now() > deadline) throw new Error(`${r.rows[0]!.n} of ${n} sessions waiting on a lock after 10 s`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

describe('refresh tokens on PostgreSQL under racing processes', () => {
  it('a token presented by two processes that both read it before either wrote is rotated once; the other is a reuse', async () => {
    const a = new PgRefreshTokens(pool, TTL);
    const b = new PgRefreshTokens(otherPool, TTL);
    const { token, row } = await a.issue('race-1', T0);
    const held = await holdRow(row.id);
    const racing = [a.rotate(token, T0 + 1), b.rotate(token, T0 + 1)];
    await waitForLockWaiters(2);
    await held.release();
    const results = await Promise.all(racing);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === 'reused')).toHaveLength(1);
    expect(await a.isLive(row.family, T0 + 2)).toBe(false);
  });

  it('a logout arriving while a refresh is inserting its successor also revokes the successor', async () => {
    const a = new PgRefreshTokens(pool, TTL);
    const b = new PgRefreshTokens(otherPool, TTL);
    const { token, row } = await a.issue('race-3', T0);
    const held = await holdRow(row.id);
    const refreshing = a.rotate(token, T0 + 1);
    await waitForLockWaiters(1);
    const loggingOut = b.revoke(token, T0 + 1);
    await waitForLockWaiters(2);
    await held.release();
    const [rotated, loggedOut] = await Promise.all([refreshing, loggingOut]);
    expect(rotated.ok).toBe(true);
    expect(loggedOut).toEqual({ userId: 'race-3', family: row.family });
    expect(await a.isLive(row.family, T0 + 2)).toBe(false);
  });

  it('a password change arriving while a refresh is inserting its successor also revokes the successor', async () => {
    const a = new PgRefreshTokens(pool, TTL);
    const b = new PgRefreshTokens(otherPool, TTL);
    const { token, row } = await a.issue('race-2', T0);
    const held = await holdRow(row.id);
    const refreshing = a.rotate(token, T0 + 1);
    await waitForLockWaiters(1);
    const revoking = b.revokeUser('race-2', T0 + 1);
    await waitForLockWaiters(2);
    await held.release();
    const [rotated] = await Promise.all([refreshing, revoking]);
    expect(rotated.ok).toBe(true);
    expect(await a.isLive(row.family, T0 + 2)).toBe(false);
    const live = await pool.query(`select id from refresh_tokens where user_id = 'race-2' and revoked_at is null`);
    expect(live.rows).toEqual([]);
  });
});
