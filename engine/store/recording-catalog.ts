import type { AmdTrace } from '../amd/index.js';
import type { RecordingFilter, RecordingListItem } from './repos/recordings.js';
import type { RecordingJobRow } from './schema/recordings.js';
import type { Store } from './store.js';

/**
 * The recordings' metadata as the list and detail routes read it (#18): rows, filters and paging, a recording with
 * its CallLog, the AMD trace kept with the CallLog, the recording's jobs and the campaigns' names — one async shape
 * over both dialects, the sibling of `CallHistory`. Only reads: the recorder writes these rows, and the audio
 * (signed URLs, serving, transcoding, pause/resume, deleting files) stays with the process that holds the files.
 * Both list newest first, ties by call id in byte order (descending), with the same filters.
 */
export interface RecordingCatalog {
  readonly dialect: 'sqlite' | 'postgres';
  list(f: RecordingFilter): Promise<{ items: RecordingListItem[]; total: number }>;
  /** The recording of a call with its CallLog; undefined when either is missing. */
  get(callId: string): Promise<RecordingListItem | undefined>;
  /** The AMD trace kept with the CallLog (null: none); throws when the stored trace cannot be decoded. */
  amdTrace(callId: string): Promise<AmdTrace | null>;
  /** The recording's jobs, oldest first (ties by id). */
  jobs(callId: string): Promise<RecordingJobRow[]>;
  /** The names of these campaigns that exist (a deleted campaign is absent). */
  campaignNames(ids: readonly string[]): Promise<Map<string, string>>;
}

/** Over the SQLite store: the repositories the routes always read. */
export function sqliteRecordingCatalog(store: Pick<Store, 'recordings' | 'recordingJobs' | 'callLogs' | 'campaigns'>): RecordingCatalog {
  return {
    dialect: 'sqlite',
    list: async (f) => store.recordings.list(f),
    get: async (callId) => {
      const recording = store.recordings.get(callId);
      const call = recording && store.callLogs.get(callId);
      return recording && call ? { recording, call } : undefined;
    },
    amdTrace: async (callId) => store.callLogs.amdTraces.get(callId),
    jobs: async (callId) => store.recordingJobs.forCall(callId),
    campaignNames: async (ids) => {
      const out = new Map<string, string>();
      for (const id of new Set(ids)) {
        const name = store.campaigns.get(id)?.name;
        if (name !== undefined) out.set(id, name);
      }
      return out;
    },
  };
}
