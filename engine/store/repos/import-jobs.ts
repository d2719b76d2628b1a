import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db.js';
import { importJobs, type ImportJobRow, type ImportRowError } from '../schema/import-jobs.js';

/** Import progress, so the API can show a bar for a 100k-row file and the rejected rows afterwards. */
export class ImportJobRepo {
  constructor(private readonly db: Db) {}

  create(id: string, campaignId: string, fileName: string, at: number): ImportJobRow {
    return this.db.insert(importJobs).values({ id, campaignId, fileName, status: 'running', createdAt: at }).returning().get();
  }

  /** `errors`, when given, are the rejected rows so far (the job's list is replaced, in line order at finish). */
  progress(id: string, p: { processed: number; accepted: number; rejected: number; total?: number | null; errors?: ImportRowError[] }): void {
    this.db
      .update(importJobs)
      .set({
        processed: p.processed,
        accepted: p.accepted,
        rejected: p.rejected,
        ...(p.total != null ? { total: p.total } : {}),
        ...(p.errors !== undefined ? { errors: p.errors } : {}),
      })
      .where(eq(importJobs.id, id))
      .run();
  }

  finish(
    id: string,
    r: { status: 'done' | 'failed'; processed: number; accepted: number; rejected: number; errors: ImportRowError[]; at: number },
  ): void {
    this.db
      .update(importJobs)
      .set({
        status: r.status,
        processed: r.processed,
        accepted: r.accepted,
        rejected: r.rejected,
        total: r.processed,
        errors: r.errors,
        finishedAt: r.at,
      })
      .where(eq(importJobs.id, id))
      .run();
  }

  /** A note on the job for whoever polls it, e.g. why an import failed. */
  setMessage(id: string, message: string): void {
    this.db.update(importJobs).set({ message }).where(eq(importJobs.id, id)).run();
  }

  get(id: string): ImportJobRow | undefined {
    return this.db.select().from(importJobs).where(eq(importJobs.id, id)).get();
  }

  list(campaignId: string): ImportJobRow[] {
    return this.db.select().from(importJobs).where(eq(importJobs.campaignId, campaignId)).orderBy(desc(importJobs.createdAt)).all();
  }
}
