import { and, asc, count, desc, eq, inArray, isNotNull, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db.js';
import { importJobs, type ImportJobRow, type ImportJobState } from '../schema/import-jobs.js';
import type { ImportJobEnd, ImportJobProgress } from '../lead-imports.js';

/** Import progress, so the API can show a bar for a 100k-row file and the rejected rows afterwards. */
export class ImportJobRepo {
  constructor(private readonly db: Db) {}

  create(id: string, campaignId: string, fileName: string, at: number, o: { status?: 'queued' | 'running'; nodeId?: string; spoolPath?: string } = {}): ImportJobRow {
    return this.db
      .insert(importJobs)
      .values({ id, campaignId, fileName, status: o.status ?? 'running', createdAt: at, nodeId: o.nodeId ?? null, spoolPath: o.spoolPath ?? null })
      .returning()
      .all()[0]!;
  }

  setStatus(id: string, status: ImportJobState, o: { message?: string | null; spoolPath?: string | null; at?: number } = {}): void {
    this.db
      .update(importJobs)
      .set({
        status,
        ...(o.message !== undefined ? { message: o.message } : {}),
        ...(o.spoolPath !== undefined ? { spoolPath: o.spoolPath } : {}),
        ...(o.at !== undefined ? { finishedAt: o.at } : {}),
      })
      .where(eq(importJobs.id, id))
      .run();
  }

  /** Jobs of a node that did not finish (queued, running or committing), oldest first: what a restart reconciles. */
  unfinished(nodeId: string): ImportJobRow[] {
    return this.db
      .select()
      .from(importJobs)
      .where(and(eq(importJobs.nodeId, nodeId), inArray(importJobs.status, ['pending', 'queued', 'running', 'committing'])))
      .orderBy(asc(importJobs.id))
      .all();
  }

  /** 1-based place of a queued job among its node's queued jobs (ids sort by creation); null when not queued. */
  queuePosition(job: Pick<ImportJobRow, 'id' | 'status' | 'nodeId'>): number | null {
    if (job.status !== 'queued') return null;
    const ahead = this.db
      .select({ n: count() })
      .from(importJobs)
      .where(and(eq(importJobs.status, 'queued'), job.nodeId === null ? isNull(importJobs.nodeId) : eq(importJobs.nodeId, job.nodeId), lt(importJobs.id, job.id)))
      .get();
    return (ahead?.n ?? 0) + 1;
  }

  /** Spool files that jobs still point at (the rest of the spool directory is litter). */
  spoolPaths(): Set<string> {
    return new Set(
      this.db
        .select({ p: importJobs.spoolPath })
        .from(importJobs)
        .where(isNotNull(importJobs.spoolPath))
        .all()
        .map((r) => r.p!),
    );
  }

  /** `errors`, when given, are the rejected rows so far (the job's list is replaced, in line order at finish). */
  progress(id: string, p: ImportJobProgress): void {
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

  /**
   * The job's end in one statement: a reader (the API polls from another thread) never sees it failed without its
   * message. `message` and `spoolPath` are left as they are when not given.
   */
  finish(id: string, r: ImportJobEnd): void {
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
        ...(r.message !== undefined ? { message: r.message } : {}),
        ...(r.spoolPath !== undefined ? { spoolPath: r.spoolPath } : {}),
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
    return this.db.select().from(importJobs).where(eq(importJobs.campaignId, campaignId)).orderBy(desc(importJobs.createdAt), desc(importJobs.id)).all();
  }
}
