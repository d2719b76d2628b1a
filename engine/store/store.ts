import { type OpenDbOptions, type Db, type Sqlite, openDb } from './db.js';
import { AgentEventRepo, AgentRepo } from './repos/agents.js';
import { CallLogRepo } from './repos/call-logs.js';
import { ManualCallRepo } from './repos/manual-calls.js';
import { MetricsRepo } from './repos/metrics.js';
import { CampaignRepo } from './repos/campaigns.js';
import { DncRepo } from './repos/dnc.js';
import { ImportJobRepo } from './repos/import-jobs.js';
import { LeadRepo } from './repos/leads.js';
import { LeadLockRepo } from './repos/lead-locks.js';
import { LeadHistoryRepo } from './repos/lead-history.js';
import { LoginThrottleRepo } from './repos/login-throttle.js';
import { RecordingJobRepo, RecordingRepo } from './repos/recordings.js';
import { QaRepo } from './repos/qa.js';
import { TrunkRepo } from './repos/trunks.js';

/** The store the engine and the API share: one SQLite file, one set of repositories. */
export interface Store {
  readonly path: string;
  readonly db: Db;
  readonly sqlite: Sqlite;
  readonly callLogs: CallLogRepo;
  readonly agents: AgentRepo;
  readonly agentEvents: AgentEventRepo;
  readonly metrics: MetricsRepo;
  readonly manualCalls: ManualCallRepo;
  readonly campaigns: CampaignRepo;
  readonly leads: LeadRepo;
  readonly dnc: DncRepo;
  readonly importJobs: ImportJobRepo;
  readonly leadLocks: LeadLockRepo;
  readonly leadHistory: LeadHistoryRepo;
  readonly loginThrottle: LoginThrottleRepo;
  readonly recordings: RecordingRepo;
  readonly recordingJobs: RecordingJobRepo;
  readonly qa: QaRepo;
  readonly trunks: TrunkRepo;
  /** Runs `fn` in one write transaction (BEGIN IMMEDIATE: it waits for other writers instead of failing half-way). */
  transaction<T>(fn: () => T): T;
  /** Whether the database answers (for /health). */
  ping(): boolean;
  /**
   * One real write (a committed transaction that rewrites the header's user_version with its own value): throws
   * the SQLite error when the file cannot be written (disk full, read-only, I/O error). The engine's write queue
   * probes with it to learn that space came back.
   */
  probeWrite(): void;
  /**
   * Copies what this connection's commits added to the WAL back into the database now, without waiting for
   * anyone (PASSIVE). The import worker calls it after each batch, so that the WAL's automatic checkpoint does not
   * fall to the engine's connection, on its event loop.
   */
  checkpoint(): void;
  close(): void;
}

/** Creates the directory, opens the file in WAL mode, runs pending migrations and wires the repositories. */
export function openStore(path: string, opts: OpenDbOptions = {}): Store {
  const { sqlite, db } = openDb(path, opts);
  const callLogs = new CallLogRepo(db);
  const agentEvents = new AgentEventRepo(db);
  const metrics = new MetricsRepo(db, agentEvents);
  const leads = new LeadRepo(db);
  return {
    path,
    db,
    sqlite,
    callLogs,
    agents: new AgentRepo(db),
    agentEvents,
    metrics,
    manualCalls: new ManualCallRepo(db, callLogs, metrics),
    campaigns: new CampaignRepo(db, leads),
    leads,
    dnc: new DncRepo(db, leads),
    importJobs: new ImportJobRepo(db),
    leadLocks: new LeadLockRepo(db),
    leadHistory: new LeadHistoryRepo(db),
    loginThrottle: new LoginThrottleRepo(db),
    recordings: new RecordingRepo(db),
    recordingJobs: new RecordingJobRepo(db),
    qa: new QaRepo(db),
    trunks: new TrunkRepo(db),
    transaction: (fn) => db.transaction(fn, { behavior: 'immediate' }),
    ping: () => {
      try {
        sqlite.prepare('select 1').get();
        return true;
      } catch {
        return false;
      }
    },
    probeWrite: () => {
      const v = Number(sqlite.pragma('user_version', { simple: true }));
      sqlite.pragma(`user_version = ${Number.isSafeInteger(v) ? v : 0}`);
    },
    checkpoint: () => void sqlite.pragma('wal_checkpoint(PASSIVE)'),
    close: () => sqlite.close(),
  };
}
