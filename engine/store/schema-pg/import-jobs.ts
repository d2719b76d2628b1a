import { pgTable, text, integer, bigint, jsonb, index } from 'drizzle-orm/pg-core';
import { IMPORT_JOB_STATES, type ImportRowError } from '../schema/import-jobs.js';

/** Progress and outcome of one lead import; rejected rows are kept with their line numbers. */
export const importJobs = pgTable(
  'import_jobs',
  {
    id: text('id').primaryKey(),
    campaignId: text('campaign_id').notNull(),
    fileName: text('file_name').notNull(),
    /**
     * queued (waiting for an import slot) → running (rows staged: in the table, never dialled) → committing (the
     * whole file is in; staged rows become dialable) → done; or failed (staged rows removed: all or nothing).
     * `pending` is the column's historical default and is never written.
     */
    status: text('status', { enum: IMPORT_JOB_STATES }).notNull().default('pending'),
    total: integer('total'),
    processed: integer('processed').notNull().default(0),
    accepted: integer('accepted').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    errors: jsonb('errors').$type<ImportRowError[]>().notNull().default([]),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    finishedAt: bigint('finished_at', { mode: 'number' }),
    /** Why a failed job failed (bad header, unreadable file); null otherwise. */
    message: text('message'),
    /** The engine process that owns the job (reconciled by that NODE_ID at its next start). */
    nodeId: text('node_id'),
    /** Where the uploaded file waits while the job is queued or running; null once cleaned up. */
    spoolPath: text('spool_path'),
  },
  (t) => [index('import_jobs_campaign_idx').on(t.campaignId), index('import_jobs_status_idx').on(t.status)],
);
