import type { MessagePort } from 'node:worker_threads';
import type { ImportLimits } from '../lead-files/index.js';
import type { MappingOverride } from '../leads/index.js';

/**
 * Where a worker writes: SQLite — its own connection on the database file; a port — the queue's `LeadImports`
 * (PostgreSQL's pool) answering over this message port (port-channel.ts).
 */
export type ImportTarget = { kind: 'sqlite'; dbPath: string } | { kind: 'port'; port: MessagePort };

/** What the queue hands one import worker (structured-clone data only; a port target's port is transferred). */
export interface ImportTask {
  target: ImportTarget;
  jobId: string;
  campaignId: string;
  spoolPath: string;
  fileName: string;
  mapping?: MappingOverride;
  defaultCountry?: string;
  at: number;
  limits: ImportLimits;
}

export type WorkerMessage =
  | { type: 'done'; accepted: number; rejected: number; processed: number }
  | { type: 'failed'; message: string };
