/**
 * The whole product in one process: the embedded PBX when no ARI_URL is set, the store, the media plane, the
 * call engine and the HTTP server. `start-command.ts` is the thin CLI around it; tests start it too.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ImportQueue } from '../engine/imports/index.js';
import { recordingsDirOf, type Config } from '../engine/config/index.js';
import type { Logger } from '../engine/log/index.js';
import { systemClock } from '../engine/clock/index.js';
import { BackupSchedule, NO_BACKUPS, openStore, type Store, type Campaign } from '../engine/store/index.js';
import { createMediaPlane, mediaPlaneOptions, type MediaPlane } from '../engine/media/index.js';
import { startSimulator, type Simulator } from '../engine/sim/index.js';
import { createApiApp, listen, type FetchApp, type RunningServer, overallStatus, withRedisPing, type HealthReport } from '../api/index.js';
import { attachLiveFeed, boardSnapshot, storeAgentDirectory, type LiveFeed } from '../api/live/index.js';
import { defaultAmdParams } from '../engine/amd/index.js';
import { mediaPlaneAmdSource, type Engine, type LeadSource, storeLeadSource, campaignInputFromStore, refuseSynthetic } from '../engine/shell/index.js';
import { startEngine } from './start-engine.js';
import { amdParamsFor } from '../engine/campaigns/index.js';
import type { EngineControl } from '../engine/control/index.js';
import { dbHealth } from '../api/health/index.js';
import { withWebApp } from '../api/web/index.js';
import { WEB_DIST } from './web/index.js';
import { agentConfigFromRow, campaignsToResume, createEngineControl } from './engine-control.js';
import { ensureDemoData, DEMO_CAMPAIGN_ID } from './demo-data.js';
import { DomainEvents } from '../engine/events/index.js';
import { Recordings, type RecordingAri } from '../engine/recordings/index.js';
import type { AriGateway } from '../engine/ari/index.js';
import { AuditLog } from '../engine/store/index.js';

/** Audio kept for the AMD window of recorded calls (the analysis lasts at most a few seconds; the late watch longer). */
const AMD_WINDOW_MS = 8000;
import { attachQueueLog, queueLogPath, startQueueStats, type AttachedQueueLog, type QueueStats } from './queue-log.js';

export interface Product {
  simulated: boolean;
  ariUrl: string;
  httpPort: number;
  store: Store;
  engine: Engine;
  /** Campaign lifecycle, test calls, agents and live figures (the API's handle on the engine). */
  control: EngineControl;
  recordings: Recordings;
  health(): HealthReport;
  /** The first admin's random password when this start created it (the banner shows it once). */
  generatedAdminPassword: string | undefined;
  close(): Promise<void>;
}

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface StartProductOptions {
  /** Aborts a start still waiting for Asterisk (SIGTERM during start-up). */
  signal?: AbortSignal;
}

export async function startProduct(config: Config, logger: Logger, opts: StartProductOptions = {}): Promise<Product> {
  const startedAt = systemClock.now();
  const closers: Array<() => Promise<void> | void> = [];
  const closeAll = async () => {
    for (const close of closers.reverse()) {
      try {
        await close();
      } catch (err) {
        logger.warn({ err }, 'error while shutting down');
      }
    }
  };
  try {
    // The HTTP port first: a busy port is found before anything else starts, and /health answers (503,
    // "starting") while the engine waits for Asterisk — e.g. retrying wrong ARI credentials.
    let api: FetchApp | null = null;
    let health: (() => HealthReport) | null = null;
    let backups: BackupSchedule | null = null;
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
      return { status: 'degraded', version: VERSION, nodeId: config.NODE_ID, uptimeSeconds, ...parts, media: null, calls: null, dialer, backup: backups?.status() ?? NO_BACKUPS };
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

    let sim: Simulator | undefined;
    if (!config.ARI_URL) {
      sim = await startSimulator({ seed: config.SIM_SEED, mediaMode: 'realtime', logger: logger.child({ part: 'sim' }) });
      closers.push(() => sim!.close());
    }
    const ariUrl = sim?.url ?? config.ARI_URL!;

    const store = openStore(config.DB_PATH);
    closers.push(() => store.close());
    // Online backups on an interval (BACKUP_DIR); a failure is reported on /health, never fatal.
    if (config.BACKUP_DIR) {
      const schedule = new BackupSchedule({ sqlite: store.sqlite, dir: config.BACKUP_DIR, intervalMinutes: config.BACKUP_INTERVAL_MINUTES, keepDays: config.BACKUP_KEEP_DAYS, clock: systemClock, logger: logger.child({ part: 'backup' }) });
      schedule.start();
      backups = schedule;
      closers.push(() => schedule.stop());
    }
    if (sim) ensureDemoData(store, { seed: config.SIM_SEED, at: systemClock.now() });

    const plane: MediaPlane = await createMediaPlane({ ...mediaPlaneOptions(config), logger: logger.child({ part: 'media' }) });
    closers.push(() => plane.close());

    // Every campaign stored as running is resumed (state survives a restart); on the embedded PBX the demo
    // campaign is loaded too, in whatever state it is stored.
    const leadsFor = (c: Campaign): LeadSource => {
      const leads = storeLeadSource(store.leads, { campaignId: c.id, owner: config.NODE_ID, now: () => systemClock.now() });
      // Synthetic (demo) numbers never reach a real carrier.
      return sim ? leads : refuseSynthetic(leads, store, systemClock);
    };
    // Recordings: subscribed to the engine's events before the first call; ARI through the engine's gateway once
    // it is connected (a command before that fails and is reported on the recording).
    const events = new DomainEvents((err, e) => logger.error({ err, event: e.type }, 'event subscriber failed'));
    let gateway: AriGateway | null = null;
    const notYet = () => Promise.reject(new Error('ARI not connected yet'));
    const ari: RecordingAri = {
      get connected() {
        return gateway?.connected ?? false;
      },
      execute: (c) => (gateway ? gateway.execute(c) : notYet()),
      storedRecordingFile: (n) => (gateway ? gateway.storedRecordingFile(n) : notYet()),
    };
    const audit = new AuditLog(store.db);
    const recordings = new Recordings({
      events,
      ari,
      store,
      clock: systemClock,
      logger: logger.child({ part: 'recordings' }),
      nodeId: config.NODE_ID,
      dir: recordingsDirOf(config),
      ...(config.RECORDINGS_SPOOL ? { spoolDir: config.RECORDINGS_SPOOL } : {}),
      format: config.RECORDINGS_FORMAT,
      concurrency: config.RECORDINGS_CONCURRENCY,
      audit: (e) => audit.record(e),
    });
    recordings.start();
    closers.push(() => recordings.close());
    const amdFor = (c: Campaign) => recordings.amdSource(mediaPlaneAmdSource(plane, amdParamsFor(c), { captureMs: AMD_WINDOW_MS }));
    // A campaign whose stored settings cannot load is marked failed (with the reason) and skipped, never fatal.
    const resumed = campaignsToResume(store, sim ? [DEMO_CAMPAIGN_ID] : [], { at: systemClock.now(), logger: logger.child({ part: 'control' }) });
    if (resumed.length === 0) logger.info('no running campaign: the engine is connected and idle until one is started');
    const wrapUpMs = (resumed[0]?.wrapUpS ?? 10) * 1000;
    const agents = store.agents.list().map((a) => agentConfigFromRow(a, wrapUpMs));

    const engine = await startEngine({
      config,
      ...(sim ? { ari: { url: sim.url, username: sim.username, password: sim.password } } : {}),
      store: { callLogs: store.callLogs, agentEvents: store.agentEvents, probeWrite: () => store.probeWrite() },
      amd: recordings.amdSource(mediaPlaneAmdSource(plane, defaultAmdParams(), { captureMs: AMD_WINDOW_MS })),
      events,
      campaigns: resumed.map((c) => campaignInputFromStore(c, leadsFor(c), amdFor(c))),
      // Outcomes of CallLogs a previous process left open, for campaigns not running now.
      leadOutcomes: { complete: (leadId, d, at) => void store.leads.completeAttempt(leadId, d, at, { owner: config.NODE_ID }) },
      agents,
      logger: logger.child({ part: 'engine' }),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    gateway = engine.gateway;
    const control = createEngineControl({ engine, store, clock: systemClock, logger: logger.child({ part: 'control' }), leadsFor, amdFor, defaultWrapUpMs: wrapUpMs });
    // Start-up failing from here on: stop at once. A normal close stops it gracefully first (close below).
    closers.push(() => engine.stop({ hangup: true }));
    // The engine's own queue_log, for queue reporting tools (closed after the engine: its last lines go in).
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

    const recordingsHealth = (): HealthReport['recordings'] => {
      try {
        const r = recordings.status();
        return { ok: r.diskError === null, ...r, byState: r.byState as Record<string, number> };
      } catch (err) {
        logger.warn({ err }, 'recordings status unavailable');
        return null;
      }
    };
    health = (): HealthReport => {
      const snap = engine.snapshot();
      const dbOk = store.ping();
      const now = systemClock.now();
      const parts = {
        ari: {
          connected: snap.connected,
          simulated: Boolean(sim),
          url: ariUrl,
          app: config.ARI_APP,
          reconciled: snap.reconciled,
          unreconciledSeconds: snap.unreconciledSince === null ? 0 : Math.max(0, Math.round((now - snap.unreconciledSince) / 1000)),
          asteriskStartupTime: snap.asteriskStartupTime,
        },
        db: dbHealth(dbOk, config.DB_PATH, snap.store),
        redis: { configured: Boolean(config.REDIS_URL), ok: null },
      };
      return {
        status: overallStatus(parts),
        version: VERSION,
        nodeId: config.NODE_ID,
        uptimeSeconds: Math.round((systemClock.now() - startedAt) / 1000),
        ...parts,
        media: { activeSessions: plane.size },
        calls: { active: snap.calls.length },
        dialer: { state: snap.state, dialing: snap.dialing, lastDialAt: snap.lastDialAt === null ? null : new Date(snap.lastDialAt).toISOString() },
        recordings: recordingsHealth(),
        backup: backups?.status() ?? NO_BACKUPS,
        queueLog: queueLog ? queueLog.status() : null,
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
      store,
      clock: systemClock,
      logger,
      config,
      control,
      imports,
      recordings,
      ...(queueStats ? { queues: queueStats } : {}),
    });
    // The browser app (web/dist) on the same port: API paths to the API, the rest to the static files.
    api = withWebApp(apiApp, WEB_DIST);
    // The live feed (Socket.IO) shares the API's port; with REDIS_URL the boards of several API nodes are one.
    live = await attachLiveFeed({
      httpServer: server.server,
      events: engine.events,
      auth: apiApp.auth,
      directory: storeAgentDirectory(store.agents),
      snapshot: () => boardSnapshot(engine.snapshot()),
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
    return { simulated: Boolean(sim), ariUrl, httpPort: server.port, store, engine, control, recordings, health, generatedAdminPassword: apiApp.generatedAdminPassword, close };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
