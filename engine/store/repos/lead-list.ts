import { and, asc, desc, eq, like, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Db } from '../db.js';
import { leads, type LeadRow, type LeadStatus } from '../schema/leads.js';

/** Fields a lead list may be sorted by (API name → column). Anything else is refused by the query schema. */
export const LEAD_SORTS = {
  created_at: leads.createdAt,
  updated_at: leads.updatedAt,
  name: leads.name,
  city: leads.city,
  phone: leads.phoneE164,
  priority: leads.priority,
  status: leads.status,
  attempts: leads.attempts,
  last_attempt_at: leads.lastAttemptAt,
  next_due_at: leads.nextDueAt,
} as const;
export type LeadSort = keyof typeof LEAD_SORTS;
export const LEAD_SORT_VALUES = Object.keys(LEAD_SORTS).flatMap((k) => [k, `-${k}`]) as [string, ...string[]];

export interface LeadFilter {
  campaignId?: string | undefined;
  city?: string | undefined;
  status?: LeadStatus | undefined;
  priority?: number | undefined;
  /** Substring of name, phone (E.164 or as typed) or city, case-insensitive. */
  q?: string | undefined;
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (m) => `\\${m}`);

/** The leads columns a filter reads: the same property names on both dialects' schema (schema/, schema-pg/). */
export type LeadFilterColumns = Record<'campaignId' | 'city' | 'status' | 'priority' | 'name' | 'phoneE164' | 'phoneRaw', AnyColumn>;

/**
 * The WHERE terms of a lead list (and of a selection by filter), built once for SQLite and PostgreSQL (#18) so the
 * two cannot filter apart. Where the dialects differ in case folding the term is each one's own: SQLite compares
 * the city with `collate nocase` and LIKE ignores case (ASCII letters only); PostgreSQL has neither, so it compares
 * `lower(city)` and uses ILIKE (which also folds non-ASCII letters: "ÁVILA" finds "ávila" there, not on SQLite).
 */
export function leadFilterConditions(t: LeadFilterColumns, f: LeadFilter, dialect: 'sqlite' | 'postgres'): SQL[] {
  const conds: SQL[] = [];
  const pg = dialect === 'postgres';
  if (f.campaignId !== undefined) conds.push(eq(t.campaignId, f.campaignId));
  if (f.city !== undefined) conds.push(pg ? sql`lower(${t.city}) = lower(${f.city})` : sql`${t.city} = ${f.city} collate nocase`);
  if (f.status !== undefined) conds.push(eq(t.status, f.status));
  if (f.priority !== undefined) conds.push(eq(t.priority, f.priority));
  if (f.q !== undefined && f.q !== '') {
    const pat = `%${escapeLike(f.q)}%`;
    const m = (col: AnyColumn) => (pg ? sql`${col} ilike ${pat} escape '\\'` : sql`${col} like ${pat} escape '\\'`);
    // Digits typed as "8888 1234" still find "+50688881234".
    const digits = f.q.replace(/\D/g, '');
    const conds2 = [m(t.name), m(t.city), m(t.phoneE164), m(t.phoneRaw)];
    if (digits.length >= 3 && digits !== f.q) conds2.push(like(t.phoneE164, `%${digits}%`));
    conds.push(or(...conds2)!);
  }
  return conds;
}

/** SQLite's terms (the store's own callers). */
export function leadConditions(f: LeadFilter): SQL[] {
  return leadFilterConditions(leads, f, 'sqlite');
}

export function listLeads(
  db: Db,
  f: LeadFilter,
  page: { sort: string; limit: number; offset: number },
): { items: LeadRow[]; total: number } {
  const where = and(...leadConditions(f));
  const total = db.select({ n: sql<number>`count(*)` }).from(leads).where(where).get()?.n ?? 0;
  const descending = page.sort.startsWith('-');
  const col = LEAD_SORTS[(descending ? page.sort.slice(1) : page.sort) as LeadSort];
  const items = db
    .select()
    .from(leads)
    .where(where)
    .orderBy(descending ? desc(col) : asc(col), descending ? desc(leads.id) : asc(leads.id))
    .limit(page.limit)
    .offset(page.offset)
    .all();
  return { items, total };
}
