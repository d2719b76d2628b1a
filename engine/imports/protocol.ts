import type { ImportLimits } from '../lead-files/index.js';
import type { MappingOverride } from '../leads/index.js';

/** What the queue hands one import worker (structured-clone data only). */
export interface ImportTask {
  dbPath: string;
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
