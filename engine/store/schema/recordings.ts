import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * recording (Asterisk is writing it) → fetching (the call ended; the file is being copied from Asterisk) → stored
 * (the WAV is on our disk) → transcoding → ready (browser file and peaks made); failed at any step (error and
 * attempts say why); deleted (files removed by a user or the retention sweep; the CallLog stays).
 */
export const RECORDING_STATES = ['recording', 'fetching', 'stored', 'transcoding', 'ready', 'failed', 'deleted'] as const;
export type RecordingState = (typeof RECORDING_STATES)[number];

/** A pause asked by the agent (card numbers): ms from the start of the recording, and how long (null: never resumed). */
export interface RecordingPause {
  at: number;
  offsetMs: number;
  resumedAt: number | null;
  by: string | null;
}

/** One recording per CallLog (its id), with the AMD window beside it; the files live under RECORDINGS_DIR. */
export const recordings = sqliteTable(
  'recordings',
  {
    callId: text('call_id').primaryKey(),
    /** The name Asterisk stores it under (the CallLog's id). */
    name: text('name').notNull(),
    campaignId: text('campaign_id'),
    agentId: text('agent_id'),
    bridgeId: text('bridge_id'),
    state: text('state', { enum: RECORDING_STATES }).notNull(),
    /** Why the last step failed (fetch, malformed audio, ffmpeg, disk full); null when it did not. */
    error: text('error'),
    /** Attempts of the step in progress or last failed. */
    attempts: integer('attempts').notNull().default(0),
    startedAt: integer('started_at').notNull(),
    endedAt: integer('ended_at'),
    /** Of the WAV as ffprobe reads it. */
    durationMs: integer('duration_ms'),
    wavPath: text('wav_path'),
    wavBytes: integer('wav_bytes'),
    encodedPath: text('encoded_path'),
    encodedFormat: text('encoded_format', { enum: ['ogg', 'webm', 'mp3'] }),
    encodedBytes: integer('encoded_bytes'),
    /** Waveform peaks: max |sample| (0..1, 3 decimals) per `peaksPerSecond` of audio. */
    peaks: text('peaks', { mode: 'json' }).$type<number[]>(),
    peaksPerSecond: integer('peaks_per_second'),
    pauses: text('pauses', { mode: 'json' }).$type<RecordingPause[]>().notNull().default([]),
    /** The first seconds after answer as the AMD heard them (its own short WAV), and the detector's trace. */
    amdWavPath: text('amd_wav_path'),
    amdTrace: text('amd_trace', { mode: 'json' }).$type<Record<string, unknown>>(),
    deletedAt: integer('deleted_at'),
    /** User id, or `retention` for the daily sweep. */
    deletedBy: text('deleted_by'),
    nodeId: text('node_id').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    index('recordings_state_idx').on(t.state),
    index('recordings_campaign_started_idx').on(t.campaignId, t.startedAt),
    index('recordings_started_idx').on(t.startedAt),
  ],
);

export type RecordingRow = typeof recordings.$inferSelect;

export const RECORDING_JOB_KINDS = ['fetch', 'transcode'] as const;
export type RecordingJobKind = (typeof RECORDING_JOB_KINDS)[number];
export const RECORDING_JOB_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type RecordingJobState = (typeof RECORDING_JOB_STATES)[number];

/**
 * The recordings' work queue, persisted: a job survives a crash or restart (`running` ones go back to `queued` at
 * start). Retries wait `runAt` (exponential backoff) up to `maxAttempts`.
 */
export const recordingJobs = sqliteTable(
  'recording_jobs',
  {
    id: text('id').primaryKey(),
    callId: text('call_id').notNull(),
    kind: text('kind', { enum: RECORDING_JOB_KINDS }).notNull(),
    state: text('state', { enum: RECORDING_JOB_STATES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    runAt: integer('run_at').notNull(),
    lastError: text('last_error'),
    nodeId: text('node_id').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [index('recording_jobs_due_idx').on(t.state, t.runAt), index('recording_jobs_call_idx').on(t.callId)],
);

export type RecordingJobRow = typeof recordingJobs.$inferSelect;
