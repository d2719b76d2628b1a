import { and, asc, count, eq, inArray, notInArray, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { NewLead } from '../../leads/index.js';
import type { LeadCatalog, LeadCreation, LeadEditor, LeadLocks, LeadRemoval } from '../lead-catalog.js';
import { isLeadPhoneClash, LeadPhoneTaken } from '../lead-errors.js';
import { historyEntry, historyRows, type LeadChange, type LeadHistoryEntry } from '../repos/lead-history.js';
import { newLeadValues } from '../repos/leads.js';
import { leadFilterConditions, type LeadFilter, type LeadSort } from '../repos/lead-list.js';
import type { LockResult } from '../repos/lead-locks.js';
import { INTERNAL_DNC } from '../schema/dnc.js';
import type { LeadLockRow } from '../schema/lead-locks.js';
import type { LeadRow, LeadStatus } from '../schema/leads.js';
import { agents } from '../schema-pg/agents.js';
import { callLogs } from '../schema-pg/call-logs.js';
import { dnc } from '../schema-pg/dnc.js';
import { leadHistory } from '../schema-pg/lead-history.js';
import { leadLocks } from '../schema-pg/lead-locks.js';
import { leads } from '../schema-pg/leads.js';
import type { PgPool } from './connect.js';
import { pgDb, type PgDb, type PgDbOrTx } from './drizzle.js';

/** The sortable columns (the API's `LEAD_SORTS`) on the PostgreSQL twin; text ones compared in byte order as SQLite does. */
const SORTS: Record<LeadSort, { col: AnyColumn; text: boolean }> = {
  created_at: { col: leads.createdAt, text: false },
  updated_at: { col: leads.updatedAt, text: false },
  name: { col: leads.name, text: true },
  city: { col: leads.city, text: true },
  phone: { col: leads.phoneE164, text: true },
  priority: { col: leads.priority, text: false },
  status: { col: leads.status, text: true },
  attempts: { col: leads.attempts, text: false },
  last_attempt_at: { col: leads.lastAttemptAt, text: false },
  next_due_at: { col: leads.nextDueAt, text: false },
};

/** Leads in these statuses keep them when their number is on a DNC list (as `LeadRepo.markDnc` on SQLite). */
const DONE_STATUSES: LeadStatus[] = ['completed', 'dnc'];
/** Rows per page of `iterate` (as SQLite's). */
const PAGE = 2000;

/**
 * The API's leads on PostgreSQL (#18, `LeadCatalog`): the `leads` table the engine nodes lease from, with the
 * SQLite repositories' behaviour. The list orders as SQLite does whatever the database's collation — text columns
 * and the id tie-break `collate "C"`, NULLs first ascending and last descending (SQLite's rule; PostgreSQL's default
 * is the opposite). Where another process could interleave, one statement decides: a deletion refuses a lead being
 * dialled in the deleting statement itself, a selection skips every lead a node holds (`lease_owner` not null), a
 * lock is taken by one upsert that only overwrites an expired lock or the same user's.
 */
export class PgLeads implements LeadCatalog {
  readonly dialect = 'postgres' as const;
  private readonly db: PgDb;
  readonly locks: LeadLocks;
  constructor(pool: PgPool) {
    this.db = pgDb(pool);
    this.locks = new PgLeadLocks(this.db);
  }

  async search(f: LeadFilter, page: { sort: string; limit: number; offset: number }): Promise<{ items: LeadRow[]; total: number }> {
    const where = and(...leadFilterConditions(leads, f, 'postgres'));
    const descending = page.sort.startsWith('-');
    const s = SORTS[(descending ? page.sort.slice(1) : page.sort) as LeadSort];
    const col = s.text ? sql`${s.col} collate "C"` : sql`${s.col}`;
    const [counted, items] = await Promise.all([
      this.db.select({ n: count() }).from(leads).where(where),
      this.db
        .select()
        .from(leads)
        .where(where)
        .orderBy(descending ? sql`${col} desc nulls last` : sql`${col} asc nulls first`, descending ? sql`${leads.id} collate "C" desc` : sql`${leads.id} collate "C" asc`)
        .limit(page.limit)
        .offset(page.offset),
    ]);
    return { items: items as LeadRow[], total: counted[0]?.n ?? 0 };
  }

  async get(id: string): Promise<LeadRow | undefined> {
    return getLead(this.db, id);
  }

  async idByPhone(campaignId: string, phoneE164: string): Promise<string | undefined> {
    const rows = await this.db
      .select({ id: leads.id })
      .from(leads)
      .where(and(eq(leads.campaignId, campaignId), eq(leads.phoneE164, phoneE164)));
    return rows[0]?.id;
  }

  async create(r: NewLead, at: number): Promise<LeadCreation> {
    return this.db.transaction(async (tx) => {
      const isDnc = await isBlocked(tx, r.phoneE164, r.campaignId);
      const inserted = await tx
        .insert(leads)
        .values(newLeadValues(r, at, { dnc: isDnc }))
        .onConflictDoNothing({ target: [leads.campaignId, leads.phoneE164] })
        .returning();
      if (inserted[0] !== undefined) return { ok: true, lead: inserted[0] as LeadRow };
      const other = await tx
        .select({ id: leads.id })
        .from(leads)
        .where(and(eq(leads.campaignId, r.campaignId), eq(leads.phoneE164, r.phoneE164)));
      return { ok: false, reason: 'duplicate', id: other[0]!.id };
    });
  }

  async edit(id: string, set: Partial<LeadRow>, changes: readonly LeadChange[], user: LeadEditor, at: number): Promise<LeadRow | undefined> {
    return this.editIn(id, set, changes, user, at).catch((err: unknown) => {
      throw isLeadPhoneClash(err) && set.phoneE164 !== undefined ? new LeadPhoneTaken(set.phoneE164) : err;
    });
  }

  private async editIn(id: string, set: Partial<LeadRow>, changes: readonly LeadChange[], user: LeadEditor, at: number): Promise<LeadRow | undefined> {
    return this.db.transaction(async (tx) => {
      if (changes.length === 0) return getLead(tx, id);
      // Read-only columns never come from the API's edit (the route builds `set` from its own fields).
      const { id: _id, campaignId: _c, ...fields } = set;
      const rows = await tx
        .update(leads)
        .set({ ...fields, updatedAt: at })
        .where(eq(leads.id, id))
        .returning();
      const lead = rows[0] as LeadRow | undefined;
      if (lead === undefined) return undefined;
      await tx.insert(leadHistory).values(historyRows(id, user, changes, at));
      // A new number that is on a DNC list retires the lead like an import would (every lead of the campaign with it).
      if (set.phoneE164 !== undefined && (await isBlocked(tx, set.phoneE164, lead.campaignId))) {
        await tx
          .update(leads)
          .set({ status: 'dnc', nextDueAt: null, updatedAt: at })
          .where(and(eq(leads.phoneE164, set.phoneE164), eq(leads.campaignId, lead.campaignId), notInArray(leads.status, DONE_STATUSES)));
        return getLead(tx, id);
      }
      return lead;
    });
  }

  async remove(id: string, now: number): Promise<LeadRemoval> {
    // Refused in the deleting statement: a node's markCalling or lease committed just before is seen.
    const rows = await this.db
      .delete(leads)
      .where(and(eq(leads.id, id), sql`${leads.status} <> 'calling'`, sql`(${leads.leaseOwner} is null or coalesce(${leads.leaseExpiresAt}, 0) <= ${now})`))
      .returning();
    if (rows[0] !== undefined) return { ok: true, lead: rows[0] as LeadRow };
    return { ok: false, reason: (await getLead(this.db, id)) === undefined ? 'not_found' : 'dialling' };
  }

  async setSelection(f: LeadFilter & { campaignId: string }, from: LeadStatus, to: LeadStatus, at: number): Promise<number> {
    // A lead a node holds (lease_owner set, live or not yet given back) is being dialled: left alone, as on SQLite.
    const conds = [...leadFilterConditions(leads, f, 'postgres'), eq(leads.status, from), sql`${leads.leaseOwner} is null`];
    const rows = await this.db
      .update(leads)
      .set({ status: to, updatedAt: at })
      .where(and(...conds))
      .returning({ id: leads.id });
    return rows.length;
  }

  async customKeys(campaignId: string): Promise<string[]> {
    const r = await this.db.execute<{ key: string }>(
      sql`select distinct k.key collate "C" as key from leads, jsonb_object_keys(leads.custom) as k(key) where leads.campaign_id = ${campaignId} order by 1`,
    );
    return r.rows.map((row) => row.key);
  }

  async *iterate(campaignId: string): AsyncIterable<LeadRow> {
    let afterId: string | undefined;
    for (;;) {
      const page = (await this.db
        .select()
        .from(leads)
        .where(and(eq(leads.campaignId, campaignId), afterId === undefined ? undefined : sql`${leads.id} collate "C" > ${afterId}`))
        .orderBy(sql`${leads.id} collate "C"`)
        .limit(PAGE)) as LeadRow[];
      yield* page;
      if (page.length < PAGE) return;
      afterId = page.at(-1)!.id;
    }
  }

  async calledBy(leadId: string, userId: string): Promise<boolean> {
    const mine = this.db.select({ id: agents.id }).from(agents).where(eq(agents.userId, userId));
    const rows = await this.db
      .select({ id: callLogs.id })
      .from(callLogs)
      .where(and(eq(callLogs.leadId, leadId), sql`(${callLogs.userId} = ${userId} or ${callLogs.agentId} in ${mine})`))
      .limit(1);
    return rows.length > 0;
  }

  async history(leadId: string, page: { limit: number; offset: number }): Promise<{ items: LeadHistoryEntry[]; total: number }> {
    const [counted, rows] = await Promise.all([
      this.db.select({ n: count() }).from(leadHistory).where(eq(leadHistory.leadId, leadId)),
      this.db
        .select()
        .from(leadHistory)
        .where(eq(leadHistory.leadId, leadId))
        .orderBy(asc(leadHistory.at), sql`${leadHistory.id} collate "C" asc`)
        .limit(page.limit)
        .offset(page.offset),
    ]);
    return { items: rows.map(historyEntry), total: counted[0]?.n ?? 0 };
  }
}

async function getLead(db: PgDbOrTx, id: string): Promise<LeadRow | undefined> {
  const rows = await db.select().from(leads).where(eq(leads.id, id));
  return rows[0] as LeadRow | undefined;
}

/** On the internal list or the campaign's own. */
async function isBlocked(db: PgDbOrTx, phoneE164: string, campaignId: string): Promise<boolean> {
  const rows = await db
    .select({ p: dnc.phoneE164 })
    .from(dnc)
    .where(and(eq(dnc.phoneE164, phoneE164), inArray(dnc.campaignId, [INTERNAL_DNC, campaignId])))
    .limit(1);
  return rows.length > 0;
}

/** Contact locks on PostgreSQL: one upsert takes a lock, so two API processes cannot both win. */
class PgLeadLocks implements LeadLocks {
  constructor(private readonly db: PgDb) {}

  async acquire(leadId: string, user: LeadEditor, now: number, ttlMs: number): Promise<LockResult> {
    // A holder's lock that expires (or is released) between the upsert and the read is free on the next turn.
    for (;;) {
      const taken = await this.db
        .insert(leadLocks)
        .values({ leadId, userId: user.id, username: user.username, acquiredAt: now, expiresAt: now + ttlMs })
        .onConflictDoUpdate({
          target: leadLocks.leadId,
          set: {
            userId: user.id,
            username: user.username,
            // The same user extending a live lock keeps when it was first taken.
            acquiredAt: sql`case when ${leadLocks.expiresAt} > ${now} then ${leadLocks.acquiredAt} else ${now} end`,
            expiresAt: now + ttlMs,
          },
          setWhere: sql`${leadLocks.expiresAt} <= ${now} or ${leadLocks.userId} = ${user.id}`,
        })
        .returning();
      if (taken[0] !== undefined) return { ok: true, lock: taken[0] };
      const held = await this.current(leadId, now);
      if (held !== undefined) return { ok: false, heldBy: held };
    }
  }

  async current(leadId: string, now: number): Promise<LeadLockRow | undefined> {
    const rows = await this.db
      .select()
      .from(leadLocks)
      .where(and(eq(leadLocks.leadId, leadId), sql`${leadLocks.expiresAt} > ${now}`));
    return rows[0];
  }

  async release(leadId: string, userId: string, opts: { force?: boolean } = {}): Promise<boolean> {
    const cond = opts.force === true ? eq(leadLocks.leadId, leadId) : and(eq(leadLocks.leadId, leadId), eq(leadLocks.userId, userId));
    const rows = await this.db.delete(leadLocks).where(cond).returning({ id: leadLocks.leadId });
    return rows.length > 0;
  }
}
