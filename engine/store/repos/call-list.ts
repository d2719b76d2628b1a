import { and, count, desc, eq, gte, inArray, isNotNull, isNull, like, lt, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { Disposition } from '../../events/index.js';
import type { Db } from '../db.js';
import { callLogs, type CallLogRow } from '../schema/call-logs.js';

/** What a call list is filtered by (the API's query), without its page. */
export interface CallListFilter {
  /** Restrict to these users (visibility); undefined = no restriction. An empty list matches nothing. */
  userIds?: string[];
  agentId?: string;
  campaignId?: string;
  dispositions?: Disposition[];
  kind?: 'dialer' | 'manual';
  /** Calls still up vs finished. */
  status?: 'in_progress' | 'ended';
  amdStatus?: string;
  leadId?: string;
  /** A person's phone search, its digits (phoneMatch: 3–7 contained in the number, 8 or more ending it). */
  phoneDigits?: string;
  from?: number;
  to?: number;
}

/** Which page of the list: newest first, ties by id (byte order). */
export interface CallPage {
  limit: number;
  offset: number;
}

export type CallFilter = CallListFilter & CallPage;

/** The call_logs columns a filter reads: the same property names on both dialects' schema (schema/, schema-pg/). */
export type CallFilterColumns = Record<'userId' | 'agentId' | 'campaignId' | 'disposition' | 'kind' | 'endedAt' | 'amdStatus' | 'leadId' | 'phone' | 'createdAt', AnyColumn>;

/** From this many digits a phone search is a number (local or whole), matched on its end through an index. */
export const PHONE_TAIL_DIGITS = 8;

/**
 * A person's phone search, as the digits they typed. 3 to 7 digits: the numbers containing them (no index serves a
 * contains-match; every row the other terms leave is read). 8 or more: a local or whole number, so the numbers
 * ending with them, found through call_logs_phone_tail_idx on the number's last 8 characters — the expression
 * spelled as in the schemas (schema/call-logs.ts, schema-pg/call-logs.ts), which is what lets both planners use it
 * (its `- 7` is PHONE_TAIL_DIGITS − 1 written out: a bound value would not match the index's expression).
 * Only digits reach LIKE, so none of its wildcards.
 */
export function phoneMatch(column: AnyColumn, typed: string): SQL {
  const digits = typed.replace(/\D/g, '');
  if (digits.length < PHONE_TAIL_DIGITS) return like(column, `%${digits}%`);
  return and(sql`substr(${column}, length(${column}) - 7) = ${digits.slice(-PHONE_TAIL_DIGITS)}`, like(column, `%${digits}`))!;
}

/**
 * The WHERE terms of a call list, built once for SQLite and PostgreSQL (#18) so the two cannot filter apart. The
 * user term, when there is one, comes first (listCalls' dense-team path swaps it). Values are bound parameters.
 */
export function callFilterConditions(t: CallFilterColumns, f: CallListFilter): SQL[] {
  const conds: SQL[] = [];
  if (f.userIds !== undefined) conds.push(inArray(t.userId, f.userIds));
  if (f.agentId !== undefined) conds.push(eq(t.agentId, f.agentId));
  if (f.campaignId !== undefined) conds.push(eq(t.campaignId, f.campaignId));
  if (f.dispositions !== undefined) conds.push(inArray(t.disposition, f.dispositions));
  if (f.kind !== undefined) conds.push(eq(t.kind, f.kind));
  if (f.status !== undefined) conds.push(f.status === 'ended' ? isNotNull(t.endedAt) : isNull(t.endedAt));
  if (f.amdStatus !== undefined) conds.push(eq(t.amdStatus, f.amdStatus));
  if (f.leadId !== undefined) conds.push(eq(t.leadId, f.leadId));
  if (f.phoneDigits !== undefined) conds.push(phoneMatch(t.phone, f.phoneDigits));
  if (f.from !== undefined) conds.push(gte(t.createdAt, f.from));
  if (f.to !== undefined) conds.push(lt(t.createdAt, f.to));
  return conds;
}

/**
 * Above this many matching calls, a team's list is read newest-first along the created_at index and filtered by
 * user, instead of gathering every call of every team member through the user index and sorting them all: at 1 M
 * CallLogs a 20-person team's first page went from ~200 ms to ~3 ms (`npm run bench:api`). Below it (a sparse
 * team) the user index is the cheaper path, since a date-ordered scan would walk far to fill a page.
 */
export const DENSE_TEAM_CALLS = 2000;

/**
 * Call listing for the API. The store's CallLogQuery takes one user; visibility needs a set of users (a team), so
 * the API builds its own WHERE over the same indexed columns. Values are bound parameters, never spliced.
 */
export function listCalls(db: Db, f: CallFilter, denseAbove = DENSE_TEAM_CALLS): { items: CallLogRow[]; total: number } {
  const conds = callFilterConditions(callLogs, f);
  const rest: SQL[] = [];
  const where = conds.length > 0 ? and(...conds) : undefined;
  const total = db.select({ n: count() }).from(callLogs).where(where).get()?.n ?? 0;
  let listWhere = where;
  if (f.userIds !== undefined && f.userIds.length > 1 && total > denseAbove) {
    // Unary + keeps SQLite from using the user index for this term (the documented way to steer the planner).
    const users = sql.join(
      f.userIds.map((u) => sql`${u}`),
      sql`, `,
    );
    rest.push(sql`+${callLogs.userId} IN (${users})`, ...conds.slice(1));
    listWhere = and(...rest);
  }
  const items = db.select().from(callLogs).where(listWhere).orderBy(desc(callLogs.createdAt), desc(callLogs.id)).limit(f.limit).offset(f.offset).all();
  return { items, total };
}
