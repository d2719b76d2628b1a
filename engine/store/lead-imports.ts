import type { NewLead } from '../leads/index.js';
import type { ImportJobRow, ImportJobState, ImportRowError } from './schema/import-jobs.js';
import type { Store } from './store.js';

/** How a job starts: `queued` by the import queue (with its node and spool file), `running` by a direct import. */
export interface ImportJobStart {
  status?: 'queued' | 'running';
  nodeId?: string;
  spoolPath?: string;
}

/** Progress while a job runs; `errors`, when given, replace the job's rejected rows so far. */
export interface ImportJobProgress {
  processed: number;
  accepted: number;
  rejected: number;
  total?: number | null;
  errors?: ImportRowError[];
}

/** A job's end, written in one statement (a reader never sees it failed without its message). */
export interface ImportJobEnd {
  status: 'done' | 'failed';
  processed: number;
  accepted: number;
  rejected: number;
  errors: ImportRowError[];
  at: number;
  /** Left as it is when not given. */
  message?: string | null;
  /** Left as it is when not given; null once the spool file is deleted. */
  spoolPath?: null;
}

/** The `import_jobs` table: what the importer writes and the import-job routes read. */
export interface ImportJobs {
  create(id: string, campaignId: string, fileName: string, at: number, o?: ImportJobStart): Promise<ImportJobRow>;
  get(id: string): Promise<ImportJobRow | undefined>;
  /** A campaign's jobs, newest first. */
  list(campaignId: string): Promise<ImportJobRow[]>;
  setStatus(id: string, status: ImportJobState, o?: { message?: string | null; spoolPath?: string | null }): Promise<void>;
  progress(id: string, p: ImportJobProgress): Promise<void>;
  finish(id: string, r: ImportJobEnd): Promise<void>;
  /** A node's jobs that did not end (queued, running, committing), oldest first: what its restart reconciles. */
  unfinished(nodeId: string): Promise<ImportJobRow[]>;
  /** 1-based place of a queued job among its node's queued jobs; null when not queued. */
  queuePosition(job: Pick<ImportJobRow, 'id' | 'status' | 'nodeId'>): Promise<number | null>;
  /** Spool files that jobs still point at (the rest of a spool directory is litter). */
  spoolPaths(): Promise<Set<string>>;
}

/**
 * Everything a lead import writes and reads (#18), over either dialect: the jobs, the campaign it imports into, and
 * the leads in three steps — staged batches (in the table so the campaign's duplicates are found, status
 * `importing`, never dialled), then made dialable together (`commitBatch`), or removed together (`discardBatch`)
 * when the file fails. So an import is all or nothing on both: a failed job leaves no lead behind, or says how
 * many staged rows a refusing database kept (they are never dialled, and removed at the next start).
 */
export interface LeadImports {
  readonly dialect: 'sqlite' | 'postgres';
  /**
   * SQLite only: the database file. The import worker thread opens its own connection on it (one writer per
   * thread, the engine's loop never waits on a parse). On PostgreSQL the worker thread parses and the pool of the
   * process that owns this port writes (engine/imports: the worker asks it over the thread's message port).
   */
  readonly sqlitePath?: string;
  readonly jobs: ImportJobs;
  /** The campaign an import writes into (its default country for national numbers); undefined when unknown. */
  campaign(id: string): Promise<{ id: string; defaultCountry: string } | undefined>;
  /**
   * One transaction: inserts the rows staged, skipping numbers the campaign already has (unique campaign + E.164),
   * a number on a DNC list that applies (the internal one or the campaign's) stored `dnc`. The numbers inserted.
   */
  stageBatch(rows: readonly NewLead[], at: number): Promise<Set<string>>;
  /** Makes up to `limit` staged rows of the job dialable (due `at`); how many. Called until 0. */
  commitBatch(jobId: string, at: number, limit: number): Promise<number>;
  /** Deletes up to `limit` rows of a job that did not finish; how many. Called until 0. */
  discardBatch(jobId: string, limit: number): Promise<number>;
  /** Rows a job has in the table (staged or committed). */
  countOfImport(jobId: string): Promise<number>;
  /** Jobs that still have staged rows (rollbacks a database refused earlier). */
  stagedImportJobs(): Promise<string[]>;
  /**
   * After each batch write of a long import. SQLite: folds this connection's WAL back into the file now (PASSIVE),
   * so the automatic checkpoint does not fall on the engine's event loop. PostgreSQL: nothing.
   */
  afterWrite(): void;
}

/** Over the SQLite store: its repositories as the importer always called them (synchronous; awaiting is free). */
export function sqliteLeadImports(store: Pick<Store, 'path' | 'campaigns' | 'leads' | 'importJobs' | 'transaction' | 'checkpoint'>): LeadImports {
  const jobs = store.importJobs;
  return {
    dialect: 'sqlite',
    sqlitePath: store.path,
    jobs: {
      create: async (id, campaignId, fileName, at, o) => jobs.create(id, campaignId, fileName, at, o),
      get: async (id) => jobs.get(id),
      list: async (campaignId) => jobs.list(campaignId),
      setStatus: async (id, status, o) => jobs.setStatus(id, status, o),
      progress: async (id, p) => jobs.progress(id, p),
      finish: async (id, r) => jobs.finish(id, r),
      unfinished: async (nodeId) => jobs.unfinished(nodeId),
      queuePosition: async (job) => jobs.queuePosition(job),
      spoolPaths: async () => jobs.spoolPaths(),
    },
    campaign: async (id) => {
      const c = store.campaigns.get(id);
      return c === undefined ? undefined : { id: c.id, defaultCountry: c.defaultCountry };
    },
    stageBatch: async (rows, at) => store.transaction(() => store.leads.insertMany(rows, at, { staged: true })),
    commitBatch: async (jobId, at, limit) => store.leads.commitImportBatch(jobId, at, limit),
    discardBatch: async (jobId, limit) => store.leads.discardImportBatch(jobId, limit),
    countOfImport: async (jobId) => store.leads.countOfImport(jobId),
    stagedImportJobs: async () => store.leads.stagedImportJobs(),
    afterWrite: () => store.checkpoint(),
  };
}

/** A `Store` given where a port is expected (the importer's historical signature) becomes the SQLite port. */
export function asLeadImports(target: LeadImports | Store): LeadImports {
  return 'stageBatch' in target ? target : sqliteLeadImports(target);
}
