import type { Statement } from 'better-sqlite3';
import { and, asc, eq, gt, inArray, sql, type SQL } from 'drizzle-orm';
import { retryDelayFor } from '../../campaigns/index.js';
import { DISPOSITIONS, type Disposition } from '../../events/index.js';
import { nextLeadState, statusForDisposition, zonesOpenNow, type NewLead } from '../../leads/index.js';
import type { Db } from '../db.js';
import { sortableId } from '../ids.js';
import { leadConditions, listLeads, type LeadFilter } from './lead-list.js';
import { campaigns } from '../schema/campaigns.js';
import { leads, type LeadRow, type LeadStatus } from '../schema/leads.js';

export type { NewLead };

export interface LeaseRequest {
  campaignId: string;
  /** Node id of the engine taking the leads. */
  owner: string;
  now: number;
  limit: number;
  /** How long the lease holds without renewal; a dead node's leads come back after this. */
  leaseMs: number;
}

export interface LeadQuery {
  campaignId: string;
  status?: LeadStatus;
  limit?: number;
  /** Keyset pagination: ids greater than this. */
  afterId?: string;
}

/** Priority bounds: 1 most urgent … 5 least (inserts clamp to them; the hopper walks them in order). */
export const MIN_PRIORITY = 1;
export const MAX_PRIORITY = 5;

/** A lead's priority as stored: rounded and clamped to the bounds (3 when not given). */
export const storedPriority = (p: number | undefined): number => Math.min(MAX_PRIORITY, Math.max(MIN_PRIORITY, Math.round(p ?? 3)));

/**
 * A new lead's row as the query builders insert it (PostgreSQL's `PgLeads.create`, the dialect tests' seed): priority
 * clamped, custom fields `{}` when none, and a lead on a DNC list stored `dnc` with no due time. SQLite's bulk
 * insert (`insertMany`) binds the same values positionally, for speed.
 */
export function newLeadValues(r: NewLead, at: number, o: { id?: string; dnc?: boolean } = {}) {
  return {
    id: o.id ?? sortableId(at),
    campaignId: r.campaignId,
    phoneE164: r.phoneE164,
    phoneRaw: r.phoneRaw,
    name: r.name ?? null,
    city: r.city ?? null,
    email: r.email ?? null,
    timeZone: r.timeZone ?? null,
    priority: storedPriority(r.priority),
    custom: r.custom ?? {},
    status: o.dnc === true ? ('dnc' as const) : ('no_selected' as const),
    nextDueAt: o.dnc === true ? null : (r.nextDueAt ?? at),
    synthetic: r.synthetic === true,
    importJobId: r.importJobId ?? null,
    createdAt: at,
    updatedAt: at,
  };
}

/** Final statuses: DNC marking leaves these alone. */
const DONE_STATUSES: LeadStatus[] = ['completed', 'dnc'];

/**
 * CASE expression restoring a released lead's status from its last outcome (pure mapping, one place; plain SQL
 * that PostgreSQL's hopper, pg/hopper.ts, runs too).
 */
export const RESTORED_STATUS_SQL = `case when attempts = 0 or last_disposition is null then 'no_selected' else case last_disposition ${DISPOSITIONS.map(
  (d) => `when '${d}' then '${statusForDisposition(d)}'`,
).join(' ')} else 'no_selected' end end`;
const RESTORED_STATUS = sql.raw(RESTORED_STATUS_SQL);

/**
 * Leads and the hopper. Leasing is one UPDATE … RETURNING inside an IMMEDIATE transaction: SQLite serialises
 * writers on the file, so two engines (processes or connections) can never lease the same lead at once.
 */
export class LeadRepo {
  constructor(private readonly db: Db) {}

  /**
   * Inserts leads, skipping phones the campaign already has (unique campaign+phone). Returns the phones actually
   * inserted, so a caller can report the skipped ones. Leads on a DNC list go in with status `dnc`.
   * Call inside a transaction for batches (the importer does).
   */
  insertMany(rows: readonly NewLead[], at: number, o: { staged?: boolean } = {}): Set<string> {
    const inserted = new Set<string>();
    if (rows.length === 0) return inserted;
    // Prepared statements, not the query builder: building a 500-row VALUES list in drizzle costs more than the
    // insert itself, and imports do 100k rows.
    const { insert, blocked, anyDnc } = this.statements();
    // Per-row DNC lookups only when a list applies to this campaign at all (usually none does).
    const dncApplies = new Map<string, boolean>();
    for (const r of rows) {
      let applies = dncApplies.get(r.campaignId);
      if (applies === undefined) {
        applies = anyDnc.get(r.campaignId) !== undefined;
        dncApplies.set(r.campaignId, applies);
      }
      const isDnc = applies && blocked.get(r.phoneE164, r.campaignId) !== undefined;
      const res = insert.run(
        sortableId(at),
        r.campaignId,
        r.phoneE164,
        r.phoneRaw,
        r.name ?? null,
        r.city ?? null,
        r.email ?? null,
        r.timeZone ?? null,
        storedPriority(r.priority),
        JSON.stringify(r.custom ?? {}),
        isDnc ? 'dnc' : o.staged === true ? 'importing' : 'no_selected',
        isDnc || o.staged === true ? null : (r.nextDueAt ?? at),
        r.synthetic === true ? 1 : 0,
        r.importJobId ?? null,
        at,
        at,
      );
      if (res.changes > 0) inserted.add(r.phoneE164);
    }
    return inserted;
  }

  private prepared: { insert: Statement; blocked: Statement; anyDnc: Statement } | undefined;
  private statements(): { insert: Statement; blocked: Statement; anyDnc: Statement } {
    this.prepared ??= {
      insert: this.db.$client.prepare(
        `insert into leads (id, campaign_id, phone_e164, phone_raw, name, city, email, time_zone, priority, custom, status,
           next_due_at, synthetic, import_job_id, created_at, updated_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         on conflict (campaign_id, phone_e164) do nothing`,
      ),
      blocked: this.db.$client.prepare(`select 1 from dnc where phone_e164 = ? and campaign_id in ('', ?)`),
      anyDnc: this.db.$client.prepare(`select 1 from dnc where campaign_id in ('', ?) limit 1`),
    };
    return this.prepared;
  }

  /**
   * Makes up to `limit` staged rows of an import dialable (status no_selected, due `at`); returns how many. Called
   * until it returns 0, one short transaction each, so the engine's writes never wait long for the file lock.
   */
  commitImportBatch(importJobId: string, at: number, limit = 1000): number {
    return this.db.$client
      .prepare(
        `update leads set status = 'no_selected', next_due_at = ?, updated_at = ?
         where rowid in (select rowid from leads where import_job_id = ? and status = 'importing' limit ?)`,
      )
      .run(at, at, importJobId, limit).changes;
  }

  /** Deletes up to `limit` rows of an import that did not finish (all or nothing); returns how many. */
  discardImportBatch(importJobId: string, limit = 1000): number {
    return this.db.$client.prepare(`delete from leads where rowid in (select rowid from leads where import_job_id = ? limit ?)`).run(importJobId, limit).changes;
  }

  /** Rows an import has in the table (staged or committed). */
  countOfImport(importJobId: string): number {
    return (this.db.$client.prepare('select count(*) as n from leads where import_job_id = ?').get(importJobId) as { n: number }).n;
  }

  /** Imports that still have staged rows (a start-up check: rollbacks the database refused earlier). */
  stagedImportJobs(): string[] {
    return (this.db.$client.prepare(`select distinct import_job_id as id from leads where import_job_id is not null and status = 'importing'`).all() as Array<{ id: string }>).map(
      (r) => r.id,
    );
  }

  /** Which of these phones the campaign already has. */
  existingPhones(campaignId: string, phones: readonly string[]): Set<string> {
    const out = new Set<string>();
    for (let i = 0; i < phones.length; i += 900) {
      const chunk = phones.slice(i, i + 900);
      for (const r of this.db
        .select({ p: leads.phoneE164 })
        .from(leads)
        .where(and(eq(leads.campaignId, campaignId), inArray(leads.phoneE164, chunk)))
        .all())
        out.add(r.p);
    }
    return out;
  }

  /** A page of leads matching `f` in `page.sort` order (LEAD_SORTS), and how many match in all. */
  search(f: LeadFilter, page: { sort: string; limit: number; offset: number }): { items: LeadRow[]; total: number } {
    return listLeads(this.db, f, page);
  }

  /** The id of the lead of `campaignId` that has this number, if there is one. */
  idByPhone(campaignId: string, phoneE164: string): string | undefined {
    return this.db
      .select({ id: leads.id })
      .from(leads)
      .where(and(eq(leads.campaignId, campaignId), eq(leads.phoneE164, phoneE164)))
      .get()?.id;
  }

  /** Writes edited fields of one lead; returns the row as stored, or undefined when there is no such lead. */
  update(id: string, set: Partial<LeadRow>, at: number): LeadRow | undefined {
    return this.db
      .update(leads)
      .set({ ...set, updatedAt: at })
      .where(eq(leads.id, id))
      .returning()
      .all()[0]!;
  }

  delete(id: string): boolean {
    return this.db.delete(leads).where(eq(leads.id, id)).run().changes > 0;
  }

  /** Moves the leads of a campaign matching `f` from status `from` to `to`, leaving leased ones alone; returns how many moved. */
  setSelection(f: LeadFilter & { campaignId: string }, from: LeadStatus, to: LeadStatus, at: number): number {
    const conds = [...leadConditions(f), eq(leads.status, from), sql`${leads.leaseOwner} is null`];
    return this.db.update(leads).set({ status: to, updatedAt: at }).where(and(...conds)).run().changes;
  }

  /** The keys found in the custom fields of a campaign's leads, sorted. */
  customKeys(campaignId: string): string[] {
    return this.db
      .all<{ key: string }>(sql`select distinct j.key as key from leads, json_each(leads.custom) j where leads.campaign_id = ${campaignId} order by 1`)
      .map((r) => r.key);
  }

  get(id: string): LeadRow | undefined {
    return this.db.select().from(leads).where(eq(leads.id, id)).get();
  }

  list(q: LeadQuery): LeadRow[] {
    const conds: SQL[] = [eq(leads.campaignId, q.campaignId)];
    if (q.status !== undefined) conds.push(eq(leads.status, q.status));
    if (q.afterId !== undefined) conds.push(gt(leads.id, q.afterId));
    return this.db
      .select()
      .from(leads)
      .where(and(...conds))
      .orderBy(asc(leads.id))
      .limit(q.limit ?? 1000)
      .all();
  }

  /** Every lead of a campaign in pages (constant memory for 100k-row exports). */
  *iterate(campaignId: string, pageSize = 2000): Generator<LeadRow> {
    let afterId: string | undefined;
    for (;;) {
      const page = this.list({ campaignId, limit: pageSize, afterId });
      yield* page;
      if (page.length < pageSize) return;
      afterId = page.at(-1)!.id;
    }
  }

  countByStatus(campaignId: string): Partial<Record<LeadStatus, number>> {
    const rows = this.db
      .select({ status: leads.status, n: sql<number>`count(*)` })
      .from(leads)
      .where(eq(leads.campaignId, campaignId))
      .groupBy(leads.status)
      .all();
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  /**
   * The hopper. Takes up to `limit` due leads of a running campaign, best priority (1) first then earliest due,
   * honouring calling hours in each lead's zone (campaign default when unknown), allowed weekdays, max attempts
   * and DNC (internal + campaign), skipping leads leased by a live node. Time is the caller's `now`.
   *
   * Cost stays flat with campaign size: SQLite cannot compute local time, so the zones with pending leads are
   * found with a loose index scan (one seek per zone), the open ones kept, and candidates read per (zone,
   * priority) as short range scans of the partial hopper index (pending leads only) that stop at the first lead
   * not yet due. All inside one IMMEDIATE transaction, so no other connection can lease in between.
   */
  lease(req: LeaseRequest): LeadRow[] {
    if (req.limit <= 0) return [];
    return this.db.transaction(
      () => {
        const c = this.db.select().from(campaigns).where(eq(campaigns.id, req.campaignId)).get();
        if (c === undefined || c.state !== 'running') return [];
        const st = this.hopperStatements();
        const zones = (st.zones.all({ campaign: req.campaignId }) as Array<{ tz: string }>).map((r) => r.tz);
        const hasNull = st.hasNullZone.get(req.campaignId) !== undefined;
        const window = { start: c.callingHoursStart, end: c.callingHoursEnd, weekdays: c.weekdays };
        const open: Array<string | null> = zonesOpenNow(zones, req.now, window);
        if (hasNull && zonesOpenNow([c.defaultTimeZone], req.now, window).length > 0) open.push(null);
        if (open.length === 0) return [];

        const found: Array<{ id: string; priority: number; due: number }> = [];
        for (const tz of open) {
          for (let priority = MIN_PRIORITY; priority <= MAX_PRIORITY; priority++) {
            const params = { campaign: req.campaignId, priority, now: req.now, maxAttempts: c.maxAttempts, limit: req.limit };
            const rows = tz === null ? st.candidatesNullZone.all(params) : st.candidates.all({ ...params, tz });
            found.push(...(rows as Array<{ id: string; priority: number; due: number }>));
          }
        }
        found.sort((x, y) => x.priority - y.priority || x.due - y.due || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
        const chosen = found.slice(0, req.limit);
        for (const f of chosen) st.take.run(req.owner, req.now + req.leaseMs, req.now, f.id);
        if (chosen.length === 0) return [];
        const order = new Map(chosen.map((f, i) => [f.id, i]));
        return this.db
          .select()
          .from(leads)
          .where(inArray(leads.id, [...order.keys()]))
          .all()
          .sort((x, y) => order.get(x.id)! - order.get(y.id)!);
      },
      { behavior: 'immediate' },
    );
  }

  private hopperSt: Record<'zones' | 'hasNullZone' | 'candidates' | 'candidatesNullZone' | 'take', Statement> | undefined;
  private hopperStatements(): Record<'zones' | 'hasNullZone' | 'candidates' | 'candidatesNullZone' | 'take', Statement> {
    const db = this.db.$client;
    // Every query names `next_due_at is not null` so SQLite may use the partial hopper index.
    const eligible = `campaign_id = @campaign and priority = @priority and next_due_at is not null and next_due_at <= @now
      and attempts < @maxAttempts and status not in ('completed', 'dnc')
      and (lease_owner is null or lease_expires_at <= @now)
      and not exists (select 1 from dnc d where d.phone_e164 = leads.phone_e164 and d.campaign_id in ('', @campaign))`;
    this.hopperSt ??= {
      zones: db.prepare(`with recursive z(tz) as (
          select min(time_zone) from leads where campaign_id = @campaign and next_due_at is not null and time_zone is not null
          union all
          select (select min(time_zone) from leads where campaign_id = @campaign and next_due_at is not null and time_zone > z.tz)
          from z where z.tz is not null
        ) select tz from z where tz is not null`),
      hasNullZone: db.prepare(`select 1 from leads where campaign_id = ? and time_zone is null and next_due_at is not null limit 1`),
      candidates: db.prepare(
        `select id, priority, next_due_at as due from leads indexed by leads_hopper_idx
         where time_zone = @tz and ${eligible} order by next_due_at, id limit @limit`,
      ),
      candidatesNullZone: db.prepare(
        `select id, priority, next_due_at as due from leads indexed by leads_hopper_idx
         where time_zone is null and ${eligible} order by next_due_at, id limit @limit`,
      ),
      take: db.prepare(`update leads set lease_owner = ?, lease_expires_at = ?, status = 'selected', updated_at = ? where id = ?`),
    };
    return this.hopperSt;
  }

  /** Extends the leases `owner` holds (all, or only `ids`). Expired leases are not revived. */
  renewLeases(owner: string, now: number, leaseMs: number, ids?: readonly string[]): number {
    const conds: SQL[] = [eq(leads.leaseOwner, owner), sql`${leads.leaseExpiresAt} > ${now}`];
    if (ids !== undefined) conds.push(inArray(leads.id, [...ids]));
    return this.db.update(leads).set({ leaseExpiresAt: now + leaseMs, updatedAt: now }).where(and(...conds)).run().changes;
  }

  /** The engine placed the call: status `calling`. False if the lease is not (or no longer) ours. */
  markCalling(leadId: string, owner: string, at: number): boolean {
    return (
      this.db
        .update(leads)
        .set({ status: 'calling', updatedAt: at })
        .where(and(eq(leads.id, leadId), eq(leads.leaseOwner, owner), sql`${leads.leaseExpiresAt} > ${at}`))
        .run().changes > 0
    );
  }

  /**
   * Records an ended attempt: status, attempts, last attempt, next due (retry delay per disposition, none when
   * final or out of attempts), and gives the lease back. `owner` given: only that owner's lease is cleared (a
   * stale node must not free a lease another node took after expiry).
   */
  completeAttempt(leadId: string, disposition: Disposition, at: number, opts: { owner?: string; error?: string } = {}): LeadRow | undefined {
    return this.db.transaction(
      () => {
        const lead = this.get(leadId);
        if (lead === undefined) return undefined;
        const c = this.db.select().from(campaigns).where(eq(campaigns.id, lead.campaignId)).get();
        if (c === undefined) return undefined;
        const next = nextLeadState(
          lead,
          disposition,
          at,
          {
            maxAttempts: c.maxAttempts,
            retryDelayS: (d) => retryDelayFor({ retryDelays: c.retryDelays as Record<string, number> }, d),
          },
          opts.error,
        );
        // A number put on a DNC list while its call was live stays DNC; the attempt is still recorded.
        if (lead.status === 'dnc') {
          next.status = 'dnc';
          next.nextDueAt = null;
        }
        const releases = opts.owner === undefined || lead.leaseOwner === opts.owner || lead.leaseOwner === null;
        return this.db
          .update(leads)
          .set({
            ...next,
            ...(releases ? { leaseOwner: null, leaseExpiresAt: null } : {}),
            updatedAt: at,
          })
          .where(eq(leads.id, leadId))
          .returning()
          .all()[0]!;
      },
      { behavior: 'immediate' },
    );
  }

  /**
   * Gives leases back (campaign stop, node shutdown, or expired ones when `expiredAt` is set): the lead returns to
   * the status of its last outcome and keeps its due time.
   */
  releaseLeases(filter: { campaignId?: string; owner?: string; expiredAt?: number; at: number }): number {
    const conds: SQL[] = [sql`${leads.leaseOwner} is not null`];
    if (filter.campaignId !== undefined) conds.push(eq(leads.campaignId, filter.campaignId));
    if (filter.owner !== undefined) conds.push(eq(leads.leaseOwner, filter.owner));
    if (filter.expiredAt !== undefined) conds.push(sql`${leads.leaseExpiresAt} <= ${filter.expiredAt}`);
    return this.db
      .update(leads)
      .set({ leaseOwner: null, leaseExpiresAt: null, status: sql`${RESTORED_STATUS}`, updatedAt: filter.at })
      .where(and(...conds))
      .run().changes;
  }

  /** Marks a campaign's leads with this phone as DNC (called when a number is added to a list). */
  markDnc(phoneE164: string, campaignId: string | null, at: number): number {
    const conds: SQL[] = [eq(leads.phoneE164, phoneE164), sql`${leads.status} not in ${DONE_STATUSES}`];
    if (campaignId !== null) conds.push(eq(leads.campaignId, campaignId));
    return this.db.update(leads).set({ status: 'dnc', nextDueAt: null, updatedAt: at }).where(and(...conds)).run().changes;
  }
}
