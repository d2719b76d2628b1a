import { and, count, desc, eq, gte, inArray, isNotNull, isNull, lt, type SQL } from 'drizzle-orm';
import type { Disposition } from '../../engine/events/types.js';
import type { Db } from '../../engine/store/db.js';
import { callLogs, type CallLogRow } from '../../engine/store/schema/call-logs.js';

export interface CallFilter {
  /** Restrict to these users (visibility); undefined = no restriction. An empty list matches nothing. */
  userIds?: string[];
  agentId?: string;
  campaignId?: string;
  dispositions?: Disposition[];
  kind?: 'dialer' | 'manual';
  /** Calls still up vs finished. */
  status?: 'in_progress' | 'ended';
  from?: number;
  to?: number;
  limit: number;
  offset: number;
}

/**
 * Call listing for the API. The store's CallLogQuery takes one user; visibility needs a set of users (a team), so
 * the API builds its own WHERE over the same indexed columns. Values are bound parameters, never spliced.
 */
export function listCalls(db: Db, f: CallFilter): { items: CallLogRow[]; total: number } {
  const conds: SQL[] = [];
  if (f.userIds !== undefined) conds.push(inArray(callLogs.userId, f.userIds));
  if (f.agentId !== undefined) conds.push(eq(callLogs.agentId, f.agentId));
  if (f.campaignId !== undefined) conds.push(eq(callLogs.campaignId, f.campaignId));
  if (f.dispositions !== undefined) conds.push(inArray(callLogs.disposition, f.dispositions));
  if (f.kind !== undefined) conds.push(eq(callLogs.kind, f.kind));
  if (f.status !== undefined) conds.push(f.status === 'ended' ? isNotNull(callLogs.endedAt) : isNull(callLogs.endedAt));
  if (f.from !== undefined) conds.push(gte(callLogs.createdAt, f.from));
  if (f.to !== undefined) conds.push(lt(callLogs.createdAt, f.to));
  const where = conds.length > 0 ? and(...conds) : undefined;
  const items = db.select().from(callLogs).where(where).orderBy(desc(callLogs.createdAt), desc(callLogs.id)).limit(f.limit).offset(f.offset).all();
  const total = db.select({ n: count() }).from(callLogs).where(where).get()?.n ?? 0;
  return { items, total };
}
