import { and, asc, count, desc, eq, gte, inArray, isNotNull, lt, lte, ne, sql, type SQL } from 'drizzle-orm';
import { decodeAmdTrace, type AmdTrace } from '../../amd/index.js';
import type { RecordingCatalog } from '../recording-catalog.js';
import { phoneMatch } from '../repos/call-list.js';
import type { RecordingFilter, RecordingListItem } from '../repos/recordings.js';
import { callAmdTraces } from '../schema-pg/call-amd-traces.js';
import { callLogs } from '../schema-pg/call-logs.js';
import { campaigns } from '../schema-pg/campaigns.js';
import { qaScores } from '../schema-pg/qa.js';
import { recordingJobs, recordings } from '../schema-pg/recordings.js';
import type { CallLogRow } from '../schema/call-logs.js';
import type { RecordingJobRow, RecordingRow } from '../schema/recordings.js';
import type { PgPool } from './connect.js';
import { pgDb, type PgDb } from './drizzle.js';

/**
 * `RecordingRepo.list` and the detail's reads on PostgreSQL (#18, `RecordingCatalog`): the same WHERE (the mean QA
 * score as a correlated subquery), the same order with ties by call id in byte order (`collate "C"`).
 */
export class PgRecordingCatalog implements RecordingCatalog {
  readonly dialect = 'postgres' as const;
  private readonly db: PgDb;
  constructor(pool: PgPool) {
    this.db = pgDb(pool);
  }

  async list(f: RecordingFilter): Promise<{ items: RecordingListItem[]; total: number }> {
    const conds: SQL[] = [];
    if (!f.includeDeleted) conds.push(ne(recordings.state, 'deleted'));
    if (f.userIds !== undefined) conds.push(f.userIds.length ? inArray(callLogs.userId, f.userIds) : sql`false`);
    if (f.agentId !== undefined) conds.push(eq(recordings.agentId, f.agentId));
    if (f.campaignId !== undefined) conds.push(eq(recordings.campaignId, f.campaignId));
    if (f.disposition !== undefined) conds.push(eq(callLogs.disposition, f.disposition as never));
    if (f.amdStatus !== undefined) conds.push(eq(callLogs.amdStatus, f.amdStatus as never));
    if (f.phoneDigits !== undefined) conds.push(phoneMatch(callLogs.phone, f.phoneDigits));
    if (f.from !== undefined) conds.push(gte(recordings.startedAt, f.from));
    if (f.to !== undefined) conds.push(lt(recordings.startedAt, f.to));
    if (f.minScore !== undefined || f.maxScore !== undefined) {
      const avg = sql`(select avg(${qaScores.percent}) from ${qaScores} where ${qaScores.callId} = ${recordings.callId})`;
      conds.push(isNotNull(avg));
      if (f.minScore !== undefined) conds.push(gte(avg, f.minScore));
      if (f.maxScore !== undefined) conds.push(lte(avg, f.maxScore));
    }
    const where = conds.length ? and(...conds) : undefined;
    const [rows, counted] = await Promise.all([
      this.db
        .select({ recording: recordings, call: callLogs })
        .from(recordings)
        .innerJoin(callLogs, eq(callLogs.id, recordings.callId))
        .where(where)
        .orderBy(desc(recordings.startedAt), sql`${recordings.callId} collate "C" desc`)
        .limit(f.limit)
        .offset(f.offset),
      this.db.select({ n: count() }).from(recordings).innerJoin(callLogs, eq(callLogs.id, recordings.callId)).where(where),
    ]);
    // The PostgreSQL rows have the SQLite rows' properties and types (the schema drift test keeps them one).
    return { items: rows.map((r) => ({ recording: r.recording as RecordingRow, call: r.call as CallLogRow })), total: counted[0]?.n ?? 0 };
  }

  async get(callId: string): Promise<RecordingListItem | undefined> {
    const rows = await this.db.select({ recording: recordings, call: callLogs }).from(recordings).innerJoin(callLogs, eq(callLogs.id, recordings.callId)).where(eq(recordings.callId, callId));
    const r = rows[0];
    return r === undefined ? undefined : { recording: r.recording as RecordingRow, call: r.call as CallLogRow };
  }

  async amdTrace(callId: string): Promise<AmdTrace | null> {
    const rows = await this.db.select({ trace: callAmdTraces.trace }).from(callAmdTraces).where(eq(callAmdTraces.callId, callId));
    return rows[0] ? decodeAmdTrace(rows[0].trace) : null;
  }

  async jobs(callId: string): Promise<RecordingJobRow[]> {
    return this.db.select().from(recordingJobs).where(eq(recordingJobs.callId, callId)).orderBy(asc(recordingJobs.createdAt), sql`${recordingJobs.id} collate "C"`);
  }

  async campaignNames(ids: readonly string[]): Promise<Map<string, string>> {
    const distinct = [...new Set(ids)];
    if (distinct.length === 0) return new Map();
    const rows = await this.db.select({ id: campaigns.id, name: campaigns.name }).from(campaigns).where(inArray(campaigns.id, distinct));
    return new Map(rows.map((r) => [r.id, r.name]));
  }
}
