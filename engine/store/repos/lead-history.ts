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

/** A stored history row as the API shows it (values decoded); both dialects store the same text JSON. */
export function historyEntry(r: LeadHistoryRow): LeadHistoryEntry {
  return { id: r.id, leadId: r.leadId, at: r.at, userId: r.userId, username: r.username, field: r.field, from: dec(r.oldValue), to: dec(r.newValue) };
}

/** The rows one edit adds, one per changed field (the same rows on both dialects). */
export function historyRows(leadId: string, user: { id: string; username: string } | null, changes: readonly LeadChange[], at: number): LeadHistoryRow[] {
  return changes.map((c) => ({
    id: sortableId(at),
    leadId,
    at,
    userId: user?.id ?? null,
    username: user?.username ?? null,
    field: c.field,
    oldValue: enc(c.from),
    newValue: enc(c.to),
  }));
}

/** Edit history of leads: one row per changed field. */
export class LeadHistoryRepo {
  constructor(private readonly db: Db) {}

  record(leadId: string, user: { id: string; username: string } | null, changes: readonly LeadChange[], at: number): void {
    if (changes.length === 0) return;
    this.db.insert(leadHistory).values(historyRows(leadId, user, changes, at)).run();
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
      .map(historyEntry);
    return { items, total };
  }
}
