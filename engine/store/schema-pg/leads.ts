import { sql } from 'drizzle-orm';
import { pgTable, text, integer, bigint, boolean, jsonb, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { LEAD_STATUSES } from '../../leads/index.js';
import { campaigns } from './campaigns.js';

/**
 * A person to call. `nextDueAt` NULL means "never again" (completed, DNC, invalid, attempts exhausted); the hopper
 * only looks at rows with a due time, so final rows cost nothing. A lease (owner + expiry) marks a lead as taken
 * by one engine node; an expired lease makes the lead eligible again (the node died).
 */
export const leads = pgTable(
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
    custom: jsonb('custom').$type<Record<string, unknown>>().notNull().default({}),
    status: text('status', { enum: LEAD_STATUSES }).notNull().default('no_selected'),
    attempts: integer('attempts').notNull().default(0),
    lastAttemptAt: bigint('last_attempt_at', { mode: 'number' }),
    lastDisposition: text('last_disposition'),
    nextDueAt: bigint('next_due_at', { mode: 'number' }),
    lastError: text('last_error'),
    synthetic: boolean('synthetic').notNull().default(false),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: bigint('lease_expires_at', { mode: 'number' }),
    importJobId: text('import_job_id'),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
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
    // PostgreSQL only (PG_ONLY_INDEXES): the multi-node hopper (pg/hopper.ts) scans free leads and expired leases
    // apart, so a campaign's leased rows are not walked past on every lease call.
    // Ends with the id in byte order (`collate "C"`, as the hopper orders ties): leads due at the same moment (one
    // import) are read in order instead of sorted out of the whole group on every lease.
    index('leads_hopper_free_idx')
      .on(t.campaignId, t.timeZone, t.priority, t.nextDueAt, sql`${t.id} collate "C"`)
      .where(sql`${t.nextDueAt} is not null and ${t.leaseOwner} is null`),
    index('leads_lease_expiry_idx').on(t.campaignId, t.leaseExpiresAt).where(sql`${t.leaseOwner} is not null`),
  ],
);
