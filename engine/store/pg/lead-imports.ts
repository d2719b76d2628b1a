import { and, asc, count, desc, eq, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { NewLead } from '../../leads/index.js';
import type { ImportJobEnd, ImportJobProgress, ImportJobs, ImportJobStart, LeadImports } from '../lead-imports.js';
import { newLeadValues } from '../repos/leads.js';
import { INTERNAL_DNC } from '../schema/dnc.js';
import type { ImportJobRow, ImportJobState } from '../schema/import-jobs.js';
import { importJobs } from '../schema-pg/import-jobs.js';
import { leads } from '../schema-pg/leads.js';
import type { PgClient, PgPool } from './connect.js';
import { pgDb, type PgDb } from './drizzle.js';
import { PgCampaigns } from './campaigns.js';

/** States a restart reconciles (as ImportJobRepo.unfinished). */
const UNFINISHED: ImportJobState[] = ['pending', 'queued', 'running', 'committing'];

/**
 * Lead imports on PostgreSQL (#18): the `import_jobs` statements are SQLite's `ImportJobRepo` built on the schema
 * twin; the leads are written in one transaction per batch through the pool, with the DNC lists read once per
 * batch (one `= any(…)` lookup) instead of once per row as SQLite's prepared statements do, and the rows inserted
 * from column arrays (`unnest`) in one statement.
 */
export class PgLeadImports implements LeadImports {
  readonly dialect = 'postgres' as const;
  readonly jobs: ImportJobs;
  private readonly db: PgDb;
  private readonly campaigns: PgCampaigns;

  constructor(private readonly pool: PgPool) {
    this.db = pgDb(pool);
    this.campaigns = new PgCampaigns(pool);
    this.jobs = new PgImportJobs(this.db);
  }

  async campaign(id: string): Promise<{ id: string; defaultCountry: string } | undefined> {
    const c = await this.campaigns.get(id);
    return c === undefined ? undefined : { id: c.id, defaultCountry: c.defaultCountry };
  }

  async stageBatch(rows: readonly NewLead[], at: number): Promise<Set<string>> {
    const inserted = new Set<string>();
    if (rows.length === 0) return inserted;
    return inTransaction(this.pool, async (c) => {
      const blocked = new Set<string>();
      for (const campaignId of new Set(rows.map((r) => r.campaignId))) {
        const phones = rows.filter((r) => r.campaignId === campaignId).map((r) => r.phoneE164);
        const listed = await c.query<{ p: string }>(`select distinct phone_e164 as p from dnc where campaign_id in ($1, $2) and phone_e164 = any($3::text[])`, [
          INTERNAL_DNC,
          campaignId,
          phones,
        ]);
        for (const l of listed.rows) blocked.add(`${campaignId}|${l.p}`);
      }
      // The row values as every insert builds them (priority clamped, custom {}); staged: no due time, never dialled
      // until the job commits. One statement over column arrays: building a 500-row VALUES list in drizzle cost
      // most of an import's time (8,000 parameters, measured ~250 ms a batch on a loaded machine).
      const v = rows.map((r) => {
        const isDnc = blocked.has(`${r.campaignId}|${r.phoneE164}`);
        return { ...newLeadValues(r, at, { dnc: isDnc }), status: isDnc ? 'dnc' : 'importing' };
      });
      const out = await c.query<{ p: string }>(
        `insert into leads (id, campaign_id, phone_e164, phone_raw, name, city, email, time_zone, priority, custom, status, synthetic,
           import_job_id, created_at, updated_at)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[],
           $10::jsonb[], $11::text[], $12::bool[], $13::text[], $14::int8[], $15::int8[])
         on conflict (campaign_id, phone_e164) do nothing
         returning phone_e164 as p`,
        [
          v.map((x) => x.id),
          v.map((x) => x.campaignId),
          v.map((x) => x.phoneE164),
          v.map((x) => x.phoneRaw),
          v.map((x) => x.name),
          v.map((x) => x.city),
          v.map((x) => x.email),
          v.map((x) => x.timeZone),
          v.map((x) => x.priority),
          v.map((x) => JSON.stringify(x.custom)),
          v.map((x) => x.status),
          v.map((x) => x.synthetic),
          v.map((x) => x.importJobId),
          v.map((x) => x.createdAt),
          v.map((x) => x.updatedAt),
        ],
      );
      for (const r of out.rows) inserted.add(r.p);
      return inserted;
    });
  }

  async commitBatch(jobId: string, at: number, limit: number): Promise<number> {
    const r = await this.pool.query(
      `update leads set status = 'no_selected', next_due_at = $1, updated_at = $1
       where id in (select id from leads where import_job_id = $2 and status = 'importing' limit $3)`,
      [at, jobId, limit],
    );
    return r.rowCount ?? 0;
  }

  async discardBatch(jobId: string, limit: number): Promise<number> {
    const r = await this.pool.query(`delete from leads where id in (select id from leads where import_job_id = $1 limit $2)`, [jobId, limit]);
    return r.rowCount ?? 0;
  }

  async countOfImport(jobId: string): Promise<number> {
    const [r] = await this.db.select({ n: count() }).from(leads).where(eq(leads.importJobId, jobId));
    return Number(r?.n ?? 0);
  }

  async stagedImportJobs(): Promise<string[]> {
    const rows = await this.db
      .selectDistinct({ id: leads.importJobId })
      .from(leads)
      .where(and(isNotNull(leads.importJobId), eq(leads.status, 'importing')));
    return rows.map((r) => r.id!);
  }

  afterWrite(): void {
    // PostgreSQL's own checkpointer folds its WAL; nothing falls on an event loop here.
  }
}

/** `import_jobs` on PostgreSQL: the statements of SQLite's ImportJobRepo, awaited. */
class PgImportJobs implements ImportJobs {
  constructor(private readonly db: PgDb) {}

  async create(id: string, campaignId: string, fileName: string, at: number, o: ImportJobStart = {}): Promise<ImportJobRow> {
    const [row] = await this.db
      .insert(importJobs)
      .values({ id, campaignId, fileName, status: o.status ?? 'running', createdAt: at, nodeId: o.nodeId ?? null, spoolPath: o.spoolPath ?? null })
      .returning();
    return row!;
  }

  async get(id: string): Promise<ImportJobRow | undefined> {
    const [row] = await this.db.select().from(importJobs).where(eq(importJobs.id, id));
    return row;
  }

  async list(campaignId: string): Promise<ImportJobRow[]> {
    // Ties (one millisecond) by id in byte order as on SQLite, newest first: ids sort by creation.
    return this.db
      .select()
      .from(importJobs)
      .where(eq(importJobs.campaignId, campaignId))
      .orderBy(desc(importJobs.createdAt), desc(sql`${importJobs.id} collate "C"`));
  }

  async setStatus(id: string, status: ImportJobState, o: { message?: string | null; spoolPath?: string | null } = {}): Promise<void> {
    await this.db
      .update(importJobs)
      .set({ status, ...(o.message !== undefined ? { message: o.message } : {}), ...(o.spoolPath !== undefined ? { spoolPath: o.spoolPath } : {}) })
      .where(eq(importJobs.id, id));
  }

  async progress(id: string, p: ImportJobProgress): Promise<void> {
    await this.db
      .update(importJobs)
      .set({
        processed: p.processed,
        accepted: p.accepted,
        rejected: p.rejected,
        ...(p.total != null ? { total: p.total } : {}),
        ...(p.errors !== undefined ? { errors: p.errors } : {}),
      })
      .where(eq(importJobs.id, id));
  }

  async finish(id: string, r: ImportJobEnd): Promise<void> {
    await this.db
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
      .where(eq(importJobs.id, id));
  }

  async unfinished(nodeId: string): Promise<ImportJobRow[]> {
    return this.db
      .select()
      .from(importJobs)
      .where(and(eq(importJobs.nodeId, nodeId), inArray(importJobs.status, UNFINISHED)))
      .orderBy(asc(importJobs.id));
  }

  async queuePosition(job: Pick<ImportJobRow, 'id' | 'status' | 'nodeId'>): Promise<number | null> {
    if (job.status !== 'queued') return null;
    const [ahead] = await this.db
      .select({ n: count() })
      .from(importJobs)
      .where(and(eq(importJobs.status, 'queued'), job.nodeId === null ? isNull(importJobs.nodeId) : eq(importJobs.nodeId, job.nodeId), lt(sql`${importJobs.id} collate "C"`, job.id)));
    return Number(ahead?.n ?? 0) + 1;
  }

  async spoolPaths(): Promise<Set<string>> {
    const rows = await this.db.select({ p: importJobs.spoolPath }).from(importJobs).where(isNotNull(importJobs.spoolPath));
    return new Set(rows.map((r) => r.p!));
  }
}

/**
 * `fn` in one transaction on a connection of its own, listening for that connection's errors: while checked out of
 * the pool a connection that dies between two statements (the server restarted, the network cut) emits an error
 * nobody else listens to, which would end the process instead of failing this batch. The statement in flight fails
 * with it anyway; a connection that failed is closed, not given back to the pool.
 */
async function inTransaction<T>(pool: PgPool, fn: (c: PgClient) => Promise<T>): Promise<T> {
  const client: PgClient = await pool.connect();
  const ignore = (): void => undefined;
  client.on('error', ignore);
  let failed = false;
  try {
    await client.query('begin');
    const out = await fn(client);
    await client.query('commit');
    return out;
  } catch (err) {
    failed = true;
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.off('error', ignore);
    client.release(failed);
  }
}
