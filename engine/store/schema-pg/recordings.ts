import { pgTable, text, integer, bigint, jsonb, index } from 'drizzle-orm/pg-core';
import { RECORDING_STATES, RECORDING_JOB_KINDS, RECORDING_JOB_STATES, type RecordingPause } from '../schema/recordings.js';

/** One recording per CallLog (its id), with the AMD window beside it; the files live under RECORDINGS_DIR. */
export const recordings = pgTable(
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
    startedAt: bigint('started_at', { mode: 'number' }).notNull(),
    endedAt: bigint('ended_at', { mode: 'number' }),
    /** Of the WAV as ffprobe reads it. */
    durationMs: bigint('duration_ms', { mode: 'number' }),
    wavPath: text('wav_path'),
    wavBytes: bigint('wav_bytes', { mode: 'number' }),
    encodedPath: text('encoded_path'),
    encodedFormat: text('encoded_format', { enum: ['ogg', 'webm', 'mp3'] }),
    encodedBytes: bigint('encoded_bytes', { mode: 'number' }),
    /** Waveform peaks: max |sample| (0..1, 3 decimals) per `peaksPerSecond` of audio. */
    peaks: jsonb('peaks').$type<number[]>(),
    peaksPerSecond: integer('peaks_per_second'),
    pauses: jsonb('pauses').$type<RecordingPause[]>().notNull().default([]),
    /** The first seconds after answer as the AMD heard them (its own short WAV), and the detector's trace. */
    amdWavPath: text('amd_wav_path'),
    amdTrace: jsonb('amd_trace').$type<Record<string, unknown>>(),
    deletedAt: bigint('deleted_at', { mode: 'number' }),
    /** User id, or `retention` for the daily sweep. */
    deletedBy: text('deleted_by'),
    nodeId: text('node_id').notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    index('recordings_state_idx').on(t.state),
    index('recordings_campaign_started_idx').on(t.campaignId, t.startedAt),
    index('recordings_started_idx').on(t.startedAt),
  ],
);

/**
 * The recordings' work queue, persisted: a job survives a crash or restart (`running` ones go back to `queued` at
 * start). Retries wait `runAt` (exponential backoff) up to `maxAttempts`.
 */
export const recordingJobs = pgTable(
  'recording_jobs',
  {
    id: text('id').primaryKey(),
    callId: text('call_id').notNull(),
    kind: text('kind', { enum: RECORDING_JOB_KINDS }).notNull(),
    state: text('state', { enum: RECORDING_JOB_STATES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    runAt: bigint('run_at', { mode: 'number' }).notNull(),
    lastError: text('last_error'),
    nodeId: text('node_id').notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [index('recording_jobs_due_idx').on(t.state, t.runAt), index('recording_jobs_call_idx').on(t.callId)],
);
