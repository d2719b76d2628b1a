import { and, asc, desc, eq, like, or, sql, type SQL } from 'drizzle-orm';
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

export function leadConditions(f: LeadFilter): SQL[] {
  const conds: SQL[] = [];
  if (f.campaignId !== undefined) conds.push(eq(leads.campaignId, f.campaignId));
  if (f.city !== undefined) conds.push(sql`${leads.city} = ${f.city} collate nocase`);
  if (f.status !== undefined) conds.push(eq(leads.status, f.status));
  if (f.priority !== undefined) conds.push(eq(leads.priority, f.priority));
  if (f.q !== undefined && f.q !== '') {
    const pat = `%${escapeLike(f.q)}%`;
    const m = (col: typeof leads.name | typeof leads.city | typeof leads.phoneE164 | typeof leads.phoneRaw) => sql`${col} like ${pat} escape '\\'`;
    // Digits typed as "8888 1234" still find "+50688881234".
    const digits = f.q.replace(/\D/g, '');
    const conds2 = [m(leads.name), m(leads.city), m(leads.phoneE164), m(leads.phoneRaw)];
    if (digits.length >= 3 && digits !== f.q) conds2.push(like(leads.phoneE164, `%${digits}%`));
    conds.push(or(...conds2)!);
  }
  return conds;
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
