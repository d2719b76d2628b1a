import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { LEAD_STATUSES, type LeadStatus } from '../../leads/index.js';
import { campaigns } from './campaigns.js';

export { LEAD_STATUSES, type LeadStatus };

/**
 * A person to call. `nextDueAt` NULL means "never again" (completed, DNC, invalid, attempts exhausted); the hopper
 * only looks at rows with a due time, so final rows cost nothing. A lease (owner + expiry) marks a lead as taken
 * by one engine node; an expired lease makes the lead eligible again (the node died).
 */
export const leads = sqliteTable(
  'leads',
  {
    id: text('id').primaryKey(),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    phoneE164: text('phone_e164').notNull(),
    phoneRaw: text('phone_raw').notNull(),
    name: text('name'),
    city: text('city'),
    email: text('email'),
    timeZone: text('time_zone'),
    /** 1 = most urgent … 5 = least; the hopper dials lower numbers first. */
    priority: integer('priority').notNull().default(3),
    custom: text('custom', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({}),
    status: text('status', { enum: LEAD_STATUSES }).notNull().default('no_selected'),
    attempts: integer('attempts').notNull().default(0),
    lastAttemptAt: integer('last_attempt_at'),
    lastDisposition: text('last_disposition'),
    nextDueAt: integer('next_due_at'),
    lastError: text('last_error'),
    synthetic: integer('synthetic', { mode: 'boolean' }).notNull().default(false),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: integer('lease_expires_at'),
    importJobId: text('import_job_id'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('leads_campaign_phone_uq').on(t.campaignId, t.phoneE164),
    // The hopper: pending leads only (partial), per zone and priority in due order, ties by id (one import gives
    // all its leads the same due time: with id in the index the first `limit` of them are read in order, not sorted
    // out of the whole import on every lease). See LeadRepo.lease.
    index('leads_hopper_idx')
      .on(t.campaignId, t.timeZone, t.priority, t.nextDueAt, t.id)
      .where(sql`${t.nextDueAt} is not null`),
    index('leads_campaign_status_idx').on(t.campaignId, t.status),
    // Committing or discarding one import's staged rows.
    index('leads_import_job_idx').on(t.importJobId, t.status).where(sql`${t.importJobId} is not null`),
  ],
);

export type LeadRow = typeof leads.$inferSelect;
export type NewLeadRow = typeof leads.$inferInsert;
