import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

export interface ImportRowError {
  /** 1-based line in the file (the header is line 1). */
  line: number;
  reason: string;
  raw?: string;
}

/** Progress and outcome of one lead import; rejected rows are kept with their line numbers. */
export const importJobs = sqliteTable(
  'import_jobs',
  {
    id: text('id').primaryKey(),
    campaignId: text('campaign_id').notNull(),
    fileName: text('file_name').notNull(),
    status: text('status', { enum: ['pending', 'running', 'done', 'failed'] }).notNull().default('pending'),
    total: integer('total'),
    processed: integer('processed').notNull().default(0),
    accepted: integer('accepted').notNull().default(0),
    rejected: integer('rejected').notNull().default(0),
    errors: text('errors', { mode: 'json' }).$type<ImportRowError[]>().notNull().default([]),
    createdAt: integer('created_at').notNull(),
    finishedAt: integer('finished_at'),
    /** Why a failed job failed (bad header, unreadable file); null otherwise. */
    message: text('message'),
  },
  (t) => [index('import_jobs_campaign_idx').on(t.campaignId)],
);

export type ImportJobRow = typeof importJobs.$inferSelect;
