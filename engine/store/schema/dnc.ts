import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** The empty campaign id marks the internal (all campaigns) list; a unique index cannot dedupe NULLs. */
export const INTERNAL_DNC = '';

/** Do-not-call entries: internal (every campaign) or per campaign. */
export const dnc = sqliteTable(
  'dnc',
  {
    phoneE164: text('phone_e164').notNull(),
    campaignId: text('campaign_id').notNull().default(INTERNAL_DNC),
    reason: text('reason'),
    createdAt: integer('created_at').notNull(),
  },
  (t) => [uniqueIndex('dnc_phone_campaign_uq').on(t.phoneE164, t.campaignId), index('dnc_campaign_idx').on(t.campaignId)],
);

export type DncRow = typeof dnc.$inferSelect;
