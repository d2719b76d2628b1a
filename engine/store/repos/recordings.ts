import { and, asc, count, desc, eq, gte, inArray, isNotNull, lt, lte, ne, sql, sum, type SQL } from 'drizzle-orm';
import type { Db } from '../db.js';
import { sortableId } from '../ids.js';
import { phoneMatch } from './call-list.js';
import { callLogs, type CallLogRow } from '../schema/call-logs.js';
import { campaigns } from '../schema/campaigns.js';
import {
  recordingJobs,
  recordings,
  type RecordingJobKind,
  type RecordingJobRow,
  type RecordingJobState,
  type RecordingPause,
  type RecordingRow,
  type RecordingState,
} from '../schema/recordings.js';

export type RecordingPatch = Partial<Omit<RecordingRow, 'callId' | 'name' | 'nodeId'>>;

export interface RecordingFilter {
  /** Visibility: only calls of these users; undefined = everyone. An empty list matches nothing. */
  userIds?: string[];
  agentId?: string;
  campaignId?: string;
  disposition?: string;
  amdStatus?: string;
  /** A person's phone search, its digits (call-list.ts phoneMatch: 3–7 contained in the number, 8 or more ending it). */
  phoneDigits?: string;
  from?: number;
  to?: number;
  /** Only recordings whose mean QA score (0–100) is within [minScore, maxScore]; unscored calls are left out. */
  minScore?: number;
  maxScore?: number;
  /** Deleted recordings are listed only when asked. */
  includeDeleted?: boolean;
  limit: number;
  offset: number;
}

export interface RecordingListItem {
  recording: RecordingRow;
  call: CallLogRow;
}

/** Recordings: one row per recorded CallLog, its files, state and failures (engine/recordings writes them). */
export class RecordingRepo {
  constructor(private readonly db: Db) {}

  /** A recording begins (idempotent: a second start for the same call changes nothing). */
  start(r: { callId: string; name: string; campaignId: string | null; agentId: string | null; bridgeId: string | null; at: number; nodeId: string }): RecordingRow {
    this.db
      .insert(recordings)
      .values({ ...r, startedAt: r.at, updatedAt: r.at, state: 'recording', pauses: [] })
      .onConflictDoNothing()
      .run();
    return this.get(r.callId)!;
  }

  get(callId: string): RecordingRow | undefined {
    return this.db.select().from(recordings).where(eq(recordings.callId, callId)).get();
  }

  update(callId: string, patch: RecordingPatch, at: number): void {
    this.db.update(recordings).set({ ...patch, updatedAt: at }).where(eq(recordings.callId, callId)).run();
  }

  /** The agent paused the recording (card numbers): the pause goes into the recording's metadata. */
  addPause(callId: string, p: RecordingPause): boolean {
    const row = this.get(callId);
    if (!row) return false;
    this.update(callId, { pauses: [...row.pauses, p] }, p.at);
    return true;
  }

  /** Closes the open pause; false when none is open. */
  closePause(callId: string, at: number): boolean {
    const row = this.get(callId);
    const open = row?.pauses.findIndex((p) => p.resumedAt === null) ?? -1;
    if (!row || open < 0) return false;
    const pauses = row.pauses.map((p, i) => (i === open ? { ...p, resumedAt: at } : p));
    this.update(callId, { pauses }, at);
    return true;
  }

  /** This node's recordings Asterisk was still writing when the process stopped (their calls ended meanwhile). */
  inState(state: RecordingState, nodeId?: string): RecordingRow[] {
    const cond = nodeId === undefined ? eq(recordings.state, state) : and(eq(recordings.state, state), eq(recordings.nodeId, nodeId));
    return this.db.select().from(recordings).where(cond).all();
  }

  list(f: RecordingFilter): { items: RecordingListItem[]; total: number } {
    const conds: SQL[] = [];
    if (!f.includeDeleted) conds.push(ne(recordings.state, 'deleted'));
    if (f.userIds !== undefined) conds.push(f.userIds.length ? inArray(callLogs.userId, f.userIds) : sql`0`);
    if (f.agentId !== undefined) conds.push(eq(recordings.agentId, f.agentId));
    if (f.campaignId !== undefined) conds.push(eq(recordings.campaignId, f.campaignId));
    if (f.disposition !== undefined) conds.push(eq(callLogs.disposition, f.disposition as never));
    if (f.amdStatus !== undefined) conds.push(eq(callLogs.amdStatus, f.amdStatus as never));
    if (f.phoneDigits !== undefined) conds.push(phoneMatch(callLogs.phone, f.phoneDigits));
    if (f.from !== undefined) conds.push(gte(recordings.startedAt, f.from));
    if (f.to !== undefined) conds.push(lt(recordings.startedAt, f.to));
    if (f.minScore !== undefined || f.maxScore !== undefined) {
      const avg = sql`(select avg(s.percent) from qa_scores s where s.call_id = ${recordings.callId})`;
      conds.push(isNotNull(avg));
      if (f.minScore !== undefined) conds.push(gte(avg, f.minScore));
      if (f.maxScore !== undefined) conds.push(lte(avg, f.maxScore));
    }
    const where = conds.length ? and(...conds) : undefined;
    const base = this.db.select({ recording: recordings, call: callLogs }).from(recordings).innerJoin(callLogs, eq(callLogs.id, recordings.callId));
    const items = base.where(where).orderBy(desc(recordings.startedAt), desc(recordings.callId)).limit(f.limit).offset(f.offset).all();
    const total = this.db.select({ n: count() }).from(recordings).innerJoin(callLogs, eq(callLogs.id, recordings.callId)).where(where).get()?.n ?? 0;
    return { items, total };
  }

  /** Recordings older than their campaign's retention (recordings of a deleted campaign: `defaultDays`). */
  expired(now: number, defaultDays: number, limit = 500, nodeId?: string): RecordingRow[] {
    const days = sql<number>`coalesce(${campaigns.recordingRetentionDays}, ${defaultDays})`;
    return this.db
      .select({ r: recordings })
      .from(recordings)
      .leftJoin(campaigns, eq(campaigns.id, recordings.campaignId))
      .where(and(ne(recordings.state, 'deleted'), ne(recordings.state, 'recording'), sql`${recordings.startedAt} < ${now} - ${days} * 86400000`, nodeId === undefined ? undefined : eq(recordings.nodeId, nodeId)))
      .orderBy(asc(recordings.startedAt))
      .limit(limit)
      .all()
      .map((x) => x.r);
  }

  /** Bytes kept on disk (WAV, browser file) and recordings per state; with `nodeId`, that node's recordings only. */
  usage(nodeId?: string): { bytes: number; byState: Partial<Record<RecordingState, number>> } {
    const ofNode = nodeId === undefined ? undefined : eq(recordings.nodeId, nodeId);
    const b = this.db
      .select({ wav: sum(recordings.wavBytes), enc: sum(recordings.encodedBytes) })
      .from(recordings)
      .where(and(ne(recordings.state, 'deleted'), ofNode))
      .get();
    const rows = this.db.select({ state: recordings.state, n: count() }).from(recordings).where(ofNode).groupBy(recordings.state).all();
    return { bytes: Number(b?.wav ?? 0) + Number(b?.enc ?? 0), byState: Object.fromEntries(rows.map((r) => [r.state, r.n])) };
  }
}

/** The recordings' persisted job queue (engine/recordings/queue.ts runs it). */
/** A job for the recordings' queue; `id` chosen by the caller makes a retried insert land once. */
export interface NewRecordingJob {
  id?: string;
  callId: string;
  kind: RecordingJobKind;
  maxAttempts: number;
  at: number;
  nodeId: string;
  runAt?: number;
}

/** The row a new job is inserted as, on either dialect: queued, no attempt yet, due at `runAt` (default: now). */
export function newRecordingJobRow(j: NewRecordingJob) {
  return {
    id: j.id ?? sortableId(j.at),
    callId: j.callId,
    kind: j.kind,
    state: 'queued' as const,
    attempts: 0,
    maxAttempts: j.maxAttempts,
    runAt: j.runAt ?? j.at,
    nodeId: j.nodeId,
    createdAt: j.at,
    updatedAt: j.at,
  };
}

export class RecordingJobRepo {
  constructor(private readonly db: Db) {}

  enqueue(j: NewRecordingJob): RecordingJobRow {
    const row = newRecordingJobRow(j);
    this.db.insert(recordingJobs).values(row).run();
    return { ...row, lastError: null };
  }

  get(id: string): RecordingJobRow | undefined {
    return this.db.select().from(recordingJobs).where(eq(recordingJobs.id, id)).get();
  }

  forCall(callId: string): RecordingJobRow[] {
    return this.db.select().from(recordingJobs).where(eq(recordingJobs.callId, callId)).orderBy(asc(recordingJobs.createdAt), asc(recordingJobs.id)).all();
  }

  /** Queued jobs of this node that are due, oldest first. */
  due(nodeId: string, now: number, limit: number): RecordingJobRow[] {
    return this.db
      .select()
      .from(recordingJobs)
      .where(and(eq(recordingJobs.state, 'queued'), eq(recordingJobs.nodeId, nodeId), lte(recordingJobs.runAt, now)))
      .orderBy(asc(recordingJobs.runAt), asc(recordingJobs.id))
      .limit(limit)
      .all();
  }

  /** When the next queued job of this node is due; null when none is queued. */
  nextRunAt(nodeId: string): number | null {
    const r = this.db
      .select({ at: sql<number | null>`min(${recordingJobs.runAt})` })
      .from(recordingJobs)
      .where(and(eq(recordingJobs.state, 'queued'), eq(recordingJobs.nodeId, nodeId)))
      .get();
    return r?.at ?? null;
  }

  /** queued → running, counting the attempt; false when another runner took it. */
  claim(id: string, at: number): boolean {
    const r = this.db
      .update(recordingJobs)
      .set({ state: 'running', attempts: sql`${recordingJobs.attempts} + 1`, updatedAt: at })
      .where(and(eq(recordingJobs.id, id), eq(recordingJobs.state, 'queued')))
      .run();
    return r.changes > 0;
  }

  settle(id: string, state: RecordingJobState, at: number, patch: { lastError?: string | null; runAt?: number } = {}): void {
    this.db.update(recordingJobs).set({ state, updatedAt: at, ...patch }).where(eq(recordingJobs.id, id)).run();
  }

  /** At start: this node's jobs left running by a dead process are queued again (their attempt counted). */
  requeueRunning(nodeId: string, at: number): number {
    return this.db
      .update(recordingJobs)
      .set({ state: 'queued', runAt: at, updatedAt: at })
      .where(and(eq(recordingJobs.state, 'running'), eq(recordingJobs.nodeId, nodeId)))
      .run().changes;
  }

  /** Jobs per state; with `nodeId`, that node's only. */
  counts(nodeId?: string): Partial<Record<RecordingJobState, number>> {
    const rows = this.db
      .select({ state: recordingJobs.state, n: count() })
      .from(recordingJobs)
      .where(nodeId === undefined ? undefined : eq(recordingJobs.nodeId, nodeId))
      .groupBy(recordingJobs.state)
      .all();
    return Object.fromEntries(rows.map((r) => [r.state, r.n]));
  }
}
