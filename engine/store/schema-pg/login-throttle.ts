import { pgTable, text, integer, bigint, index } from 'drizzle-orm/pg-core';

/**
 * Failed-login counters that must survive a restart (a restart must not hand an attacker fresh attempts). One row
 * per throttled key: `pair:<username>|<address>` (one account from one address) and `ip:<address>` (one address,
 * all accounts). `blockedUntil` is when the key may try again; rows are forgotten a day after their last failure.
 */
export const loginThrottle = pgTable(
  'login_throttle',
  {
    key: text('key').primaryKey(),
    failures: integer('failures').notNull(),
    lastFailureAt: bigint('last_failure_at', { mode: 'number' }).notNull(),
    blockedUntil: bigint('blocked_until', { mode: 'number' }).notNull(),
  },
  (t) => [index('login_throttle_last_idx').on(t.lastFailureAt)],
);
