import { asc, eq, inArray, lt } from 'drizzle-orm';
import type { Db } from '../db.js';
import { loginThrottle, type LoginThrottleRow } from '../schema/login-throttle.js';

/** Persisted failed-login counters (api/auth/login-guard.ts decides what they mean). */
export class LoginThrottleRepo {
  constructor(private readonly db: Db) {}

  /** The rows of those `keys` that have failures, by key (byte order). */
  get(keys: readonly string[]): LoginThrottleRow[] {
    if (keys.length === 0) return [];
    return this.db.select().from(loginThrottle).where(inArray(loginThrottle.key, [...keys])).orderBy(asc(loginThrottle.key)).all();
  }

  /** One more failure for `key`; `blockedUntil` computes the next allowed attempt from the new failure count. */
  fail(key: string, at: number, blockedUntil: (failures: number) => number): LoginThrottleRow {
    return this.db.transaction(
      () => {
        const failures = (this.db.select({ f: loginThrottle.failures }).from(loginThrottle).where(eq(loginThrottle.key, key)).get()?.f ?? 0) + 1;
        const row = { key, failures, lastFailureAt: at, blockedUntil: blockedUntil(failures) };
        this.db.insert(loginThrottle).values(row).onConflictDoUpdate({ target: loginThrottle.key, set: row }).run();
        return row;
      },
      { behavior: 'immediate' },
    );
  }

  clear(key: string): void {
    this.db.delete(loginThrottle).where(eq(loginThrottle.key, key)).run();
  }

  /** Forgets keys whose last failure is older than `before`. */
  forgetBefore(before: number): number {
    return this.db.delete(loginThrottle).where(lt(loginThrottle.lastFailureAt, before)).run().changes;
  }
}
