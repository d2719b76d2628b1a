import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { sortableId } from '../ids.js';
import { leadHistory, type LeadHistoryRow } from '../schema/lead-history.js';

export interface LeadChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface LeadHistoryEntry {
  id: string;
  leadId: string;
  at: number;
  userId: string | null;
  username: string | null;
  field: string;
  from: unknown;
  to: unknown;
}

const enc = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));
const dec = (v: string | null): unknown => (v === null ? null : (JSON.parse(v) as unknown));

function entry(r: LeadHistoryRow): LeadHistoryEntry {
  return { id: r.id, leadId: r.leadId, at: r.at, userId: r.userId, username: r.username, field: r.field, from: dec(r.oldValue), to: dec(r.newValue) };
}

/** Edit history of leads: one row per changed field. */
export class LeadHistoryRepo {
  constructor(private readonly db: Db) {}

  record(leadId: string, user: { id: string; username: string } | null, changes: readonly LeadChange[], at: number): void {
    if (changes.length === 0) return;
    this.db
      .insert(leadHistory)
      .values(
        changes.map((c) => ({
          id: sortableId(at),
          leadId,
          at,
          userId: user?.id ?? null,
          username: user?.username ?? null,
          field: c.field,
          oldValue: enc(c.from),
          newValue: enc(c.to),
        })),
      )
      .run();
  }

  /** Oldest first. */
  list(leadId: string, page: { limit: number; offset: number }): { items: LeadHistoryEntry[]; total: number } {
    const total = this.db.select({ n: sql<number>`count(*)` }).from(leadHistory).where(eq(leadHistory.leadId, leadId)).get()?.n ?? 0;
    const items = this.db
      .select()
      .from(leadHistory)
      .where(and(eq(leadHistory.leadId, leadId)))
      .orderBy(asc(leadHistory.at), asc(leadHistory.id))
      .limit(page.limit)
      .offset(page.offset)
      .all()
      .map(entry);
    return { items, total };
  }
}
