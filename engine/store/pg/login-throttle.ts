import { eq, inArray, lt, sql } from 'drizzle-orm';
import type { LoginThrottleRow } from '../schema/login-throttle.js';
import { loginThrottle } from '../schema-pg/login-throttle.js';
import type { PgPool } from './connect.js';
import { pgDb, type PgDb } from './drizzle.js';

/**
 * Persisted failed-login counters on PostgreSQL (#18), the behaviour of the SQLite `LoginThrottleRepo`. A failure
 * is counted by one upsert that increments in place: the row stays locked until the transaction ends, so failures
 * arriving at once from several API processes are each counted (a read-then-write, as SQLite's IMMEDIATE
 * transaction can afford, would lose some here and hand an attacker free attempts).
 */
export class PgLoginThrottle {
  private readonly db: PgDb;
  constructor(pool: PgPool) {
    this.db = pgDb(pool);
  }

  /** The rows of those `keys` that have failures, by key in byte order (as SQLite). */
  async get(keys: readonly string[]): Promise<LoginThrottleRow[]> {
    if (keys.length === 0) return [];
    return this.db.select().from(loginThrottle).where(inArray(loginThrottle.key, [...keys])).orderBy(sql`${loginThrottle.key} collate "C"`);
  }

  /** One more failure for `key`; `blockedUntil` computes the next allowed attempt from the new failure count. */
  async fail(key: string, at: number, blockedUntil: (failures: number) => number): Promise<LoginThrottleRow> {
    return this.db.transaction(async (tx) => {
      const [counted] = await tx
        .insert(loginThrottle)
        .values({ key, failures: 1, lastFailureAt: at, blockedUntil: at })
        .onConflictDoUpdate({ target: loginThrottle.key, set: { failures: sql`${loginThrottle.failures} + 1`, lastFailureAt: at } })
        .returning({ failures: loginThrottle.failures });
      const row = { key, failures: counted!.failures, lastFailureAt: at, blockedUntil: blockedUntil(counted!.failures) };
      await tx.update(loginThrottle).set({ blockedUntil: row.blockedUntil }).where(eq(loginThrottle.key, key));
      return row;
    });
  }

  async clear(key: string): Promise<void> {
    await this.db.delete(loginThrottle).where(eq(loginThrottle.key, key));
  }

  /** Forgets keys whose last failure is older than `before`. */
  async forgetBefore(before: number): Promise<number> {
    return (await this.db.delete(loginThrottle).where(lt(loginThrottle.lastFailureAt, before)).returning({ key: loginThrottle.key })).length;
  }
}
