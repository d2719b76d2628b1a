/**
 * Everything a node shares through Redis, started in one call (#18): the campaign-wide abandon counts (give
 * `sharedAbandon` to the Engine), campaign commands over pub/sub (when `onCampaignCommand` is given), hang-ups of
 * this node's calls asked by another process (when `onCallHangup` is given), console commands for this node's agents
 * asked by another process (when `onAgentCommand` is given), and the
 * cluster board (when `httpServer` is given: this node's board published from `snapshot`, the Socket.IO board
 * served with API keys checked on PostgreSQL). `health()` is for the node's /health; `close()` undoes it all.
 */
import type { Server as HttpServer } from 'node:http';
import type { Clock } from '../clock/index.js';
import type { Logger } from '../log/index.js';
import { lookupApiKeyPg, redactUrl, type PgPool } from '../store/pg/index.js';
import type { RedisClient } from './abandon-counters.js';
import { ClusterAbandon, type SharedAbandonStatus } from './abandon-sync.js';
import { attachClusterBoard, publishApiKeyRevoked, type ClusterBoardHandle, type ClusterBoardStatus } from './board-server.js';
import type { NodeBoard } from './board.js';
import { startBoardPublisher, type BoardPublisher } from './board-publisher.js';
import { publishCampaignCommand, subscribeCampaignCommands, type CampaignAction, type CampaignCommand, type CampaignCommandSubscription } from './campaign-commands.js';
import { serveCallHangups, type CallHangupService } from './call-hangup.js';
import { serveAgentCommands, type AgentCommandHandler, type AgentCommandService } from './agent-commands.js';
import { clusterRedisClient, reason, within } from './redis-io.js';

export interface ClusterServicesOptions {
  nodeId: string;
  /** redis://… (REDIS_URL). */
  redisUrl: string;
  /** The node's PostgreSQL pool: the board checks API keys there. */
  pool: PgPool;
  clock: Clock;
  logger: Logger;
  /** Serve the cluster board on this server (path `/cluster/socket.io`, namespace `/board`). */
  httpServer?: HttpServer;
  /** This node's board, e.g. `() => boardOf(nodeId, engine, clock.now())`; published while the board runs. */
  snapshot?: () => NodeBoard;
  /** Apply a campaign command published by any node (the fast path; the store's state stays the truth). */
  onCampaignCommand?: (cmd: CampaignCommand) => void | Promise<void>;
  /**
   * End a call of this node's engine that another process's API was asked to hang up (the console's hang-up of a
   * call live here): true when the engine is ending it, false when it does not hold it. Requests addressed to this
   * node are answered `hung-up` / `not-live` (call-hangup.ts).
   */
  onCallHangup?: (callId: string) => boolean | Promise<boolean>;
  /**
   * Apply a console command (log-in, ready, pause, log-out, state) to an agent of this node that another process's
   * API was asked about: requests addressed to this node are answered with the agent's state or a refusal
   * (agent-commands.ts).
   */
  onAgentCommand?: AgentCommandHandler;
  /** Key prefix (several centers or tests on one Redis); default `centralita`. */
  prefix?: string;
  /** How long start-up waits for Redis (wall ms, default 5000). */
  connectTimeoutMs?: number;
  /** Board tuning (tests): publish period, board expiry, key re-check period (ms). */
  board?: { publishMs?: number; ttlMs?: number; recheckMs?: number };
}

export interface ClusterHealth {
  redis: { url: string; connected: boolean };
  /** `degraded`: the governor decides on this node's own counts until Redis answers. */
  abandon: SharedAbandonStatus;
  commands: { subscribed: boolean };
  /** Hang-up requests addressed to this node are heard (`onCallHangup` given). */
  hangups: { subscribed: boolean };
  board: ClusterBoardStatus | null;
}

export interface ClusterServices {
  /** The Engine's `sharedAbandon` option. */
  readonly sharedAbandon: ClusterAbandon;
  readonly redis: RedisClient;
  /** Publishes start/pause/stop to every node (after the store was updated); resolves with the receivers. */
  publishCommand(campaignId: string, action: CampaignAction): Promise<number>;
  /** Disconnects the API key's board sockets on every node now (after revoking it in the store). */
  revokeApiKey(apiKeyId: string): Promise<void>;
  /** The board served here (`httpServer` given, or `serveBoard` called), else null. */
  readonly board: ClusterBoardHandle | null;
  /**
   * Serves the board on `httpServer` now, publishing `snapshot` — for a node whose HTTP server starts after its
   * engine (the engine needs `sharedAbandon` first). Once; closed by `close()`.
   */
  serveBoard(httpServer: HttpServer, snapshot?: () => NodeBoard): Promise<ClusterBoardHandle>;
  /**
   * Publishes `snapshot` and reads the cluster's view without a Socket.IO server of its own: `npm start` on
   * PostgreSQL serves the view on the web app's live feed instead (api/live). Once; closed by `close()`.
   */
  publishBoard(snapshot: () => NodeBoard): BoardPublisher;
  health(): ClusterHealth;
  close(): Promise<void>;
}

/** A publisher's status in the shape /health shows for a served board (it has no sockets of its own). */
function boardStatusOf(p: BoardPublisher | null): ClusterBoardStatus | null {
  if (!p) return null;
  const v = p.lastView();
  return { ...p.status(), sockets: 0, nodesUp: v?.totals.nodesUp ?? 0, nodesDown: v?.totals.nodesDown ?? 0 };
}

export async function startClusterServices(o: ClusterServicesOptions): Promise<ClusterServices> {
  const redis = clusterRedisClient(o.redisUrl);
  const ms = o.connectTimeoutMs ?? 5000;
  try {
    await within(redis.connect(), ms, `REDIS_URL ${redactUrl(o.redisUrl)}`);
  } catch (err) {
    redis.destroy();
    throw new Error(`cannot reach Redis for the cluster services: ${reason(err)}`);
  }
  const prefix = o.prefix ? { prefix: o.prefix } : {};
  const sharedAbandon = new ClusterAbandon({ redis, nodeId: o.nodeId, clock: o.clock, logger: o.logger, ...prefix });
  let commands: CampaignCommandSubscription | null = null;
  let hangups: CallHangupService | null = null;
  let agentCommands: AgentCommandService | null = null;
  let board: ClusterBoardHandle | null = null;
  let publisher: BoardPublisher | null = null;
  const serve = (httpServer: HttpServer, snapshot: (() => NodeBoard) | undefined) =>
    attachClusterBoard(httpServer, {
      redis,
      nodeId: o.nodeId,
      logger: o.logger,
      clock: o.clock,
      authenticate: (key) => lookupApiKeyPg(o.pool, key),
      ...(snapshot ? { snapshot } : {}),
      ...prefix,
      ...(o.board ?? {}),
    });
  try {
    if (o.onCampaignCommand) commands = await subscribeCampaignCommands(redis, o.onCampaignCommand, { logger: o.logger, ...prefix });
    if (o.onCallHangup) hangups = await serveCallHangups(redis, o.nodeId, o.onCallHangup, { logger: o.logger, ...prefix });
    if (o.onAgentCommand) agentCommands = await serveAgentCommands(redis, o.nodeId, o.onAgentCommand, { logger: o.logger, ...prefix });
    if (o.httpServer) board = await serve(o.httpServer, o.snapshot);
  } catch (err) {
    await agentCommands?.close();
    await hangups?.close();
    await commands?.close();
    await sharedAbandon.close();
    redis.destroy();
    throw err;
  }
  return {
    sharedAbandon,
    redis,
    get board() {
      return board;
    },
    serveBoard: async (httpServer, snapshot) => {
      if (board) throw new Error('the cluster board is already served');
      board = await serve(httpServer, snapshot);
      return board;
    },
    publishBoard: (snapshot) => {
      if (publisher || board) throw new Error('this node\'s board is already published');
      publisher = startBoardPublisher({ redis, nodeId: o.nodeId, snapshot, clock: o.clock, logger: o.logger, ...prefix, ...(o.board ?? {}) });
      return publisher;
    },
    publishCommand: (campaignId, action) => publishCampaignCommand(redis, { campaignId, action, at: o.clock.now(), from: o.nodeId }, prefix),
    revokeApiKey: (apiKeyId) => publishApiKeyRevoked(redis, apiKeyId, prefix),
    health: () => ({
      redis: { url: redactUrl(o.redisUrl), connected: redis.isReady },
      abandon: sharedAbandon.status(),
      commands: { subscribed: commands !== null },
      hangups: { subscribed: hangups !== null },
      board: board?.status() ?? boardStatusOf(publisher),
    }),
    close: async () => {
      await board?.close();
      await publisher?.close();
      await agentCommands?.close();
      await hangups?.close();
      await commands?.close();
      await sharedAbandon.close();
      await within(redis.close(), 1000).catch(() => undefined);
      try {
        redis.destroy();
      } catch {
        // Already closed.
      }
    },
  };
}
