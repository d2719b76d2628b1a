/**
 * The engine node's thread of `npm start` on PostgreSQL: the node (app/node runNode — the embedded PBX when no
 * ARI_URL, the ARI gateway, dialler and pacing, the media plane's AMD hand-off, the recorder, the queue_log writer,
 * heartbeats and lease renewal, the campaign and agent followers, Redis's shared counts and commands) and the
 * engine's control (./node-control.ts, with the campaigns' stored figures it answers from) in one event loop that
 * HTTP handlers, exports, imports and live-feed sockets never run on. bench:pg-loop measured that loop shared with
 * the API: heavy requests held its ARI events up to ~1.5 s (docs/scale-out.md).
 *
 * It answers the control's and the recorder's commands, streams domain events and sends its status (snapshot, the
 * node's /health body, the control's reads, event-loop delay) several times a second over one MessagePort
 * (./node-protocol.ts, over app/thread-channel.ts). Its own PostgreSQL pool: a pool's connections cannot cross threads.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { MessagePort } from 'node:worker_threads';
import { agentCommandAsker } from '../../engine/cluster/index.js';
import { systemClock } from '../../engine/clock/index.js';
import type { EngineControl } from '../../engine/control/index.js';
import { createLogger } from '../../engine/log/index.js';
import type { RecordingsStatus } from '../../engine/recordings/index.js';
import { describePgError, openPgPool, pgAgentDirectory, pgCampaignCatalog, pgCampaignToday } from '../../engine/store/pg/index.js';
import { answerCommand, closerStack, lagFigures, serializeError, serveThread, type LagFigures } from '../engine-parts.js';
import { runNode, type RunningNode } from '../node/index.js';
import { CampaignFigures } from './campaign-figures.js';
import { ariEventDelayMs, isCallEvent } from './engine-loop-probe.js';
import { nodeEngineControl } from './node-control.js';
import { NODE_COMMANDS, type FromNode, type NodeHostInit, type NodeStatus, type ToNode } from './node-protocol.js';

/** The health window of the thread's loop delay: the status carries the last full one. */
const LAG_WINDOW_MS = 5000;
/** The recorder's status (disk, rows read from PostgreSQL) is read at most this often. */
const RECORDINGS_STATUS_MS = 1000;

export async function runNodeHost(port: MessagePort, init: NodeHostInit): Promise<void> {
  const { cfg } = init;
  const logger = createLogger(init.logLevel as Parameters<typeof createLogger>[0], { pretty: init.pretty });
  const abort = new AbortController();
  const { closers, closeAll } = closerStack(logger);

  const health = monitorEventLoopDelay({ resolution: 10 });
  health.enable();
  let healthLag: LagFigures = { p50: 0, p99: 0, max: 0, windowMs: 0 };
  let healthFrom = systemClock.now();
  // bench:pg-loop's probe: started by its first ask, so a product nobody measures keeps no samples.
  const probed = monitorEventLoopDelay({ resolution: 10 });
  let probedFrom = 0;
  let probing = false;
  let ariEventMs: number[] = [];
  let ariCallEventMs: number[] = [];
  closers.push(() => {
    health.disable();
    probed.disable();
  });

  let node: RunningNode | undefined;
  let control: EngineControl | undefined;
  let recStatus: RecordingsStatus | null = null;
  let recStatusAt = -Infinity;
  let stopping: Promise<void> | undefined;

  const status = (): NodeStatus => {
    const n = node!;
    const now = systemClock.now();
    if (now - healthFrom >= LAG_WINDOW_MS) {
      healthLag = lagFigures(health, now - healthFrom);
      health.reset();
      healthFrom = now;
    }
    if (n.recordings && now - recStatusAt >= RECORDINGS_STATUS_MS) {
      recStatusAt = now;
      try {
        recStatus = n.recordings.status();
      } catch (err) {
        logger.warn({ err }, 'recordings status unavailable');
        recStatus = null;
      }
    }
    const campaignIds = n.engine.campaignIds();
    const liveStats: NodeStatus['liveStats'] = {};
    const observations: NodeStatus['observations'] = {};
    for (const id of campaignIds) {
      try {
        liveStats[id] = { ok: true, value: control!.campaigns.liveStats(id) };
      } catch (err) {
        liveStats[id] = { ok: false, error: serializeError(err) };
      }
      observations[id] = n.engine.campaignObservation(id);
    }
    return {
      at: now,
      snapshot: n.engine.snapshot(),
      report: n.report(),
      queueLog: n.queueLog?.status() ?? null,
      recordings: recStatus,
      agents: control!.agents.list(),
      liveStats,
      campaignIds,
      observations,
      lag: healthLag,
    };
  };

  const stop = (graceMs: number): Promise<void> =>
    (stopping ??= (async () => {
      abort.abort();
      if (node) await node.stop(graceMs).catch((err: unknown) => logger.error({ err }, 'engine stop failed'));
      await closeAll();
      post({ type: 'stopped' });
      port.close();
    })());

  const channel = serveThread<ToNode, FromNode>(port, {
    notice(m) {
      if (m.type === 'abort') abort.abort();
      else void stop(m.graceMs ?? 0);
    },
    async answer(m) {
      if (m.type === 'probe') {
        const now = systemClock.now();
        if (!probing) {
          probing = true;
          probed.enable();
          probedFrom = now;
        }
        const value = { loop: lagFigures(probed, now - probedFrom), ariEventMs, ariCallEventMs };
        if (m.reset) {
          probed.reset();
          probedFrom = now;
          ariEventMs = [];
          ariCallEventMs = [];
        }
        return value;
      }
      const value = await answerCommand({ control, recorder: node?.recordings, commands: NODE_COMMANDS }, m.command, m.args);
      // The status first (same port, same order): a read right after the command sees its effect.
      if (node && control) post({ type: 'status', status: status() });
      return value;
    },
  });
  const post = channel.post;

  try {
    // The API thread checked the schema (and refuses a database that is behind) before starting this thread.
    const pool = openPgPool(cfg.databaseUrl, {
      max: 8,
      applicationName: `centralita-${cfg.nodeId}`,
      onIdleError: (err) => logger.warn({ err: describePgError(err) }, 'an idle PostgreSQL connection failed'),
    });
    closers.push(() => pool.end());
    // Recordings are served on the product's port (the API thread answers their routes); the node advertises where.
    const n = await runNode(cfg, logger, systemClock, abort.signal, {
      pool,
      healthServer: false,
      recordings: true,
      serveRecordings: { url: init.recordingsUrl, prefix: init.recordingsPrefix },
    });
    node = n;
    closers.push(() => n.stop(0));
    void n.ended.then((code) => post({ type: 'ended', code }));

    // The console's commands for an agent of another node (agents.node_id): asked of that node over Redis.
    let agentCommands;
    if (n.services) {
      const a = await agentCommandAsker(n.services.redis, { prefix: cfg.clusterPrefix, from: `api-${cfg.nodeId}`, logger: logger.child({ part: 'agent-commands' }) });
      agentCommands = a;
      closers.push(() => a.close());
    }
    const figures = new CampaignFigures({
      campaignIds: () => n.engine.campaignIds(),
      campaigns: pgCampaignCatalog(pool),
      today: (id, from) => pgCampaignToday(pool, id, from),
      clock: systemClock,
      logger: logger.child({ part: 'campaign-figures' }),
    });
    figures.start();
    closers.push(() => figures.stop());
    await figures.refresh();
    control = nodeEngineControl({ engine: n.engine, agents: pgAgentDirectory(pool), nodeId: cfg.nodeId, figures, ...(agentCommands ? { agentCommands } : {}) });

    closers.push(
      n.engine.gateway.on('event', (e) => {
        if (!probing) return;
        const d = ariEventDelayMs(e, Date.now());
        if (d === null) return;
        ariEventMs.push(d);
        if (isCallEvent(e as { type?: unknown; channel?: { state?: unknown } })) ariCallEventMs.push(d);
      }),
    );
    // Domain events to the API thread (live feed), batched per turn of the loop.
    closers.push(n.engine.events.on('*', channel.event));
    const timer = setInterval(() => post({ type: 'status', status: status() }), init.statusIntervalMs ?? 250);
    closers.push(() => clearInterval(timer));

    post({ type: 'ready', nodeId: n.nodeId, simulated: n.simulated, ari: n.ari, recordingsUrl: n.recordingsUrl, recorder: n.recordings !== null, status: status() });
  } catch (err) {
    await closeAll();
    post({ type: 'failed', error: abort.signal.aborted ? { kind: 'error', message: 'aborted', code: 'ABORT_ERR' } : serializeError(err) });
    port.close();
  }
}
