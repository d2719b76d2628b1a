import type { PgPool } from './pg/connect.js';
import { PgRecorderStore } from './pg/recorder-store.js';
import type { NewRecordingJob, RecordingPatch } from './repos/recordings.js';
import type { RecordingJobRow, RecordingJobState, RecordingRow, RecordingState } from './schema/recordings.js';
import type { Store } from './store.js';

/** A recording begins (idempotent: a second start for the same call changes nothing). */
export interface RecordingStart {
  callId: string;
  name: string;
  campaignId: string | null;
  agentId: string | null;
  bridgeId: string | null;
  at: number;
  nodeId: string;
}

/** A job for the recordings' queue; `id` chosen by the caller makes a retried insert land once. */
export type RecordingJobInput = NewRecordingJob;

/** What the recorder reads of a CallLog. */
export type RecorderCall = { campaignId: string | null; agentId: string | null; answeredAt: number | null; endedAt: number | null };

/**
 * The recorder's rows (engine/recordings, #18): the recordings it writes, its persisted job queue, and the little it
 * reads and writes of CallLogs and campaigns — one async shape over both dialects, the writing sibling of
 * `RecordingCatalog` (which the list and detail routes read). On SQLite it wraps the synchronous repositories (a
 * failure rejects, as PostgreSQL's does); on PostgreSQL it is the same tables on the pool the node writes its
 * CallLogs through. The recorder queues its writes (engine/shell StoreWriteQueue), so both are retried alike when
 * the database cannot take them.
 */
export interface RecorderStore {
  readonly dialect: 'sqlite' | 'postgres';
  readonly recordings: {
    start(r: RecordingStart): Promise<RecordingRow>;
    get(callId: string): Promise<RecordingRow | undefined>;
    update(callId: string, patch: RecordingPatch, at: number): Promise<void>;
    /** Closes the open pause at `at`; false when none is open (or no such recording). */
    closePause(callId: string, at: number): Promise<boolean>;
    /** Recordings in `state` (of this node). */
    inState(state: RecordingState, nodeId?: string): Promise<RecordingRow[]>;
    /**
     * Recordings older than their campaign's retention (recordings of a deleted campaign: `defaultDays`), oldest
     * first; with `nodeId`, only that node's (on PostgreSQL each node sweeps the files on its own disk).
     */
    expired(now: number, defaultDays: number, limit?: number, nodeId?: string): Promise<RecordingRow[]>;
    /** Bytes kept on disk (WAV, browser file) and recordings per state; with `nodeId`, that node's recordings only. */
    usage(nodeId?: string): Promise<{ bytes: number; byState: Partial<Record<RecordingState, number>> }>;
  };
  readonly jobs: {
    enqueue(j: RecordingJobInput): Promise<RecordingJobRow>;
    get(id: string): Promise<RecordingJobRow | undefined>;
    /** Queued jobs of this node that are due, oldest first. */
    due(nodeId: string, now: number, limit: number): Promise<RecordingJobRow[]>;
    /** When the next queued job of this node is due; null when none is queued. */
    nextRunAt(nodeId: string): Promise<number | null>;
    /** queued → running, counting the attempt; false when another runner took it. */
    claim(id: string, at: number): Promise<boolean>;
    settle(id: string, state: RecordingJobState, at: number, patch?: { lastError?: string | null; runAt?: number }): Promise<void>;
    /** This node's jobs left running by a dead process are queued again. */
    requeueRunning(nodeId: string, at: number): Promise<number>;
    /** Jobs per state; with `nodeId`, that node's only. */
    counts(nodeId?: string): Promise<Partial<Record<RecordingJobState, number>>>;
  };
  /** The CallLog's fields the recorder reads; undefined when there is none (yet). */
  call(callId: string): Promise<RecorderCall | undefined>;
  /** The CallLog's `recording_ref`; false when the CallLog is not there (yet). */
  setCallRecording(callId: string, name: string): Promise<boolean>;
  /** Whether the campaign records its calls (false for a missing one). */
  campaignRecords(campaignId: string): Promise<boolean>;
}

/** The SQLite store's parts the recorder's rows live in. */
export type RecorderSqliteStore = Pick<Store, 'recordings' | 'recordingJobs' | 'callLogs' | 'campaigns'>;

/** Over the SQLite store: the repositories the recorder always called, wrapped (a thrown error becomes a rejection). */
export function sqliteRecorderStore(store: RecorderSqliteStore): RecorderStore {
  const { recordings: r, recordingJobs: j } = store;
  return {
    dialect: 'sqlite',
    recordings: {
      start: async (x) => r.start(x),
      get: async (callId) => r.get(callId),
      update: async (callId, patch, at) => r.update(callId, patch, at),
      closePause: async (callId, at) => r.closePause(callId, at),
      inState: async (state, nodeId) => r.inState(state, nodeId),
      expired: async (now, days, limit, nodeId) => r.expired(now, days, limit, nodeId),
      usage: async (nodeId) => r.usage(nodeId),
    },
    jobs: {
      enqueue: async (x) => j.enqueue(x),
      get: async (id) => j.get(id),
      due: async (nodeId, now, limit) => j.due(nodeId, now, limit),
      nextRunAt: async (nodeId) => j.nextRunAt(nodeId),
      claim: async (id, at) => j.claim(id, at),
      settle: async (id, state, at, patch) => j.settle(id, state, at, patch),
      requeueRunning: async (nodeId, at) => j.requeueRunning(nodeId, at),
      counts: async (nodeId) => j.counts(nodeId),
    },
    call: async (callId) => {
      const c = store.callLogs.get(callId);
      return c && { campaignId: c.campaignId, agentId: c.agentId, answeredAt: c.answeredAt, endedAt: c.endedAt };
    },
    setCallRecording: async (callId, name) => store.callLogs.setRecording(callId, name),
    campaignRecords: async (id) => store.campaigns.get(id)?.recording === true,
  };
}

/** Over PostgreSQL: the recordings and recording_jobs tables beside the nodes' call_logs and the campaigns. */
export function pgRecorderStore(pool: PgPool): RecorderStore {
  return new PgRecorderStore(pool);
}
