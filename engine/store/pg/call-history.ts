import { and, asc, count, desc, eq, inArray, like, notInArray, sql, type SQL } from 'drizzle-orm';
import type { CallDetail, DncLists } from '../call-history.js';
import { callFilterConditions, type CallListFilter, type CallPage } from '../repos/call-list.js';
import type { CallLogRow } from '../schema/call-logs.js';
import { callLogs } from '../schema-pg/call-logs.js';
import { campaigns } from '../schema-pg/campaigns.js';
import { dnc } from '../schema-pg/dnc.js';
import { leads } from '../schema-pg/leads.js';
import { INTERNAL_DNC, type DncRow } from '../schema/dnc.js';
import type { PgPool } from './connect.js';
import { pgDb, type PgDb } from './drizzle.js';

/**
 * The API's call history on PostgreSQL (#18, `CallHistory`): the SQLite `listCalls` with the same WHERE
 * (`callFilterConditions`) and the same order — newest first, ties by id in byte order (`collate "C"`, whatever the
 * database's collation). SQLite's dense-team planner hint has no twin: PostgreSQL's planner picks the index itself.
 * The count and the page are two statements, as on SQLite (a call written between them may show in one only).
 * The agent's disposition and the console's hang-up are written here too, and the DNC lists the hopper checks
 * (`dnc`, same database) are read and managed here.
 */
export class PgCallHistory {
  readonly dialect = 'postgres' as const;
  private readonly db: PgDb;
  readonly dnc: DncLists;
  constructor(pool: PgPool) {
    this.db = pgDb(pool);
    this.dnc = new PgDncLists(this.db);
  }

  async setHangupBy(id: string, side: 'agent' | null): Promise<boolean> {
    const r = await this.db.update(callLogs).set({ hangupBy: side }).where(eq(callLogs.id, id)).returning({ id: callLogs.id });
    return r.length > 0;
  }

  async setOutcome(id: string, outcome: string, notes: string | null): Promise<boolean> {
    const r = await this.db.update(callLogs).set({ outcome, notes }).where(eq(callLogs.id, id)).returning({ id: callLogs.id });
    return r.length > 0;
  }

  async list(filter: CallListFilter, page: CallPage): Promise<{ items: CallLogRow[]; total: number }> {
    const conds = callFilterConditions(callLogs, filter);
    const where = conds.length > 0 ? and(...conds) : undefined;
    const [counted, items] = await Promise.all([
      this.db.select({ n: count() }).from(callLogs).where(where),
      this.db
        .select()
        .from(callLogs)
        .where(where)
        .orderBy(desc(callLogs.createdAt), sql`${callLogs.id} collate "C" desc`)
        .limit(page.limit)
        .offset(page.offset),
    ]);
    // The PostgreSQL row has the SQLite row's properties and types (the schema drift test keeps them one).
    return { items: items as CallLogRow[], total: counted[0]?.n ?? 0 };
  }

  async detail(id: string): Promise<CallDetail | undefined> {
    const rows = await this.db
      .select({ call: callLogs, campaignName: campaigns.name })
      .from(callLogs)
      .leftJoin(campaigns, eq(campaigns.id, callLogs.campaignId))
      .where(eq(callLogs.id, id));
    const r = rows[0];
    return r === undefined ? undefined : { ...(r.call as CallLogRow), campaignName: r.campaignName };
  }
}

/** Leads in these statuses keep them when their number goes on a DNC list (as `LeadRepo.markDnc` on SQLite). */
const DONE_STATUSES = ['completed', 'dnc'] as const;

/** Numbers per INSERT of `addMany` (4 parameters each, far below PostgreSQL's 65,535). */
const ADD_MANY_CHUNK = 1000;

type PgTx = Parameters<Parameters<PgDb['transaction']>[0]>[0];

/** `DncRepo` on PostgreSQL: what a disposition needs and what the DNC routes manage. */
class PgDncLists implements DncLists {
  constructor(private readonly db: PgDb) {}

  async isBlocked(phoneE164: string, campaignId: string): Promise<boolean> {
    const rows = await this.db
      .select({ p: dnc.phoneE164 })
      .from(dnc)
      .where(and(eq(dnc.phoneE164, phoneE164), inArray(dnc.campaignId, [INTERNAL_DNC, campaignId])))
      .limit(1);
    return rows.length > 0;
  }

  async add(phoneE164: string, campaignId: string | null, at: number, reason?: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx
        .insert(dnc)
        .values({ phoneE164, campaignId: campaignId ?? INTERNAL_DNC, reason: reason ?? null, createdAt: at })
        .onConflictDoNothing();
      return retireLeads(tx, [phoneE164], campaignId, at);
    });
  }

  async get(phoneE164: string, campaignId: string | null): Promise<DncRow | undefined> {
    const rows = await this.db
      .select()
      .from(dnc)
      .where(and(eq(dnc.phoneE164, phoneE164), eq(dnc.campaignId, campaignId ?? INTERNAL_DNC)));
    return rows[0];
  }

  async page(campaignId: string | null, q: { phoneLike?: string | undefined; limit: number; offset: number }): Promise<{ items: DncRow[]; total: number }> {
    // The same pattern as SQLite's: the user's text without LIKE's wildcards and escape.
    const where = and(
      eq(dnc.campaignId, campaignId ?? INTERNAL_DNC),
      q.phoneLike === undefined ? undefined : like(dnc.phoneE164, `%${q.phoneLike.replace(/[%_\\]/g, '')}%`),
    );
    const [counted, items] = await Promise.all([
      this.db.select({ n: count() }).from(dnc).where(where),
      // Ties by number in byte order, as SQLite compares text (whatever the database's collation).
      this.db.select().from(dnc).where(where).orderBy(asc(dnc.createdAt), sql`${dnc.phoneE164} collate "C" asc`).limit(q.limit).offset(q.offset),
    ]);
    return { items, total: counted[0]?.n ?? 0 };
  }

  async remove(phoneE164: string, campaignId: string | null): Promise<boolean> {
    const r = await this.db
      .delete(dnc)
      .where(and(eq(dnc.phoneE164, phoneE164), eq(dnc.campaignId, campaignId ?? INTERNAL_DNC)))
      .returning({ p: dnc.phoneE164 });
    return r.length > 0;
  }

  async addMany(phones: readonly string[], campaignId: string | null, at: number, reason?: string): Promise<{ added: number; alreadyListed: number }> {
    const distinct = [...new Set(phones)];
    return this.db.transaction(async (tx) => {
      let added = 0;
      for (let i = 0; i < distinct.length; i += ADD_MANY_CHUNK) {
        const chunk = distinct.slice(i, i + ADD_MANY_CHUNK);
        const inserted = await tx
          .insert(dnc)
          .values(chunk.map((phoneE164) => ({ phoneE164, campaignId: campaignId ?? INTERNAL_DNC, reason: reason ?? null, createdAt: at })))
          .onConflictDoNothing()
          .returning({ p: dnc.phoneE164 });
        // Only the numbers this call added retire their leads (SQLite's import adds only those).
        await retireLeads(tx, inserted.map((r) => r.p), campaignId, at);
        added += inserted.length;
      }
      return { added, alreadyListed: distinct.length - added };
    });
  }
}

/** A completed lead stays completed; anything still to dial becomes dnc (the hopper also skips listed numbers). */
async function retireLeads(tx: PgTx, phones: readonly string[], campaignId: string | null, at: number): Promise<number> {
  if (phones.length === 0) return 0;
  const conds: SQL[] = [inArray(leads.phoneE164, [...phones]), notInArray(leads.status, [...DONE_STATUSES])];
  if (campaignId !== null) conds.push(eq(leads.campaignId, campaignId));
  const r = await tx.update(leads).set({ status: 'dnc', nextDueAt: null, updatedAt: at }).where(and(...conds)).returning({ id: leads.id });
  return r.length;
}
