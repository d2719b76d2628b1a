import { and, asc, count, eq, lte, ne, sql, sum } from 'drizzle-orm';
import type { RecorderCall, RecorderStore, RecordingJobInput, RecordingStart } from '../recorder-store.js';
import { newRecordingJobRow, type RecordingPatch } from '../repos/recordings.js';
import { callLogs } from '../schema-pg/call-logs.js';
import { campaigns } from '../schema-pg/campaigns.js';
import { recordingJobs, recordings } from '../schema-pg/recordings.js';
import type { RecordingJobRow, RecordingJobState, RecordingRow, RecordingState } from '../schema/recordings.js';
import type { PgPool } from './connect.js';
import { pgDb, type PgDb } from './drizzle.js';

/**
 * `RecordingRepo` / `RecordingJobRepo` as the recorder uses them, on PostgreSQL (#18, `RecorderStore`): the same
 * statements on the schema twin. The open pause is closed in one statement (no read-modify-write across a round
 * trip); the job ids are the caller's when given, so an insert retried after a lost answer lands once.
 */
export class PgRecorderStore implements RecorderStore {
  readonly dialect = 'postgres' as const;
  private readonly db: PgDb;
  readonly recordings: RecorderStore['recordings'];
  readonly jobs: RecorderStore['jobs'];

  constructor(pool: PgPool) {
    const db = (this.db = pgDb(pool));
    // The drift test keeps the PostgreSQL rows the SQLite rows' shape.
    const one = async (callId: string) => (await db.select().from(recordings).where(eq(recordings.callId, callId)))[0] as RecordingRow | undefined;
    this.recordings = {
      start: async (r: RecordingStart) => {
        await db
          .insert(recordings)
          .values({ ...r, startedAt: r.at, updatedAt: r.at, state: 'recording', pauses: [] })
          .onConflictDoNothing();
        return (await one(r.callId))!;
      },
      get: one,
      update: async (callId: string, patch: RecordingPatch, at: number) => {
        await db.update(recordings).set({ ...patch, updatedAt: at }).where(eq(recordings.callId, callId));
      },
      closePause: async (callId: string, at: number) => {
        const r = await pool.query(
          `update recordings set updated_at = $2, pauses = (
             select coalesce(jsonb_agg(case when p ->> 'resumedAt' is null then jsonb_set(p, '{resumedAt}', to_jsonb($2::bigint)) else p end order by i), '[]'::jsonb)
             from jsonb_array_elements(pauses) with ordinality as t(p, i))
           where call_id = $1 and exists (select 1 from jsonb_array_elements(pauses) q where q ->> 'resumedAt' is null)`,
          [callId, at],
        );
        return (r.rowCount ?? 0) > 0;
      },
      inState: async (state: RecordingState, nodeId?: string) => {
        const cond = nodeId === undefined ? eq(recordings.state, state) : and(eq(recordings.state, state), eq(recordings.nodeId, nodeId));
        return (await db.select().from(recordings).where(cond)) as RecordingRow[];
      },
      expired: async (now: number, defaultDays: number, limit = 500, nodeId?: string) => {
        const days = sql`coalesce(${campaigns.recordingRetentionDays}, ${defaultDays})`;
        const rows = await db
          .select({ r: recordings })
          .from(recordings)
          .leftJoin(campaigns, eq(campaigns.id, recordings.campaignId))
          .where(
            and(
              ne(recordings.state, 'deleted'),
              ne(recordings.state, 'recording'),
              // bigint: days × 86 400 000 overflows an integer from 25 days on (the default retention is 90).
              sql`${recordings.startedAt} < ${now}::bigint - ${days}::bigint * 86400000`,
              nodeId === undefined ? undefined : eq(recordings.nodeId, nodeId),
            ),
          )
          .orderBy(asc(recordings.startedAt))
          .limit(limit);
        return rows.map((x) => x.r as RecordingRow);
      },
      usage: async (nodeId?: string) => {
        const ofNode = nodeId === undefined ? undefined : eq(recordings.nodeId, nodeId);
        const [b] = await db.select({ wav: sum(recordings.wavBytes), enc: sum(recordings.encodedBytes) }).from(recordings).where(and(ne(recordings.state, 'deleted'), ofNode));
        const rows = await db.select({ state: recordings.state, n: count() }).from(recordings).where(ofNode).groupBy(recordings.state);
        return { bytes: Number(b?.wav ?? 0) + Number(b?.enc ?? 0), byState: Object.fromEntries(rows.map((r) => [r.state, r.n])) };
      },
    };
    this.jobs = {
      enqueue: async (j: RecordingJobInput) => {
        const row = newRecordingJobRow(j);
        await db.insert(recordingJobs).values(row);
        return { ...row, lastError: null };
      },
      get: async (id: string) => (await db.select().from(recordingJobs).where(eq(recordingJobs.id, id)))[0] as RecordingJobRow | undefined,
      due: async (nodeId: string, now: number, limit: number) =>
        (await db
          .select()
          .from(recordingJobs)
          .where(and(eq(recordingJobs.state, 'queued'), eq(recordingJobs.nodeId, nodeId), lte(recordingJobs.runAt, now)))
          .orderBy(asc(recordingJobs.runAt), sql`${recordingJobs.id} collate "C"`)
          .limit(limit)) as RecordingJobRow[],
      nextRunAt: async (nodeId: string) => {
        const [r] = await db
          .select({ at: sql<string | null>`min(${recordingJobs.runAt})` })
          .from(recordingJobs)
          .where(and(eq(recordingJobs.state, 'queued'), eq(recordingJobs.nodeId, nodeId)));
        return r?.at == null ? null : Number(r.at);
      },
      claim: async (id: string, at: number) => {
        const r = await db
          .update(recordingJobs)
          .set({ state: 'running', attempts: sql`${recordingJobs.attempts} + 1`, updatedAt: at })
          .where(and(eq(recordingJobs.id, id), eq(recordingJobs.state, 'queued')));
        return (r.rowCount ?? 0) > 0;
      },
      settle: async (id: string, state: RecordingJobState, at: number, patch: { lastError?: string | null; runAt?: number } = {}) => {
        await db.update(recordingJobs).set({ state, updatedAt: at, ...patch }).where(eq(recordingJobs.id, id));
      },
      requeueRunning: async (nodeId: string, at: number) => {
        const r = await db
          .update(recordingJobs)
          .set({ state: 'queued', runAt: at, updatedAt: at })
          .where(and(eq(recordingJobs.state, 'running'), eq(recordingJobs.nodeId, nodeId)));
        return r.rowCount ?? 0;
      },
      counts: async (nodeId?: string) => {
        const rows = await db
          .select({ state: recordingJobs.state, n: count() })
          .from(recordingJobs)
          .where(nodeId === undefined ? undefined : eq(recordingJobs.nodeId, nodeId))
          .groupBy(recordingJobs.state);
        return Object.fromEntries(rows.map((r) => [r.state, r.n]));
      },
    };
  }

  async call(callId: string): Promise<RecorderCall | undefined> {
    const [c] = await this.db
      .select({ campaignId: callLogs.campaignId, agentId: callLogs.agentId, answeredAt: callLogs.answeredAt, endedAt: callLogs.endedAt })
      .from(callLogs)
      .where(eq(callLogs.id, callId));
    return c;
  }

  async setCallRecording(callId: string, name: string): Promise<boolean> {
    const r = await this.db.update(callLogs).set({ recordingRef: name }).where(eq(callLogs.id, callId));
    return (r.rowCount ?? 0) > 0;
  }

  async campaignRecords(campaignId: string): Promise<boolean> {
    const [c] = await this.db.select({ recording: campaigns.recording }).from(campaigns).where(eq(campaigns.id, campaignId));
    return c?.recording === true;
  }
}
