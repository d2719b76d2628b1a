/**
 * The body of `npm start`'s GET /health on PostgreSQL: the SQLite product's shape (ari, db, redis, dialer, backup,
 * queueLog, recordings, store) built from the in-process node, with what only PostgreSQL has added — the node's view
 * of the cluster (`cluster`) and its lines into the shared queue_log table (`queueLogTable`, and `queueLogCatchUp`:
 * what its start caught up from its file; as a headless node's /health shows them). Fields are only ever added here:
 * other tools read /health.
 */
import { overallStatus, type HealthReport } from '../../api/index.js';
import { dbHealth } from '../../api/health/index.js';
import type { Clock } from '../../engine/clock/index.js';
import type { QueueLogFileStatus } from '../../engine/analytics/index.js';
import type { RecordingsStatus } from '../../engine/recordings/index.js';
import type { EngineSnapshot } from '../../engine/shell/index.js';
import type { BackupStatus } from '../../engine/store/index.js';
import type { NodeHealthReport } from '../node/index.js';

export interface PgProductHealthDeps {
  /** The node as the API thread sees it: its engine thread's last status (./node-thread.ts nodeHealthView). */
  node: {
    engine: { snapshot(): EngineSnapshot };
    report(): NodeHealthReport;
    simulated: boolean;
    ari: string;
    queueLog: { status(): QueueLogFileStatus | null } | null;
    /** The recorder's status; null when it was unreadable (a full disk's statfs failing, PostgreSQL away). */
    recordings: { status(): RecordingsStatus | null } | null;
    recordingsUrl: string | null;
  };
  nodeId: string;
  version: string;
  ariApp: string;
  redisConfigured: boolean;
  /** DATABASE_URL with its password hidden (`db.path` keeps its shape: here the database's URL). */
  shownUrl: string;
  store: NonNullable<HealthReport['store']>;
  backup: () => BackupStatus;
  startedAt: number;
  clock: Clock;
}

export function pgProductHealth(d: PgProductHealthDeps): () => HealthReport {
  const { node } = d;
  const recorder = node.recordings;
  // The recorder's figures read from PostgreSQL at most once a second (its status() answers the last read).
  let recStatus: RecordingsStatus | null = null;
  let recStatusAt = -Infinity;
  return (): HealthReport => {
    const snap = node.engine.snapshot();
    const view = node.report();
    const now = d.clock.now();
    const parts = {
      ari: {
        connected: snap.connected,
        simulated: node.simulated,
        url: node.ari,
        app: d.ariApp,
        reconciled: snap.reconciled,
        unreconciledSeconds: snap.unreconciledSince === null ? 0 : Math.max(0, Math.round((now - snap.unreconciledSince) / 1000)),
        asteriskStartupTime: snap.asteriskStartupTime,
      },
      // `path` keeps its shape: here the database's URL, its password hidden.
      db: dbHealth(view.db.ok, d.shownUrl, snap.store),
      redis: { configured: d.redisConfigured, ok: null },
    };
    return {
      status: overallStatus(parts),
      version: d.version,
      nodeId: d.nodeId,
      uptimeSeconds: Math.round((now - d.startedAt) / 1000),
      ...parts,
      media: null,
      calls: { active: snap.calls.length },
      dialer: { state: snap.state, dialing: snap.dialing, lastDialAt: snap.lastDialAt === null ? null : new Date(snap.lastDialAt).toISOString() },
      backup: d.backup(),
      queueLog: node.queueLog ? node.queueLog.status() : null,
      // The node's lines into the shared queue_log table (#18), as its own /health shows them: lines written,
      // waiting while PostgreSQL is away (in the write queue `db.pendingWrites` counts), the last `seq`.
      queueLogTable: view.queueLogTable,
      // What this start put into that table from the node's own file (lines a stop or a kill had left there only).
      queueLogCatchUp: view.queueLogCatchUp,
      // Degraded recordings (disk full, or row writes held while PostgreSQL is away) do not stop the calls.
      recordings: (() => {
        if (!recorder) return null;
        if (now - recStatusAt >= 1000) {
          recStatusAt = now;
          recStatus = recorder.status();
        }
        const r = recStatus;
        if (!r) return null;
        // The figures are this node's (`nodeId`); `servedAt`: where other API processes fetch its recordings.
        return { ok: r.diskError === null && r.writes.writable, ...r, byState: r.byState as Record<string, number>, servedAt: node.recordingsUrl };
      })(),
      store: d.store,
      cluster: view.cluster,
    };
  };
}
