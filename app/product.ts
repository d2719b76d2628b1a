/**
 * The whole product in one process, on two event loops: this thread keeps the HTTP server (API, web app, Socket.IO
 * live feed), lead imports and exports and its own store connection; the engine thread (app/engine-host.ts) runs the
 * embedded PBX when no ARI_URL is set, the ARI gateway, the media plane, the call engine and the recorder (it records
 * bridges and fetches their files through ARI, keeps the AMD window, runs its transcode job queue) with its own store
 * connection. This thread also keeps the engine's queue_log writer and /api/queues' follower, fed by the domain
 * events the engine thread forwards (one instance of each). `start-command.ts` is the thin CLI around it; tests
 * start it too.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ImportQueue } from '../engine/imports/index.js';
import type { Config } from '../engine/config/index.js';
import type { Logger } from '../engine/log/index.js';
import { systemClock } from '../engine/clock/index.js';
import { BackupSchedule, NO_BACKUPS, openStore, type Store } from '../engine/store/index.js';
import { createApiApp, INITIAL_PASSWORD_FILE, listen, type FetchApp, type RunningServer, overallStatus, withRedisPing, type HealthReport } from '../api/index.js';
import { attachLiveFeed, boardSnapshot, storeAgentDirectory, type LiveFeed } from '../api/live/index.js';
import type { EngineControl } from '../engine/control/index.js';
import { dbHealth } from '../api/health/index.js';
import type { RecorderControl } from '../api/index.js';
import { withWebApp } from '../api/web/index.js';
import { WEB_DIST } from './web/index.js';
import { ensureDemoData } from './demo-data.js';
import { closerStack } from './closers.js';
import { remoteEngineControl, remoteRecorder, startEngineThread, type EngineThread } from './engine-thread.js';
import type { EngineThreadKind } from './engine-protocol.js';
import { attachQueueLog, queueLogPath, startQueueStats, type AttachedQueueLog, type QueueStats } from './queue-log.js';

export interface Product {
  simulated: boolean;
  ariUrl: string;
  httpPort: number;
  store: Store;
  /** The engine's thread: its status, events and event-loop lag (the engine itself runs there). */
  engine: EngineThread;
  /** Campaign lifecycle, test calls, agents and live figures (the API's handle on the engine). */
  control: EngineControl;
  /** The recorder's controls (pause, resume, delete): it runs in the engine thread, reached by its commands. */
  recordings: RecorderControl;
  health(): HealthReport;
  /** The file holding the first admin's random password when this start created it (the banner names it). */
  initialPasswordFile: string | undefined;
  close(): Promise<void>;
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface StartProductOptions {
  /** Aborts a start still waiting for Asterisk (SIGTERM during start-up). */
  signal?: AbortSignal;
  /**
   * Where the engine's event loop runs: 'worker' (always, in the product). 'main' puts it back on the API's loop —
   * only for the engine-under-load test and benchmark's control run, to show what the thread prevents.
   */
  engineThread?: EngineThreadKind;
  /** The engine thread ended on its own (an uncaught error); the CLI exits so that a supervisor restarts it. */
  onEngineLost?: (err: Error) => void;
}

/** /health's `store` on the default product: everything in the SQLite file (`db.path`); DATABASE_URL=postgres:// starts app/pg instead. */
const SQLITE_STORE = { dialect: 'sqlite' } as const;

/** No status from the engine thread for this long: it is stalled, /health says so (503). */
export const ENGINE_STALL_MS = 5000;

export async function startProduct(config: Config, logger: Logger, opts: StartProductOptions = {}): Promise<Product> {
  const startedAt = systemClock.now();
  const { closers, closeAll } = closerStack(logger);
  try {
    // The HTTP port first: a busy port is found before anything else starts, and /health answers (503,
    // "starting") while the engine waits for Asterisk — e.g. retrying wrong ARI credentials.
    let backups: BackupSchedule | null = null;
    let api: FetchApp | null = null;
    let health: (() => HealthReport) | null = null;
    const bootHealth = (): HealthReport => {
      const ari = {
        connected: false,
        simulated: !config.ARI_URL,
        url: config.ARI_URL ?? 'embedded',
        app: config.ARI_APP,
        reconciled: false,
        unreconciledSeconds: Math.round((systemClock.now() - startedAt) / 1000),
        asteriskStartupTime: null,
      };
      const parts = { ari, db: { ok: true, path: config.DB_PATH }, redis: { configured: Boolean(config.REDIS_URL), ok: null } };
      const uptimeSeconds = Math.round((systemClock.now() - startedAt) / 1000);
      const dialer = { state: 'starting', dialing: false, lastDialAt: null };
      return { status: 'degraded', version: VERSION, nodeId: config.NODE_ID, uptimeSeconds, ...parts, media: null, calls: null, dialer, backup: backups?.status() ?? NO_BACKUPS, store: SQLITE_STORE };
    };
    const server: RunningServer = await listen(
      {
        fetch: (req, ...rest) => {
          if (api) return api.fetch(req, ...rest);
          const path = new URL(req.url).pathname;
          const body = path === '/health' ? (health ?? bootHealth)() : { error: { code: 'starting', message: 'Centralita is starting' } };
          return Response.json(body, { status: 503 });
        },
      },
      config.HTTP_HOST,
      config.HTTP_PORT,
    );
    closers.push(() => server.close());

    // The API thread's own connection: it runs the migrations (before the engine thread opens the same file).
    const store = openStore(config.DB_PATH);
    closers.push(() => store.close());
    // Online backups on an interval (BACKUP_DIR), from this thread's connection; a failure is reported on /health,
    // never fatal.
    if (config.BACKUP_DIR) {
      const schedule = new BackupSchedule({ sqlite: store.sqlite, dir: config.BACKUP_DIR, intervalMinutes: config.BACKUP_INTERVAL_MINUTES, keepDays: config.BACKUP_KEEP_DAYS, clock: systemClock, logger: logger.child({ part: 'backup' }) });
      schedule.start();
      backups = schedule;
      closers.push(() => schedule.stop());
    }
    if (!config.ARI_URL) ensureDemoData(store, { seed: config.SIM_SEED, at: systemClock.now() });

    // The engine (embedded PBX, ARI, media plane, dial loop, its own SQLite connection) in its own thread: HTTP
    // handlers, imports and exports on this thread never delay an ARI event, an AMD verdict or a bridge.
    const engine = await startEngineThread({
      config,
      logger,
      thread: opts.engineThread ?? 'worker',
      ...(opts.signal ? { signal: opts.signal } : {}),
      onLost: (err) => {
        logger.error({ err }, 'the engine thread stopped unexpectedly: no calls are placed or answered until a restart');
        opts.onEngineLost?.(err);
      },
    });
    const ariUrl = engine.ariUrl;
    const sim = engine.simulated;
    const control = remoteEngineControl(engine, store, systemClock);
    const recordings = remoteRecorder(engine);
    // Start-up failing from here on: stop at once. A normal close stops it gracefully first (close below).
    closers.push(() => engine.stop({ hangup: true }));
    // The engine's own queue_log, for queue reporting tools, written here from the events the engine thread forwards
    // (closed after the engine: its last lines go in).
    const qlPath = queueLogPath(config);
    let queueLog: AttachedQueueLog | null = null;
    if (qlPath) {
      const attached = attachQueueLog(engine.events, store, qlPath);
      queueLog = attached;
      closers.unshift(() => attached.close());
    }
    // /api/queues follows a queue_log live: Asterisk's (QUEUE_LOG_SOURCE) or the engine's own.
    const followed = config.QUEUE_LOG_SOURCE ?? qlPath;
    let queueStats: QueueStats | undefined;
    if (followed) {
      const stats = await startQueueStats({
        file: followed,
        checkpointFile: join(dirname(config.DB_PATH), 'queue_log_source.checkpoint'),
        queuesConf: config.QUEUES_CONF,
        serviceLevels: config.QUEUE_SERVICE_LEVELS,
        timeZone: config.REPORT_TIME_ZONE,
        clock: systemClock,
        logger: logger.child({ part: 'queue_log' }),
      });
      queueStats = stats;
      closers.push(() => stats.stop());
    }

    health = (): HealthReport => {
      const { snapshot: snap, media, lag, recordings: rec } = engine.status();
      const dbOk = store.ping();
      const now = systemClock.now();
      const statusAgeMs = engine.statusAgeMs();
      // A stalled or lost engine thread is reported as such, whatever its last status said.
      const responsive = engine.alive() && statusAgeMs <= ENGINE_STALL_MS;
      const parts = {
        ari: {
          connected: snap.connected && responsive,
          simulated: sim,
          url: ariUrl,
          app: config.ARI_APP,
          reconciled: snap.reconciled,
          unreconciledSeconds: snap.unreconciledSince === null ? 0 : Math.max(0, Math.round((now - snap.unreconciledSince) / 1000)),
          asteriskStartupTime: snap.asteriskStartupTime,
        },
        // The engine's write queue (its own connection) decides `writable`; `ok` is this thread's ping.
        db: dbHealth(dbOk, config.DB_PATH, snap.store),
        redis: { configured: Boolean(config.REDIS_URL), ok: null },
      };
      const engineHealth = { thread: engine.thread, responsive, statusAgeMs, lagMs: lag };
      return {
        status: overallStatus({ ...parts, engine: engineHealth }),
        version: VERSION,
        nodeId: config.NODE_ID,
        uptimeSeconds: Math.round((systemClock.now() - startedAt) / 1000),
        ...parts,
        media,
        calls: { active: snap.calls.length },
        dialer: {
          state: engine.alive() ? snap.state : 'lost',
          dialing: snap.dialing && responsive,
          lastDialAt: snap.lastDialAt === null ? null : new Date(snap.lastDialAt).toISOString(),
        },
        engine: engineHealth,
        recordings: rec ? { ok: rec.diskError === null && rec.writes.writable, ...rec, byState: rec.byState as Record<string, number> } : null,
        backup: backups?.status() ?? NO_BACKUPS,
        queueLog: queueLog ? queueLog.status() : null,
        store: SQLITE_STORE,
      };
    };

    // Lead imports run in worker threads; what a previous run left unfinished is reconciled before the API opens.
    const imports = new ImportQueue({ store, nodeId: config.NODE_ID, spoolDir: join(dirname(config.DB_PATH), 'import-spool', config.NODE_ID), logger });
    closers.push(() => imports.close());
    await imports.ready;

    // GET /health also pings Redis (when REDIS_URL is set) on the live feed's adapter connection.
    let live: LiveFeed | undefined;
    const apiApp = createApiApp({
      health: withRedisPing(health, async () => (live ? live.redisOk() : null)),
      // A first start's random admin password goes to this file (0600), never to the log or the banner.
      initialPasswordFile: join(dirname(config.DB_PATH), INITIAL_PASSWORD_FILE),
      store,
      clock: systemClock,
      logger,
      config,
      control,
      imports,
      recordings,
      ...(queueStats ? { queues: queueStats } : {}),
    });
    // The first admin (and its password's file, named in the banner) exists before the port serves the API.
    await apiApp.ready;
    // The browser app (web/dist) on the same port: API paths to the API, the rest to the static files.
    api = withWebApp(apiApp, WEB_DIST);
    // The live feed (Socket.IO) shares the API's port; with REDIS_URL the boards of several API nodes are one.
    live = await attachLiveFeed({
      httpServer: server.server,
      events: engine.events,
      auth: apiApp.auth,
      directory: storeAgentDirectory(store.agents),
      snapshot: () => boardSnapshot(engine.status().snapshot),
      clock: systemClock,
      logger,
      redisUrl: config.REDIS_URL,
    });
    closers.push(() => live?.close());

    // A graceful close: dialling stops, live calls get SHUTDOWN_GRACE_SECONDS, CallLogs are closed — while the
    // API still answers (/health says "stopping") — then everything else goes.
    const close = async () => {
      try {
        await engine.stop({ graceMs: config.SHUTDOWN_GRACE_SECONDS * 1000 });
      } catch (err) {
        logger.error({ err }, 'engine stop failed');
      }
      await closeAll();
    };
    return { simulated: sim, ariUrl, httpPort: server.port, store, engine, control, recordings, health, initialPasswordFile: apiApp.initialPasswordFile, close };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
