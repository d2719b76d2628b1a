import type { BackupStatus } from '../../engine/store/index.js';

/** What `GET /health` reports. Each part is read from the running product at request time. */
export interface HealthReport {
  status: 'ok' | 'degraded';
  version: string;
  nodeId: string;
  uptimeSeconds: number;
  ari: {
    connected: boolean;
    simulated: boolean;
    url: string;
    app: string;
    /** The engine rebuilt its view of Asterisk after the last (re)connect; it dials only when reconciled. */
    reconciled: boolean;
    /** Seconds the engine has been without a reconciled view (0 while reconciled). */
    unreconciledSeconds: number;
    /** Asterisk's startup time at the last reconciliation (it changes when Asterisk restarts). */
    asteriskStartupTime: string | null;
  };
  /**
   * `ok`: the database answers and takes writes. `writable` false while the engine's writes fail (disk full,
   * read-only, I/O error): it dials no new calls and keeps `pendingWrites` queued until they go through;
   * `lastError` is the last such failure (kept after recovery). Absent where no engine writes (API-only tools).
   */
  db: { ok: boolean; path: string; writable?: boolean; pendingWrites?: number; lastError?: string | null; failingSince?: string | null };
  redis: { configured: boolean; ok: boolean | null };
  media: { activeSessions: number } | null;
  calls: { active: number } | null;
  /**
   * The dialer: `dialing` when it places calls now (running, reconciled, connected, a campaign running);
   * `state` idle | running | stopping | stopped; `lastDialAt` ISO time of the last call placed.
   */
  dialer: { state: string; dialing: boolean; lastDialAt: string | null } | null;
  /**
   * The engine's own thread (absent where no engine runs in this process): `thread` worker (the product) or main;
   * `responsive` it sent its status within the last 5 s (else degraded); `statusAgeMs` since the last one;
   * `lagMs` its event-loop lag (p50/p99/max ms) over its last full 5 s window — what ARI events and AMD verdicts wait.
   */
  engine?: {
    thread: string;
    responsive: boolean;
    statusAgeMs: number;
    lagMs: { p50: number; p99: number; max: number; windowMs: number };
  };
  /**
   * Recordings on this node: disk used by them and free on RECORDINGS_DIR's file system, recordings per state,
   * the job queue, and the last disk problem (`ok` false: recordings degrade — calls go on, unrecorded files wait).
   * On PostgreSQL `usedBytes`, `byState` and `jobs` count this node's recordings only (`nodeId`), not the whole
   * table every node writes to; on SQLite the file's (`nodeId` null).
   */
  recordings?: {
    ok: boolean;
    dir: string;
    /** Whose recordings the figures count: this node's id on PostgreSQL, null on SQLite (absent from older processes). */
    nodeId?: string | null;
    /** Where other API processes fetch this node's recordings (cluster_nodes.public_url); PostgreSQL only. */
    servedAt?: string | null;
    usedBytes: number;
    freeBytes: number | null;
    totalBytes: number | null;
    byState: Record<string, number>;
    jobs: { queued: number; running: number; failed: number };
    diskError: string | null;
    /** The recordings' row writes: held and retried while the database cannot take them (`ok` false meanwhile). */
    writes?: { writable: boolean; pendingWrites: number; lastError: string | null; failingSince: number | null; droppedWrites: number };
  } | null;
  /** The engine's own queue_log (QUEUE_LOG_FILE): `ok` false while the disk refuses (lines wait, `dropped` beyond). */
  queueLog?: { file: string; ok: boolean; written: number; pending: number; dropped: number; lastError: string | null } | null;
  /**
   * On PostgreSQL, this node's lines into the shared `queue_log` table (#18): `written` (confirmed), `pending` (waiting
   * in the engine's write queue while PostgreSQL is away, or in this turn's batch), `seq` the last number given.
   */
  queueLogTable?: { nodeId: string; written: number; pending: number; seq: number };
  /**
   * On PostgreSQL, what this process' start put into the `queue_log` table from the node's own file (lines a stop
   * with PostgreSQL away or a kill -9 had left in the file only): `outcome` (`anchored`, `from-start`, `not-found`…),
   * `inserted` and their seqs (app/queue-log-catch-up.ts).
   */
  queueLogCatchUp?: {
    file: string | null;
    outcome: string;
    tableSeq: number;
    inserted: number;
    fromSeq: number | null;
    toSeq: number | null;
    fileBehind: number;
    malformed: number;
    partial: boolean;
    bytesRead: number;
    durationMs: number;
    error: string | null;
  };
  /**
   * Scheduled SQLite backups (BACKUP_DIR): when the last one was taken and the last error, if the latest attempt
   * failed. A failing backup does not make the node degraded (the dialer works); it is for monitoring.
   */
  backup: BackupStatus;
  /**
   * Where the product keeps its data (#18): `sqlite` (the file at `db.path`), or `postgres` (`url`, password
   * hidden) with the SQLite file that still holds what has no PostgreSQL side yet (`sqlite.keeps`).
   */
  store?: { dialect: 'sqlite' | 'postgres'; url?: string; sqlite?: { path: string; keeps: readonly string[] } };
  /** On PostgreSQL, this node's view of the cluster (cluster_nodes): every node, its state and heartbeat. */
  cluster?: { ttlMs: number; seenAt: number | null; nodes: ReadonlyArray<Record<string, unknown>> };
}

/**
 * A reconnect is followed by a reconciliation that takes a moment; not reconciled for longer than this means
 * something holds it (Asterisk answers nothing, a request hangs): degraded, 503.
 */
export const RECONCILE_GRACE_SECONDS = 15;

export type HealthProbe = () => HealthReport | Promise<HealthReport>;

/** The `db` part from a ping and the engine's write queue (engine/shell StoreWriteQueue status). */
export function dbHealth(
  answers: boolean,
  path: string,
  writes: { writable: boolean; pendingWrites: number; lastError: string | null; failingSince: number | null },
): HealthReport['db'] {
  return {
    ok: answers && writes.writable,
    path,
    writable: writes.writable,
    pendingWrites: writes.pendingWrites,
    lastError: writes.lastError,
    failingSince: writes.failingSince === null ? null : new Date(writes.failingSince).toISOString(),
  };
}

/**
 * Degraded when anything the dialer needs is down — ARI not connected, not reconciled for longer than the grace,
 * the database, a configured Redis; callers decide the HTTP status from it.
 */
export function overallStatus(parts: Pick<HealthReport, 'ari' | 'db' | 'redis' | 'engine'>): HealthReport['status'] {
  if (!parts.ari.connected || !parts.db.ok || parts.db.writable === false) return 'degraded';
  if (parts.engine !== undefined && !parts.engine.responsive) return 'degraded';
  if (!parts.ari.reconciled && parts.ari.unreconciledSeconds > RECONCILE_GRACE_SECONDS) return 'degraded';
  if (parts.redis.configured && parts.redis.ok === false) return 'degraded';
  return 'ok';
}

/**
 * Wraps a probe so `redis.ok` says whether Redis answers PING now (the live feed's `redisOk`, or `pingRedisUrl`
 * from api/live/redis.ts), and recomputes `status` from it. `ping` answering null (no Redis in use) leaves the
 * probe's own value.
 */
export function withRedisPing(probe: HealthProbe, ping: () => Promise<boolean | null>): HealthProbe {
  return async () => {
    const report = await probe();
    if (!report.redis.configured) return report;
    let ok: boolean | null;
    try {
      ok = await ping();
    } catch {
      ok = false;
    }
    if (ok === null) return report;
    const redis = { configured: true, ok };
    return { ...report, redis, status: overallStatus({ ari: report.ari, db: report.db, redis, engine: report.engine }) };
  };
}
