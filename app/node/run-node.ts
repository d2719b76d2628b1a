/**
 * One engine node of a call center on PostgreSQL (#18), headless: the embedded PBX when no ARI_URL (it says so),
 * the media plane (AMD), the engine with its CallLogs, agent state events, leads, campaigns and agents in the shared PostgreSQL
 * database, node liveness (heartbeat, lease renewal, reaping dead nodes), campaign commands followed from the
 * campaigns table, and GET /health with the node's view of the cluster.
 *
 * With REDIS_URL, what nodes share through Redis (engine/cluster): the campaign's abandon counts fed to the
 * engine's governor, campaign commands heard at once (each makes the campaign follower read the table now), the
 * console's hang-ups of this node's calls and commands for this node's agents asked by an API elsewhere, and the cluster board served on the health
 * server. Redis must answer at start-up (a wrong URL fails loudly); once
 * running, an outage degrades /health and the governor falls back to this node's own counts until it answers.
 *
 * Composition only: each part lives in its own module (engine/store/pg, engine/cluster, ./campaign-follower,
 * ./liveness, ./health-server, ./redis-health).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { defaultAmdParams } from '../../engine/amd/index.js';
import { boardOf, serveConfigPush, startClusterServices, type ClusterServices } from '../../engine/cluster/index.js';
import { amdParamsFor } from '../../engine/campaigns/index.js';
import { systemClock, type Clock } from '../../engine/clock/index.js';
import { DomainEvents } from '../../engine/events/index.js';
import type { QueueLogFileStatus } from '../../engine/analytics/index.js';
import type { Logger } from '../../engine/log/index.js';
import { createMediaPlane, mediaPlaneOptions, type MediaPlane } from '../../engine/media/index.js';
import type { AriGateway } from '../../engine/ari/index.js';
import { recordingsDirOf } from '../../engine/config/index.js';
import { lateRecordingAri, nodeRecordingKey, Recordings, type RecordingsStatus } from '../../engine/recordings/index.js';
import { asyncStoreLeadSource, mediaPlaneAmdSource, type Engine } from '../../engine/shell/index.js';
import { startSimulator, type Simulator } from '../../engine/sim/index.js';
import { redactUrl, secretBox, type Campaign } from '../../engine/store/index.js';
import { checkPg, migratePg, openPgPool, PgAgentEvents, PgAgents, PgCallLogs, PgCampaigns, PgClusterNodes, PgAuditLog, PgLeadHopper, PgQueueLog, pgRecorderStore, PgTrunks, describePgError, type PgPool } from '../../engine/store/pg/index.js';
import { agentConfigFromRow, attachQueueLogWith, catchUpQueueLog, closerStack, queueLogPath, QueueLogTableWriter, simScenarioRules, startEngine, type AttachedQueueLog, type QueueLogCatchUpStatus, type QueueLogTableStatus } from '../engine-parts.js';
import { AgentFollower } from './agent-follower.js';
import { agentCommandHandler } from './agent-commands.js';
import { CampaignFollower } from './campaign-follower.js';
import { configPushHandler } from './config-push.js';
import { startHealthServer, type HealthServer } from './health-server.js';
import { nodeRecordingHandler } from './recording-server.js';
import { NodeLiveness } from './liveness.js';
import { claimNodeId, thisInstance, type ClaimOutcome } from './node-claim.js';
import type { NodeConfig } from './node-config.js';
import { redisHealth, type RedisHealth } from './redis-health.js';
import type { ClusterView } from './liveness.js';

export interface RunningNode {
  nodeId: string;
  /** The node's own /health URL; '' when started without its health server (the product serves its own). */
  healthUrl: string;
  /** The ARI the engine talks to (credentials never included); "embedded" for the simulator. */
  ari: string;
  engine: Engine;
  /** Whether the engine runs against the embedded PBX (no ARI_URL). */
  simulated: boolean;
  /**
   * The engine's own queue_log of this node's calls (QUEUE_LOG_FILE, else `queue_log` beside DB_PATH, on this
   * node's disk), or null when QUEUE_LOG_FILE=off.
   */
  queueLog: AttachedQueueLog | null;
  /** The same lines into PostgreSQL's queue_log table (written whatever QUEUE_LOG_FILE says). */
  queueLogTable: QueueLogTableWriter;
  /** What the node shares through Redis (REDIS_URL), else null: the API publishes campaign commands with it. */
  services: ClusterServices | null;
  /** The body of the node's /health: its engine, its database, its view of the cluster, Redis. */
  report(): NodeHealthReport;
  /** The node's recorder (RunNodeOptions.recordings), its rows in PostgreSQL and its files on this machine; else null. */
  recordings: Recordings | null;
  /**
   * Where API processes fetch this node's recordings (cluster_nodes.public_url: NODE_PUBLIC_URL, else the health
   * server's address); null when it serves none (no recorder, or no health server: the product serves its own).
   */
  recordingsUrl: string | null;
  /**
   * With `RunNodeOptions.serveRecordings` (no health server: `npm start` on PostgreSQL): the handler of this node's
   * recording routes under that prefix, for the caller's own HTTP server — true when it answered. Else null.
   */
  recordingRoutes: ((req: IncomingMessage, res: ServerResponse) => boolean) | null;
  /** Graceful stop: dialling stops, live calls get `graceMs`, leases go back, the node is marked stopped. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves with an exit code when the node must end by itself (another node reaped it). */
  ended: Promise<number>;
}

/** Leads leased per hopper query: small, so a node never holds much more than it dials. */
const LEASE_BATCH = 5;
/** The first seconds after answer kept beside a recording (the AMD window), as on SQLite. */
const AMD_WINDOW_MS = 8000;

export interface RunNodeOptions {
  /**
   * A pool the caller owns (`npm start` on PostgreSQL shares its own with the API): used as is — not migrated, the
   * caller checked the schema and refuses a database that is behind — and not ended when the node stops.
   */
  pool?: PgPool;
  /** Serve GET /health (and the cluster board) on HEALTH_PORT; `npm start` answers /health on its own port. Default true. */
  healthServer?: boolean;
  /**
   * Record the calls of campaigns that record (engine/recordings): the files under RECORDINGS_DIR on this machine,
   * the rows in PostgreSQL (`pgRecorderStore`, with this node's id). `npm start` on PostgreSQL does, and its API
   * serves those files; `centralita node` does too, and serves them on its health server to any API process
   * (app/node/recording-server.ts, behind a token signed with the shared SECRETS_KEY / JWT_SECRET), advertising
   * where in cluster_nodes.public_url. Default false.
   */
  recordings?: boolean;
  /**
   * Without a health server (`npm start` on PostgreSQL): serve this node's recordings on the caller's own HTTP server
   * instead — `recordingRoutes` answers them under `prefix` (same routes and token rules as a node's health server),
   * and `url` (the caller's address with that prefix, or NODE_PUBLIC_URL's) is advertised in cluster_nodes.public_url.
   */
  serveRecordings?: { url: string; prefix: string };
}

/** What a node's GET /health answers (its engine, database, cluster view and Redis); `npm start` on PostgreSQL shows parts of it. */
export type NodeHealthReport = {
  status: 'ok' | 'degraded';
  nodeId: string;
  uptimeSeconds: number;
  ari: { connected: boolean; reconciled: boolean; simulated: boolean; url: string };
  db: { ok: boolean; url: string; writable: boolean; pendingWrites: number; lastError: string | null };
  calls: number;
  agents: number;
  dialer: { state: string; dialing: boolean; lastDialAt: number | null };
  campaigns: Array<{ id: string; state: string; dialMode: string; pacing: string | null }>;
  cluster: { ttlMs: number; seenAt: number | null; nodes: ClusterView['nodes'] };
  redis: RedisHealth['redis'];
  abandon: RedisHealth['abandon'];
  board: RedisHealth['board'];
  /** The node's queue_log file (null with QUEUE_LOG_FILE=off). */
  queueLog: QueueLogFileStatus | null;
  /** Its lines into PostgreSQL's queue_log table: written, waiting (in the engine's write queue, `db`), last `seq`. */
  queueLogTable: QueueLogTableStatus;
  /** What this start inserted into the table from the node's own file (app/queue-log-catch-up.ts). */
  queueLogCatchUp: QueueLogCatchUpStatus;
  /** This process' claim on NODE_ID (app/node/node-claim.ts): its instance, and the one it took the row from. */
  instance: { id: string; host: string; pid: number; claimWaitedMs: number; previous: ClaimOutcome['previous'] };
  /**
   * The node's recorder (null when it does not record): its disk, rows and jobs as last read, `ok` false on a full
   * disk or row writes held (the calls go on: not degraded for it), and `servedAt` (cluster_nodes.public_url).
   */
  recordings: (RecordingsStatus & { ok: boolean; servedAt: string | null }) | null;
};

export async function runNode(cfg: NodeConfig, logger: Logger, clock: Clock = systemClock, signal?: AbortSignal, opts: RunNodeOptions = {}): Promise<RunningNode> {
  const { closers, closeAll } = closerStack(logger);
  try {
    let pool: PgPool;
    if (opts.pool) {
      pool = opts.pool;
    } else {
      const own = openPgPool(cfg.databaseUrl, {
        max: 8,
        applicationName: `centralita-${cfg.nodeId}`,
        onIdleError: (err) => logger.warn({ err: describePgError(err) }, 'an idle PostgreSQL connection failed'),
      });
      pool = own;
      closers.push(() => own.end());
      await checkPg(pool, cfg.databaseUrl);
      const applied = await migratePg(pool);
      logger.info({ db: redactUrl(cfg.databaseUrl), migrationsApplied: applied }, 'PostgreSQL ready');
    }

    const ariShown = cfg.base.ARI_URL ? redactUrl(cfg.base.ARI_URL) : 'embedded';

    const cluster = new PgClusterNodes(pool);
    const hopper = new PgLeadHopper(pool);
    const callLogs = new PgCallLogs(pool);
    const campaigns = new PgCampaigns(pool);
    const agentsDir = new PgAgents(pool);
    // The NODE_ID is this process' alone (refused while another one heartbeats it: NodeIdTakenError) — claimed
    // before anything of the node starts, so that a refused process leaves nothing behind and is told at once.
    const me = thisInstance();
    const claim = await claimNodeId({ cluster, nodeId: cfg.nodeId, ariUrl: ariShown, me, ttlMs: cfg.ttlMs, clock });
    if (claim.previous) logger.info({ nodeId: cfg.nodeId, previous: claim.previous, waitedMs: claim.waitedMs }, 'NODE_ID taken over from a process that is gone');
    let qlTable: QueueLogTableWriter | undefined;
    // Heartbeats start with the registration: starting the PBX, the media plane and the engine takes seconds, and a
    // node that stayed silent that long would be found dead by the others.
    let engine: Engine | undefined;
    let endWith: (code: number) => void = () => {};
    const ended = new Promise<number>((resolve) => (endWith = resolve));
    const liveness = new NodeLiveness({
      nodeId: cfg.nodeId,
      cluster,
      hopper,
      figures: () => {
        const s = engine?.snapshot();
        return { calls: s?.calls.length ?? 0, agents: s?.agents.filter((a) => a.status !== 'LOGGED_OUT').length ?? 0 };
      },
      clock,
      logger: logger.child({ part: 'cluster' }),
      heartbeatMs: cfg.heartbeatMs,
      ttlMs: cfg.ttlMs,
      leaseMs: cfg.leaseMs,
      instanceId: me.instanceId,
      onReaped: (replaced) => {
        // Another process numbers this node's queue_log stream now: not one more line from this one.
        if (replaced) qlTable?.stopWriting();
        endWith(1);
      },
    });
    liveness.start();
    closers.push(() => liveness.stop());

    let sim: Simulator | undefined;
    if (!cfg.base.ARI_URL) {
      const scenarios = await simScenarioRules(cfg.base.SIM_SCENARIO, cfg.base.SIM_SEED);
      sim = await startSimulator({ seed: cfg.base.SIM_SEED, mediaMode: 'realtime', scenarios, logger: logger.child({ part: 'sim' }) });
      closers.push(() => sim!.close());
      logger.info({ ari: sim.url }, 'no ARI_URL: this node runs against its own embedded PBX (the ARI simulator), not a real Asterisk');
    }

    const plane: MediaPlane = await createMediaPlane({ ...mediaPlaneOptions(cfg.base), logger: logger.child({ part: 'media' }) });
    closers.push(() => plane.close());

    // Redis (engine/cluster) before the engine: the engine takes the shared abandon port in its constructor.
    let follower: CampaignFollower | undefined;
    let services: ClusterServices | null = null;
    if (cfg.redisUrl) {
      services = await startClusterServices({
        nodeId: cfg.nodeId,
        redisUrl: cfg.redisUrl,
        pool,
        clock,
        logger: logger.child({ part: 'redis' }),
        prefix: cfg.clusterPrefix,
        // The table stays the truth: a command only makes the follower read it now rather than at its next period.
        onCampaignCommand: (cmd) => {
          logger.info({ campaignId: cmd.campaignId, action: cmd.action, from: cmd.from }, 'campaign command heard: reading the campaigns table now');
          return follower?.poll();
        },
        // The console's hang-up of a call live here, asked by an API process whose own engine does not hold it
        // (the CallLog's node_id names this node). Before the engine runs no call is live here: not-live.
        onCallHangup: (callId) => engine?.hangupCall(callId) ?? false,
        // The console's log-in / ready / pause / log-out / state of an agent of this node (agents.node_id), asked
        // by an API process elsewhere: only this engine holds the agent's phone leg and state.
        onAgentCommand: agentCommandHandler({ engine: () => engine, agents: agentsDir, nodeId: cfg.nodeId }),
      });
      const svc = services;
      closers.push(() => svc.close());
      // A trunk or phone pushed through an API elsewhere reaches this node's own Asterisk: read from the shared
      // database (a phone's password comes sealed with the key the API and the nodes share) and pushed here.
      const pushes = await serveConfigPush(
        svc.redis,
        cfg.nodeId,
        configPushHandler({
          nodeId: cfg.nodeId,
          ari: cfg.base.ARI_URL ? { url: cfg.base.ARI_URL, username: cfg.base.ARI_USERNAME, password: cfg.base.ARI_PASSWORD ?? '' } : null,
          trunks: new PgTrunks(pool),
          agents: agentsDir,
          box: secretBox(cfg.base),
        }),
        { prefix: cfg.clusterPrefix, logger: logger.child({ part: 'config-push' }) },
      );
      closers.push(() => pushes.close());
      logger.info({ redis: svc.health().redis.url, prefix: cfg.clusterPrefix }, 'Redis ready: shared abandon counts, campaign commands, call hang-ups, agent commands, trunk and phone pushes, cluster board');
    } else {
      logger.info('no REDIS_URL: the abandon governor decides on this node\'s own counts and no cluster board is served');
    }
    const cluster_ = services;

    // The engine's events, subscribed to before it starts (the recorder, the queue_log below).
    const events = new DomainEvents((err, e) => logger.warn({ err, event: e.type }, 'a subscriber of engine events failed'));
    // The recorder (opt-in), subscribed to the engine's events before its first call, ARI through the engine's
    // gateway once it is connected (a command before that fails and is reported on the recording).
    let gateway: AriGateway | null = null;
    let recorder: Recordings | null = null;
    const recStore = pgRecorderStore(pool);
    if (opts.recordings) {
      const ari = lateRecordingAri(() => gateway);
      const audit = new PgAuditLog(pool);
      const recLogger = logger.child({ part: 'recordings' });
      const r = new Recordings({
        events,
        ari,
        store: recStore,
        clock,
        logger: recLogger,
        nodeId: cfg.nodeId,
        dir: recordingsDirOf(cfg.base),
        ...(cfg.base.RECORDINGS_SPOOL ? { spoolDir: cfg.base.RECORDINGS_SPOOL } : {}),
        format: cfg.base.RECORDINGS_FORMAT,
        concurrency: cfg.base.RECORDINGS_CONCURRENCY,
        audit: (e) => void audit.record(e).catch((err: unknown) => recLogger.error({ err: describePgError(err) }, 'could not audit a recording deletion')),
      });
      r.start();
      recorder = r;
      closers.push(() => r.close());
    }
    const amdOf = (params: ReturnType<typeof defaultAmdParams>) =>
      recorder ? recorder.amdSource(mediaPlaneAmdSource(plane, params, { captureMs: AMD_WINDOW_MS })) : mediaPlaneAmdSource(plane, params);

    const leadsFor = (c: Campaign) => asyncStoreLeadSource(hopper, { campaignId: c.id, owner: cfg.nodeId, now: () => clock.now(), batch: LEASE_BATCH, leaseMs: cfg.leaseMs });
    const amdFor = (c: Campaign) => amdOf(amdParamsFor(c));
    // Only this node's agents: their phones register to this node's Asterisk.
    const agentRows = await agentsDir.listForNode(cfg.nodeId);
    if (agentRows.length === 0) logger.warn({ nodeId: cfg.nodeId }, 'no agent belongs to this node (agents.node_id): it dials nothing until one does');

    // The engine's own queue_log (issue #16) of this node's calls, on this node's disk like Asterisk's own queue_log
    // per server: subscribed before the engine starts, so its first events (agents readied) are written too. A
    // campaign is named as the campaign follower last read its row (read before it is dialled); an agent as this
    // node last read its row. Closed after the engine stopped (closers run after it): its last lines go in.
    const agentNames = new Map(agentRows.map((a) => [a.id, a.name]));
    let agentFollower: AgentFollower | undefined;
    // The same lines go to the shared queue_log table too (app/queue-log-table.ts): /api/queues on PostgreSQL follows
    // it, so supervisors see every node's queues. Its batches go through the engine's write queue once the engine
    // exists (held and retried while PostgreSQL is away); lines of the engine's start wait for it.
    const qlPath = queueLogPath(cfg.base);
    // First the lines of this node's file the table never got (a stop with PostgreSQL away, a kill -9), under the
    // seq they had: the writer then numbers new lines after them.
    const qlRows = new PgQueueLog(pool);
    const caughtUp = await catchUpQueueLog({ nodeId: cfg.nodeId, file: qlPath, table: qlRows, logger: logger.child({ part: 'queue-log' }) });
    qlTable = await QueueLogTableWriter.open(cfg.nodeId, qlRows);
    const qlWriter = qlTable;
    const attached = attachQueueLogWith(events, { campaign: (id) => follower?.name(id), agent: (id) => agentFollower?.name(id) ?? agentNames.get(id) }, qlPath, { table: qlWriter });
    const queueLog: AttachedQueueLog | null = qlPath ? attached : null;
    closers.push(async () => {
      await attached.close();
      if (!(await qlWriter.flush(5000))) logger.warn({ ...qlWriter.status() }, 'queue_log lines not yet in PostgreSQL at shutdown: they are in the file, and the next start of this node puts them in the table');
    });

    engine = await startEngine({
      config: cfg.base,
      events,
      ...(sim ? { ari: { url: sim.url, username: sim.username, password: sim.password } } : {}),
      // PostgreSQL has no "disk full" of its own to probe: a query that reaches it says it takes writes again.
      // Agent state changes go to PostgreSQL's agent_events (the supervisors' wrap-up, occupancy, pause time) through
      // the engine's write queue, behind the CallLogs: in order, held and retried while PostgreSQL is away.
      store: { callLogs, agentEvents: new PgAgentEvents(pool), probeWrite: () => pool.query('select 1') },
      amd: amdOf(defaultAmdParams()),
      // Outcomes of CallLogs a previous process of this node left open, for campaigns not loaded (yet).
      leadOutcomes: { complete: (leadId, d, at) => hopper.completeAttempt(leadId, d, at, { owner: cfg.nodeId }).then(() => undefined) },
      agents: agentRows.map((a) => agentConfigFromRow(a)),
      logger: logger.child({ part: 'engine' }),
      clock,
      ...(cluster_ ? { sharedAbandon: cluster_.sharedAbandon } : {}),
      ...(signal ? { signal } : {}),
    });

    gateway = engine.gateway;
    qlWriter.bind(engine.storeWrites);
    // Asterisk's RecordingFinished tells the recorder when a stopped recording's file is complete.
    if (recorder) {
      const r = recorder;
      closers.push(engine.gateway.on('event', (e) => r.ariEvent(e)));
    }

    // Leads a previous process of this node leased but never dialled (its open CallLogs were just closed by the
    // engine's start-up reconciliation, their leads completed): back to the hopper before this process leases —
    // the renewal below would otherwise keep them leased to this node for ever.
    await hopper.releaseLeases({ owner: cfg.nodeId, at: clock.now() });

    const running: Engine = engine;
    agentFollower = new AgentFollower({ nodeId: cfg.nodeId, engine: running, agents: agentsDir, clock, logger: logger.child({ part: 'agents' }), pollMs: cfg.campaignPollMs });
    agentFollower.start();
    const agents_ = agentFollower;
    closers.push(() => agents_.stop());
    follower = new CampaignFollower({ engine: running, campaigns, leadsFor, amdFor, clock, logger: logger.child({ part: 'campaigns' }), pollMs: cfg.campaignPollMs });
    await follower.poll();
    follower.start();
    closers.push(() => follower.stop());

    // The recorder's figures are read from PostgreSQL at most once a second (its status() answers the last read).
    let recordingsUrl: string | null = null;
    let recStatus: RecordingsStatus | null = null;
    let recStatusAt = -Infinity;
    const recorderReport = (): NodeHealthReport['recordings'] => {
      if (!recorder) return null;
      if (clock.now() - recStatusAt >= 1000) {
        recStatusAt = clock.now();
        recStatus = recorder.status();
      }
      const r = recStatus!;
      return { ok: r.diskError === null && r.writes.writable, ...r, servedAt: recordingsUrl };
    };
    const startedAt = clock.now();
    const report = (): NodeHealthReport => {
      const s = running.snapshot();
      const view = liveness.cluster();
      const dbOk = view.dbOk && s.store.writable;
      const shared = redisHealth(cluster_, s.campaigns.map((c) => c.id));
      // Redis away: degraded like the single-node product (it still dials, on its own counts).
      const ok = s.connected && s.reconciled && dbOk && shared.ok;
      return {
        status: ok ? 'ok' : 'degraded',
        nodeId: cfg.nodeId,
        uptimeSeconds: Math.round((clock.now() - startedAt) / 1000),
        ari: { connected: s.connected, reconciled: s.reconciled, simulated: Boolean(sim), url: ariShown },
        db: { ok: view.dbOk, url: redactUrl(cfg.databaseUrl), writable: s.store.writable, pendingWrites: s.store.pendingWrites, lastError: s.store.lastError ?? view.lastError },
        calls: s.calls.length,
        agents: s.agents.filter((a) => a.status !== 'LOGGED_OUT').length,
        dialer: { state: s.state, dialing: s.dialing, lastDialAt: s.lastDialAt },
        // `pacing`: the rule the campaign dials by now ("predictive", or "predictive/progressive (little data)" while it learns).
        campaigns: s.campaigns.map((c) => ({ id: c.id, state: c.state, dialMode: c.dialMode, pacing: c.pacing?.mode ?? null })),
        cluster: { ttlMs: cfg.ttlMs, seenAt: view.at, nodes: view.nodes },
        redis: shared.redis,
        abandon: shared.abandon,
        board: shared.board,
        queueLog: queueLog?.status() ?? null,
        queueLogTable: qlWriter.status(),
        queueLogCatchUp: caughtUp,
        instance: { id: me.instanceId, host: me.host, pid: me.pid, claimWaitedMs: claim.waitedMs, previous: claim.previous },
        recordings: recorderReport(),
      };
    };
    let healthUrl = '';
    if (opts.healthServer !== false) {
      const key = nodeRecordingKey(cfg.base);
      const rec = recorder;
      const health: HealthServer = await startHealthServer({
        host: cfg.healthHost,
        port: cfg.healthPort,
        report,
        // This node's recordings, to API processes with a token signed with the shared secret.
        ...(rec ? { handle: nodeRecordingHandler({ nodeId: cfg.nodeId, key, get: (id) => recStore.recordings.get(id), recorder: rec, clock, logger: logger.child({ part: 'recordings' }) }) } : {}),
      });
      healthUrl = health.url;
      closers.push(() => health.close());
      if (rec) {
        recordingsUrl = cfg.publicUrl ?? healthUrl.replace(/\/health$/, '');
        await cluster.advertise(cfg.nodeId, recordingsUrl);
        if (!key) logger.warn('neither SECRETS_KEY nor JWT_SECRET: this node records, but no API can play its recordings (give it the API\'s SECRETS_KEY or JWT_SECRET)');
        if (!cfg.publicUrl && /^http:\/\/(127\.|\[::1\]|localhost)/.test(recordingsUrl)) {
          logger.info({ recordings: recordingsUrl }, 'recordings served on this machine\'s loopback only: an API on another machine needs NODE_PUBLIC_URL (and HEALTH_HOST) set to an address it reaches');
        }
      }
      // The cluster board on the health server (Socket.IO path /cluster/socket.io, namespace /board): this node's
      // agents, calls and campaigns published every second, every node's shown to supervisors' API keys.
      // Closed before the health server (closers run in reverse): its upgraded sockets would hold that server open.
      if (cluster_) {
        const board = await cluster_.serveBoard(health.server, () => boardOf(cfg.nodeId, running, clock.now()));
        closers.push(() => board.close());
      }
    }
    // No health server (the product): the same routes on the caller's HTTP server, under its prefix.
    let recordingRoutes: RunningNode['recordingRoutes'] = null;
    if (opts.healthServer === false && opts.serveRecordings && recorder) {
      const key = nodeRecordingKey(cfg.base);
      const served = opts.serveRecordings;
      recordingRoutes = nodeRecordingHandler({ nodeId: cfg.nodeId, key, get: (id) => recStore.recordings.get(id), recorder, clock, logger: logger.child({ part: 'recordings' }), prefix: served.prefix });
      recordingsUrl = served.url;
      await cluster.advertise(cfg.nodeId, recordingsUrl);
      if (!key) logger.warn('neither SECRETS_KEY nor JWT_SECRET: this node records, but no other API process can play its recordings (give them all the same SECRETS_KEY or JWT_SECRET)');
      if (!cfg.publicUrl && /^http:\/\/(127\.|\[::1\]|localhost)/.test(recordingsUrl)) {
        logger.info({ recordings: recordingsUrl }, 'recordings served to other API processes on this machine\'s loopback only: one on another machine needs NODE_PUBLIC_URL (and HTTP_HOST) set to an address it reaches');
      }
    }
    logger.info({ nodeId: cfg.nodeId, health: healthUrl || 'served by the product', ari: ariShown, agents: agentRows.length }, 'engine node running');

    let stopping: Promise<void> | undefined;
    const stop = (graceMs = cfg.base.SHUTDOWN_GRACE_SECONDS * 1000): Promise<void> =>
      (stopping ??= (async () => {
        follower?.stop();
        agents_.stop();
        liveness.stop();
        try {
          // Taken over: the leases under this NODE_ID and its open CallLogs are the other process' now (its start
          // closed ours) — ended like a killed process, so that nothing of theirs is given back or closed from here.
          if (liveness.lost() === 'replaced') await running.crash();
          else await running.stop({ graceMs });
        } catch (err) {
          logger.error({ err }, 'engine stop failed');
        }
        // The engine gave back each campaign's leases; anything else this node still holds goes back too — unless
        // another process took this NODE_ID over: the leases and the row under it are that one's now.
        try {
          if (liveness.lost() !== 'replaced') {
            await hopper.releaseLeases({ owner: cfg.nodeId, at: clock.now() });
            await cluster.markStopped(cfg.nodeId, clock.now(), me.instanceId);
          }
        } catch (err) {
          logger.warn({ err: describePgError(err) }, 'could not mark this node stopped (the others will reap it after the TTL)');
        }
        await closeAll();
      })());
    await liveness.beat();
    return { nodeId: cfg.nodeId, healthUrl, ari: ariShown, engine: running, simulated: Boolean(sim), services: cluster_, queueLog, queueLogTable: qlWriter, report, recordings: recorder, recordingsUrl, recordingRoutes, stop, ended };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
