import { pgTable, text, bigint, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { INTERNAL_DNC } from '../schema/dnc.js';

/** Do-not-call entries: internal (every campaign) or per campaign. */
export const dnc = pgTable(
  'dnc',
  {
    phoneE164: text('phone_e164').notNull(),
    campaignId: text('campaign_id').notNull().default(INTERNAL_DNC),
    reason: text('reason'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  },
  (t) => [uniqueIndex('dnc_phone_campaign_uq').on(t.phoneE164, t.campaignId), index('dnc_campaign_idx').on(t.campaignId)],
);
