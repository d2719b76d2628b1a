/**
 * The cluster board (#18): every node publishes its board (agents, calls, per-campaign counts) to Redis — a key per
 * node with a short expiry, a "seen" stamp, and a notify — and serves a Socket.IO namespace where an authenticated
 * supervisor or admin sees every node: the `node` event carries one node's fresh board (emitted by that node
 * through the Socket.IO Redis adapter, so a client connected to node A receives node B's), the `cluster` event
 * the whole view (each node's agents and calls, each campaign's counts summed across the nodes that are up, and the
 * nodes whose board expired marked down), built by the node the client is connected to from Redis.
 *
 * Auth: `auth.apiKey` in the handshake, checked by `authenticate` (on PostgreSQL: engine/store's `lookupApiKeyPg`,
 * sha256 as everywhere else), role supervisor or admin. A key revoked or a user demoted is disconnected at the next
 * re-check (every `recheckMs`), and at once when its revocation is published (`publishApiKeyRevoked`).
 */
import type { Server as HttpServer } from 'node:http';
import { Server, type Namespace, type Socket } from 'socket.io';
import { systemClock, type Clock, type TimerHandle } from '../clock/index.js';
import type { Logger } from '../log/index.js';
import type { RedisClient } from './abandon-counters.js';
import type { ClusterView, NodeBoard } from './board.js';
import { boardKeys, publishNodeBoard, readClusterView } from './board-publisher.js';
import { reason, within } from './redis-io.js';

/** Who a socket speaks for (an API key's user). */
export interface BoardPrincipal {
  apiKeyId: string;
  userId: string;
  role: string;
}

export interface ClusterBoardOptions {
  /** A connected client; the board opens its own connections from it (adapter pair, notify subscriber). */
  redis: RedisClient;
  nodeId: string;
  /** An API key → its principal, or null (unknown, revoked, user inactive). A rejection counts as "cannot tell now". */
  authenticate: (apiKey: string) => Promise<BoardPrincipal | null>;
  logger: Logger;
  /** This node's board; omitted: the node serves the board without publishing one (an API-only node). */
  snapshot?: () => NodeBoard;
  clock?: Clock;
  /** Key prefix (several centers or tests on one Redis); default `centralita`. */
  prefix?: string;
  /** Socket.IO path on the HTTP server (default `/cluster/socket.io`, beside the product's own live feed). */
  path?: string;
  /** Publish and view period (ms, default 1000). */
  publishMs?: number;
  /** A node's board expires this long after its last publish (ms, default 5000): then it shows down. */
  ttlMs?: number;
  /** Sockets' keys are checked again this often (ms, default 5000). */
  recheckMs?: number;
}

export interface ClusterBoardStatus {
  state: 'ok' | 'degraded';
  lastError: string | null;
  /** Board sockets connected to this node. */
  sockets: number;
  /** From the last view: nodes up and down. */
  nodesUp: number;
  nodesDown: number;
}

export interface ClusterBoardHandle {
  readonly io: Server;
  /** The namespace the board is served on (`/board`). */
  readonly namespace: Namespace;
  /** The cluster as Redis has it now. */
  view(): Promise<ClusterView>;
  /** The last view built (null before the first). */
  lastView(): ClusterView | null;
  status(): ClusterBoardStatus;
  close(): Promise<void>;
}

export const BOARD_NAMESPACE = '/board';
const ROOM = 'board';
const keyRoom = (apiKeyId: string) => `apikey:${apiKeyId}`;
const PRIVILEGED = new Set(['supervisor', 'admin']);

export { boardKeys };

/** Tells every node's board that an API key was revoked: its sockets are disconnected at once. */
export async function publishApiKeyRevoked(redis: RedisClient, apiKeyId: string, opts: { prefix?: string } = {}): Promise<void> {
  await within(redis.publish(boardKeys(opts.prefix).revoked, apiKeyId), undefined, 'Redis (key revoked)');
}

/**
 * The adapter publishes every broadcast without awaiting it; with Redis away such a publish rejects, which would
 * end the process as an unhandled rejection. The board is best-effort (the next tick repairs it): swallowed.
 */
function lossyPublisher(pub: RedisClient): RedisClient {
  const publish = pub.publish.bind(pub);
  return new Proxy(pub, {
    get(target, prop, receiver) {
      if (prop === 'publish') return (...args: Parameters<RedisClient['publish']>) => publish(...args).catch(() => 0);
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export async function attachClusterBoard(httpServer: HttpServer, o: ClusterBoardOptions): Promise<ClusterBoardHandle> {
  const clock = o.clock ?? systemClock;
  const keys = boardKeys(o.prefix);
  const ttlMs = o.ttlMs ?? 5000;
  const pub = o.redis.duplicate();
  const sub = o.redis.duplicate();
  const notify = o.redis.duplicate();
  for (const c of [pub, sub, notify]) c.on('error', () => {});
  try {
    await within(Promise.all([pub.connect(), sub.connect(), notify.connect()]), undefined, 'Redis (cluster board)');
  } catch (err) {
    for (const c of [pub, sub, notify]) c.destroy();
    throw err;
  }
  const io = new Server(httpServer, { path: o.path ?? '/cluster/socket.io', serveClient: false, cors: { origin: false } });
  // Loaded here: only a node that serves the cluster board needs the Redis adapter.
  const { createAdapter } = await import('@socket.io/redis-adapter');
  io.adapter(createAdapter(lossyPublisher(pub), sub));
  const nsp = io.of(BOARD_NAMESPACE);

  let state: ClusterBoardStatus['state'] = 'ok';
  let lastError: string | null = null;
  let last: ClusterView | null = null;
  const fail = (what: string, err: unknown) => {
    lastError = `${what}: ${reason(err)}`;
    if (state === 'ok') o.logger.warn({ err: lastError }, 'cluster board: Redis unreachable; the board shows what it last knew until it answers');
    state = 'degraded';
  };
  const ok = () => {
    if (state === 'degraded') o.logger.info('cluster board: Redis answers again');
    state = 'ok';
    lastError = null;
  };

  // ── auth ──
  nsp.use((socket, next) => {
    const apiKey = (socket.handshake.auth as Record<string, unknown>)['apiKey'];
    if (typeof apiKey !== 'string' || apiKey === '') return next(refusal('unauthenticated', 'Authentication required: pass auth.apiKey'));
    o.authenticate(apiKey).then(
      (p) => {
        if (p === null) return next(refusal('invalid_credentials', 'Invalid or revoked API key'));
        if (!PRIVILEGED.has(p.role)) return next(refusal('forbidden', 'The cluster board is for supervisors and admins'));
        socket.data = { apiKey, principal: p };
        next();
      },
      (err: unknown) => {
        o.logger.warn({ err: reason(err) }, 'cluster board: could not check an API key');
        next(refusal('unavailable', 'Credentials cannot be checked now; try again'));
      },
    );
  });

  nsp.on('connection', (socket: Socket) => {
    const p = (socket.data as { principal: BoardPrincipal }).principal;
    void socket.join([ROOM, keyRoom(p.apiKeyId)]);
    // The newcomer gets the whole cluster at once, not at the next tick.
    void view().then(
      (v) => socket.emit('cluster', v),
      () => last && socket.emit('cluster', last),
    );
  });

  async function view(): Promise<ClusterView> {
    last = await readClusterView(o.redis, keys, clock.now());
    return last;
  }

  // ── this node's board out, the cluster's view in ──
  let busy = false;
  async function tick(): Promise<void> {
    if (busy) return;
    busy = true;
    try {
      if (o.snapshot) {
        const board = o.snapshot();
        await publishNodeBoard(o.redis, keys, board, ttlMs);
        // Through the adapter: the clients of every node get this node's board as it is published.
        nsp.to(ROOM).emit('node', board);
      }
      // This node's own clients get the whole view (every node does the same for its clients).
      nsp.local.to(ROOM).emit('cluster', await view());
      ok();
    } catch (err) {
      fail('board', err);
    } finally {
      busy = false;
    }
  }

  // Another node published: its clients' view is refreshed by it; ours at our next tick — unless we publish
  // nothing ourselves, then the notify is what brings headless nodes' boards to this node's clients promptly.
  let pending: TimerHandle | undefined;
  await notify.subscribe(keys.notify, () => {
    if (o.snapshot || pending) return;
    pending = clock.setTimeout(() => {
      pending = undefined;
      void view().then(
        (v) => nsp.local.to(ROOM).emit('cluster', v),
        (err: unknown) => fail('board view', err),
      );
    }, 100);
  });
  await notify.subscribe(keys.revoked, (apiKeyId: string) => {
    const room = nsp.adapter.rooms.get(keyRoom(apiKeyId));
    if (room && room.size > 0) o.logger.info({ apiKeyId, sockets: room.size }, 'cluster board: API key revoked, disconnecting its sockets');
    for (const id of room ? [...room] : []) dropSocket(nsp.sockets.get(id), 'revoked');
  });

  function dropSocket(s: Socket | undefined, why: 'revoked' | 'forbidden'): void {
    if (!s) return;
    s.emit('session_ended', { reason: why });
    s.disconnect(true);
  }

  // Keys re-checked: a revocation nobody published (another tool, a direct UPDATE) still ends the socket.
  let checking = false;
  async function recheck(): Promise<void> {
    if (checking) return;
    checking = true;
    try {
      const byKey = new Map<string, Socket[]>();
      for (const s of nsp.sockets.values()) {
        const k = (s.data as { apiKey: string }).apiKey;
        byKey.set(k, [...(byKey.get(k) ?? []), s]);
      }
      for (const [k, sockets] of byKey) {
        let p: BoardPrincipal | null;
        try {
          p = await o.authenticate(k);
        } catch (err) {
          // The store cannot tell now: keep the socket (a blip must not empty every board), try again next time.
          o.logger.warn({ err: reason(err) }, 'cluster board: could not re-check an API key');
          continue;
        }
        if (p === null) for (const s of sockets) dropSocket(s, 'revoked');
        else if (!PRIVILEGED.has(p.role)) for (const s of sockets) dropSocket(s, 'forbidden');
      }
    } finally {
      checking = false;
    }
  }

  const ticker = clock.setInterval(() => void tick(), o.publishMs ?? 1000);
  const rechecker = clock.setInterval(() => void recheck(), o.recheckMs ?? 5000);
  void tick();

  let closing: Promise<void> | undefined;
  return {
    io,
    namespace: nsp,
    view,
    lastView: () => last,
    status: () => ({ state, lastError, sockets: nsp.sockets.size, nodesUp: last?.totals.nodesUp ?? 0, nodesDown: last?.totals.nodesDown ?? 0 }),
    // Once: a node closes its board before its HTTP server (upgraded sockets would hold that server open), and the
    // services' close() closes it again.
    close: () => (closing ??= (async () => {
      clock.clearInterval(ticker);
      clock.clearInterval(rechecker);
      clock.clearTimeout(pending);
      // A node leaving on purpose shows down at once instead of when its board expires.
      if (o.snapshot) await within(o.redis.del(keys.node(o.nodeId)), 1000).catch(() => undefined);
      nsp.local.disconnectSockets(true);
      // io.close() would also close the HTTP server, which is the node's (its /health goes on until the node stops).
      (io as unknown as { httpServer?: unknown }).httpServer = undefined;
      await io.close();
      for (const c of [pub, sub, notify]) {
        await within(c.close(), 1000).catch(() => undefined);
        try {
          c.destroy();
        } catch {
          // Already closed.
        }
      }
    })()),
  };
}

function refusal(code: string, message: string): Error {
  return Object.assign(new Error(message), { data: { code } });
}
