import { pgTable, text, bigint, index } from 'drizzle-orm/pg-core';
import { leads } from './leads.js';

/** Every edit of a lead made through the API, one row per changed field: who, when, old → new. Append-only. */
export const leadHistory = pgTable(
  'lead_history',
  {
    id: text('id').primaryKey(),
    leadId: text('lead_id')
      .notNull()
      .references(() => leads.id, { onDelete: 'cascade' }),
    at: bigint('at', { mode: 'number' }).notNull(),
    userId: text('user_id'),
    username: text('username'),
    field: text('field').notNull(),
    /** JSON of the value before and after (null when absent). */
    oldValue: text('old_value'),
    newValue: text('new_value'),
  },
  (t) => [index('lead_history_lead_at_idx').on(t.leadId, t.at)],
);
