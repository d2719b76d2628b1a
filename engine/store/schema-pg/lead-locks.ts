import { pgTable, text, bigint, index } from 'drizzle-orm/pg-core';
import { leads } from './leads.js';

/**
 * Contact locks: a user who opens a lead (from their call, or a supervisor from the list) holds it for a few
 * minutes so two people do not edit the same contact at once. One row per lead; an expired row is free.
 */
export const leadLocks = pgTable(
  'lead_locks',
  {
    leadId: text('lead_id')
      .primaryKey()
      .references(() => leads.id, { onDelete: 'cascade' }),
    userId: text('user_id').notNull(),
    username: text('username').notNull(),
    acquiredAt: bigint('acquired_at', { mode: 'number' }).notNull(),
    expiresAt: bigint('expires_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('lead_locks_user_idx').on(t.userId)],
);
