/**
 * `npm start` with DATABASE_URL=postgres://… (#18): the same product — API, web app, live feed, engine — with its
 * data in PostgreSQL. The engine runs as an engine node in this process (app/node runNode: the embedded PBX when
 * no ARI_URL, the media plane, node liveness, campaigns and agents followed from their tables, CallLogs written
 * to PostgreSQL), so a campaign started in the web app is stored in the row this node (and any other) follows
 * and dialled. The API is built over every PostgreSQL port that exists (./api-ports.ts); what has none yet keeps
 * the SQLite file at DB_PATH (./sqlite-kept.ts, said in the banner and on /health).
 *
 * As on SQLite, the engine has an event loop of its own: the node runs in a worker thread (./node-host.ts, its own
 * PostgreSQL pool), driven over a MessagePort (./node-thread.ts). bench:pg-loop measured the shared loop: heavy API
 * requests (exports, reports, imports, live-feed sockets) held the engine's ARI events up to ~1.5 s (docs/scale-out.md).
 */
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { createApiApp, INITIAL_PASSWORD_FILE, listen, withRedisPing, type FetchApp, type HealthReport, type RunningServer } from '../../api/index.js';
import { attachLiveFeed, boardSnapshot, withClusterCounts, type LiveFeed } from '../../api/live/index.js';
import { withWebApp } from '../../api/web/index.js';
import { callHangupAsker, configPushAsker, startClusterServices, type CallHangupAsker, type ClusterServices, type ConfigPushAsker } from '../../engine/cluster/index.js';
import { systemClock } from '../../engine/clock/index.js';
import { ImportQueue } from '../../engine/imports/index.js';
import type { Logger } from '../../engine/log/index.js';
import { BackupSchedule, NO_BACKUPS, pruneBackups, openStore, redactUrl, secretBox, type Store } from '../../engine/store/index.js';
import { nodeRecordingKey } from '../../engine/recordings/index.js';
import { describePgError, dumpPg, openPgPool, PgClusterNodes, PgQueueLog, pgRecorderStore, type PgPool } from '../../engine/store/pg/index.js';
import { nodeRecordingHandler, type NodeConfig } from '../node/index.js';
import { WEB_DIST } from '../web/index.js';
import { pgApiPorts, pgNodeRecordings } from './api-ports.js';
import { cachedLiveDirectory } from './live-directory.js';
import { nodeBoardSource, nodeHealthView, remoteNodeControl, remoteNodeRecorder, startNodeThread, type NodeThread } from './node-thread.js';
import { productClusterBoard } from './cluster-board.js';
import { closerStack, queueServiceLevels, startQueueStats, startTableQueueStats, type QueueStats } from '../index.js';
import { pgProductHealth } from './product-health.js';
import { assertPgReady } from './readiness.js';
import { SQLITE_KEPT } from './sqlite-kept.js';

/**
 * Where the in-process node's recording routes sit on the product's own port (app/node/recording-server.ts: the
 * routes a `centralita node` serves on its health server): `/node/recordings/{id}/audio|delete|pause|resume`.
 */
export const NODE_ROUTES_PREFIX = '/node';

/** The base URL another API process fetches this product's recordings at: NODE_PUBLIC_URL's, else the port's own. */
export function productRecordingsUrl(publicUrl: string | null, httpHost: string, port: number): string {
  if (publicUrl) return `${publicUrl.replace(/\/+$/, '')}${NODE_ROUTES_PREFIX}`;
  const host = httpHost === '0.0.0.0' || httpHost === '::' ? '127.0.0.1' : httpHost.includes(':') ? `[${httpHost}]` : httpHost;
  return `http://${host}:${port}${NODE_ROUTES_PREFIX}`;
}

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export interface PgProduct {
  simulated: boolean;
  /** The ARI the engine talks to (credentials never included); "embedded" for the simulator. */
  ariUrl: string;
  httpPort: number;
  nodeId: string;
  /** DATABASE_URL with its password hidden. */
  databaseUrl: string;
  /** The SQLite file still used for what has no PostgreSQL side yet. */
  store: Store;
  pool: PgPool;
  /** The engine node, in its worker thread. */
  node: NodeThread;
  health(): HealthReport;
  /** The file holding the first admin's random password when this start created it (the banner names it). */
  initialPasswordFile: string | undefined;
  close(): Promise<void>;
}

export interface StartPgProductOptions {
  /** Aborts a start still waiting for Asterisk (SIGTERM during start-up). */
  signal?: AbortSignal;
  /** The node must end (another node found it dead and closed its calls): the CLI exits so a supervisor restarts it. */
  onEngineLost?: (err: Error) => void;
}

export async function startPgProduct(cfg: NodeConfig, logger: Logger, opts: StartPgProductOptions = {}): Promise<PgProduct> {
  const config = cfg.base;
  const startedAt = systemClock.now();
  const shownUrl = redactUrl(cfg.databaseUrl);
  const storeInfo = { dialect: 'postgres' as const, url: shownUrl, sqlite: { path: config.DB_PATH, keeps: SQLITE_KEPT } };
  const { closers, closeAll } = closerStack(logger);
  try {
    // The port first, as on SQLite: a busy port is found before anything else, /health answers 503 while starting.
    let api: FetchApp | null = null;
    let health: (() => HealthReport) | null = null;
    // The in-process node's recordings, to other API processes (under /node, behind their token): answered on the
    // raw request before the API sees it.
    let nodeRoutes: ((req: IncomingMessage, res: ServerResponse) => boolean) | null = null;
    const bootHealth = (): HealthReport => ({
      status: 'degraded',
      version: VERSION,
      nodeId: config.NODE_ID,
      uptimeSeconds: Math.round((systemClock.now() - startedAt) / 1000),
      ari: { connected: false, simulated: !config.ARI_URL, url: config.ARI_URL ? redactUrl(config.ARI_URL) : 'embedded', app: config.ARI_APP, reconciled: false, unreconciledSeconds: 0, asteriskStartupTime: null },
      db: { ok: false, path: shownUrl },
      redis: { configured: Boolean(config.REDIS_URL), ok: null },
      media: null,
      calls: null,
      dialer: { state: 'starting', dialing: false, lastDialAt: null },
      backup: NO_BACKUPS,
      store: storeInfo,
    });
    const server: RunningServer = await listen(
      {
        fetch: (req, ...rest) => {
          const env = rest[0] as { incoming?: IncomingMessage; outgoing?: ServerResponse } | undefined;
          if (nodeRoutes && env?.incoming && env.outgoing && nodeRoutes(env.incoming, env.outgoing)) return RESPONSE_ALREADY_SENT;
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

    const pool = openPgPool(cfg.databaseUrl, {
      max: 10,
      applicationName: `centralita-${cfg.nodeId}`,
      onIdleError: (err) => logger.warn({ err: describePgError(err) }, 'an idle PostgreSQL connection failed'),
    });
    closers.push(() => pool.end());
    await assertPgReady(pool, cfg.databaseUrl);
    logger.info({ db: shownUrl }, 'PostgreSQL ready (schema up to date)');

    // Scheduled backups (BACKUP_DIR) of the PostgreSQL database with pg_dump (custom format), on SQLite's schedule
    // and retention; a missing pg_dump, a refused connection or a full disk is reported on /health, never fatal.
    let backups: BackupSchedule | null = null;
    if (config.BACKUP_DIR) {
      const url = cfg.databaseUrl;
      const schedule = new BackupSchedule({
        taker: { backup: (dir, at) => dumpPg(url, dir, at), prune: pruneBackups },
        dir: config.BACKUP_DIR,
        intervalMinutes: config.BACKUP_INTERVAL_MINUTES,
        keepDays: config.BACKUP_KEEP_DAYS,
        clock: systemClock,
        logger: logger.child({ part: 'backup' }),
      });
      schedule.start();
      backups = schedule;
      closers.push(() => schedule.stop());
    }

    // What has no PostgreSQL side yet (trunks, agent phones, imports…) stays in the SQLite file.
    const store = openStore(config.DB_PATH);
    closers.push(() => store.close());

    // The engine as this process's node: it registers in cluster_nodes, follows campaigns and agents, writes CallLogs.
    // It records the calls of recording campaigns: rows in PostgreSQL, files under RECORDINGS_DIR on this machine,
    // served by this API (list, detail, audio, pause/resume, delete) — and, as a `centralita node` serves them on its
    // health server, to any other API process on this PostgreSQL: under /node on this port, behind the token they
    // sign with the shared SECRETS_KEY / JWT_SECRET, at the URL written in cluster_nodes.public_url.
    const recordingsUrl = productRecordingsUrl(cfg.publicUrl, config.HTTP_HOST, server.port);
    const node = await startNodeThread({
      init: { cfg, logLevel: logger.level, pretty: Boolean(process.stdout.isTTY), recordingsUrl, recordingsPrefix: NODE_ROUTES_PREFIX },
      logger,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    closers.push(() => node.stop(0));
    // The recording routes are answered on this thread (files from this disk, rows from PostgreSQL); pause, resume
    // and delete go to the recorder in the node's thread.
    const recorder = node.recorder ? remoteNodeRecorder(node) : undefined;
    if (recorder) {
      const recStore = pgRecorderStore(pool);
      nodeRoutes = nodeRecordingHandler({
        nodeId: cfg.nodeId,
        key: nodeRecordingKey(config),
        get: (id) => recStore.recordings.get(id),
        recorder: recorder as Parameters<typeof nodeRecordingHandler>[0]['recorder'],
        clock: systemClock,
        logger: logger.child({ part: 'recordings' }),
        prefix: NODE_ROUTES_PREFIX,
      });
    }
    void node.ended.then((code) => opts.onEngineLost?.(new Error(`this node was found dead by another node, or its engine thread failed, and must restart (exit ${code})`)));

    // The API's own Redis connection (the node's thread has its own, with the handlers that drive its engine): hang-ups
    // of calls live elsewhere, campaign commands published at once, trunk and phone pushes, this node's board.
    let services: ClusterServices | null = null;
    if (cfg.redisUrl) {
      const svc = await startClusterServices({ nodeId: cfg.nodeId, redisUrl: cfg.redisUrl, pool, clock: systemClock, logger: logger.child({ part: 'redis' }), prefix: cfg.clusterPrefix });
      services = svc;
      closers.push(() => svc.close());
    }
    let asker: CallHangupAsker | undefined;
    if (services) {
      asker = await callHangupAsker(services.redis, { prefix: cfg.clusterPrefix, from: `api-${cfg.nodeId}`, logger: logger.child({ part: 'hangups' }) });
      const a = asker;
      closers.push(() => a.close());
    }
    // Trunk and phone pushes reach the other nodes' Asterisks (each node has its own), asked over Redis.
    let configPush: ConfigPushAsker | undefined;
    if (services) {
      const clusterNodes = new PgClusterNodes(pool);
      const box = secretBox(config);
      const a = await configPushAsker(services.redis, {
        prefix: cfg.clusterPrefix,
        from: `api-${cfg.nodeId}`,
        logger: logger.child({ part: 'config-push' }),
        otherNodes: async () => (await clusterNodes.list()).filter((n) => n.state === 'up' && n.id !== cfg.nodeId).map((n) => ({ id: n.id, heartbeatAt: n.heartbeatAt })),
        ttlMs: cfg.ttlMs,
        now: () => systemClock.now(),
        seal: box && ((clear, context) => box.seal(clear, context)),
      });
      configPush = a;
      closers.push(() => a.close());
    }
    const ports = pgApiPorts(pool, {
      ...(services ? { campaignCommands: services } : {}),
      ...(asker ? { clusterHangup: asker } : {}),
    });
    const agents = ports.agentDirectory!;
    // The control runs in the node's thread (with the campaigns' stored figures it answers from): commands go there,
    // reads are answered here from its last status.
    const control = remoteNodeControl(node);
    // The agents' copy the live feed routes by, read before the feed opens.
    const directory = cachedLiveDirectory(agents, systemClock, logger);
    closers.push(() => directory.stop());
    await directory.refresh();

    // The engine's own queue_log (issue #16), as on SQLite: written by the node (app/node runNode), like every node's,
    // to its file and to the queue_log table (both on /health: product-health.ts).
    // /api/queues: with QUEUE_LOG_SOURCE, Asterisk's file followed live as on SQLite (its checkpoint beside DB_PATH,
    // per node, so two nodes on one disk never share one); else the queue_log table every node writes to
    // (app/queue-log-table.ts), so the figures are the call center's, every node's queues, agents and calls.
    let queueStats: QueueStats | undefined;
    if (config.QUEUE_LOG_SOURCE) {
      const stats = await startQueueStats({
        file: config.QUEUE_LOG_SOURCE,
        checkpointFile: join(dirname(config.DB_PATH), `queue_log_source.${cfg.nodeId}.checkpoint`),
        queuesConf: config.QUEUES_CONF,
        serviceLevels: config.QUEUE_SERVICE_LEVELS,
        timeZone: config.REPORT_TIME_ZONE,
        clock: systemClock,
        logger: logger.child({ part: 'queue_log' }),
      });
      queueStats = stats;
      closers.push(() => stats.stop());
    } else {
      const qlLogger = logger.child({ part: 'queue_log' });
      const stats = await startTableQueueStats({
        table: new PgQueueLog(pool),
        checkpointFile: join(dirname(config.DB_PATH), `queue_log_table.${cfg.nodeId}.checkpoint`),
        serviceLevel: await queueServiceLevels({ queuesConf: config.QUEUES_CONF, serviceLevels: config.QUEUE_SERVICE_LEVELS, logger: qlLogger }),
        timeZone: config.REPORT_TIME_ZONE,
        clock: systemClock,
        logger: qlLogger,
      });
      queueStats = stats;
      closers.push(() => stats.stop());
    }

    health = pgProductHealth({
      node: nodeHealthView(node),
      nodeId: cfg.nodeId,
      version: VERSION,
      ariApp: config.ARI_APP,
      redisConfigured: Boolean(config.REDIS_URL),
      shownUrl,
      store: storeInfo,
      backup: () => backups?.status() ?? NO_BACKUPS,
      startedAt,
      clock: systemClock,
    });

    // Lead imports into PostgreSQL's leads: the upload spooled on this machine's disk (beside DB_PATH), parsed in a
    // worker, each batch written through this pool; unfinished jobs of this NODE_ID are reconciled before the API opens.
    const imports = new ImportQueue({ imports: ports.leadImports!, nodeId: cfg.nodeId, spoolDir: join(dirname(config.DB_PATH), 'import-spool', cfg.nodeId), logger });
    closers.push(() => imports.close());
    await imports.ready;

    // With Redis the web app's wallboard shows every node: its Nodes panel (counts per node), and the other nodes'
    // agents and calls in its grid, calls list and KPIs (/api/wallboard and the feed's `cluster.rows`).
    const cluster = services
      ? productClusterBoard({
          services,
          nodeId: cfg.nodeId,
          engine: nodeBoardSource(node),
          registry: () => node.status().report.cluster.nodes.map((n) => ({ id: n.id, ariUrl: n.ariUrl, startedAt: n.startedAt })),
          clock: systemClock,
        })
      : undefined;

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
      ...(recorder ? { recordings: recorder } : {}),
      // The other nodes' recordings: played, deleted, paused and resumed through the node that holds them.
      nodeRecordings: pgNodeRecordings(pool, { localNodeId: cfg.nodeId, config, now: () => systemClock.now() }),
      ...ports,
      ...(queueStats ? { queues: queueStats } : {}),
      ...(configPush ? { configPush } : {}),
      ...(cluster ? { clusterRows: () => cluster.rows?.() ?? null } : {}),
    });
    // The first admin (and its password's file, named in the banner) is created in PostgreSQL's users before the API serves.
    await apiApp.ready;
    api = withWebApp(apiApp, WEB_DIST);

    live = await attachLiveFeed({
      httpServer: server.server,
      events: node.events,
      auth: apiApp.auth,
      directory,
      // `metrics`: this node's counts with the other nodes' agents and calls added (none without Redis).
      snapshot: () => withClusterCounts(boardSnapshot(node.status().snapshot), cluster?.rows?.() ?? null),
      clock: systemClock,
      logger,
      redisUrl: config.REDIS_URL,
      redisKey: `${cfg.clusterPrefix}:socket.io`,
      ...(cluster ? { cluster } : {}),
    });
    closers.push(() => live?.close());

    // Graceful: dialling stops and live calls get SHUTDOWN_GRACE_SECONDS while the API still answers, then the rest.
    const close = async () => {
      await node.stop(config.SHUTDOWN_GRACE_SECONDS * 1000).catch((err: unknown) => logger.error({ err }, 'engine stop failed'));
      await closeAll();
    };
    return {
      simulated: node.simulated,
      ariUrl: node.ari,
      httpPort: server.port,
      nodeId: cfg.nodeId,
      databaseUrl: shownUrl,
      store,
      pool,
      node,
      health,
      initialPasswordFile: apiApp.initialPasswordFile,
      close,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
