/**
 * The cluster board's Redis side without a Socket.IO server of its own (#18): publishes this node's board (key with
 * a short expiry, "seen" stamp, notify) and reads every node's back as a `ClusterView`, every `publishMs`. The
 * product (`npm start` on PostgreSQL) uses it to put its in-process node on the board and to hand the view to the
 * web app's live feed; `attachClusterBoard` (the nodes' own `/board`) reads and writes through the same two
 * functions, so both see the same keys.
 */
import { systemClock, type Clock, type TimerHandle } from '../clock/index.js';
import type { Logger } from '../log/index.js';
import type { RedisClient } from './abandon-counters.js';
import { clusterView, type ClusterView, type NodeBoard } from './board.js';
import { reason, within } from './redis-io.js';

export const boardKeys = (prefix = 'centralita') => ({
  node: (nodeId: string) => `${prefix}:board:node:${nodeId}`,
  seen: `${prefix}:board:seen`,
  notify: `${prefix}:board:notify`,
  revoked: `${prefix}:auth:apikey-revoked`,
});
export type BoardKeys = ReturnType<typeof boardKeys>;

/** One node's board to Redis: the key (expiring after `ttlMs`: then the node shows down), its seen stamp, a notify. */
export async function publishNodeBoard(redis: RedisClient, keys: BoardKeys, board: NodeBoard, ttlMs: number): Promise<void> {
  await within(
    redis
      .multi()
      .set(keys.node(board.nodeId), JSON.stringify(board), { PX: ttlMs })
      .hSet(keys.seen, board.nodeId, String(board.at))
      .publish(keys.notify, board.nodeId)
      .exec(),
    undefined,
    'Redis (board publish)',
  );
}

/** Every node that ever published: fresh boards up, expired ones down (with when they were last seen). */
export async function readClusterView(redis: RedisClient, keys: BoardKeys, at: number): Promise<ClusterView> {
  const seen = await within(redis.hGetAll(keys.seen), undefined, 'Redis (board view)');
  const ids = Object.keys(seen).sort();
  const raw = ids.length > 0 ? await within(redis.mGet(ids.map((id) => keys.node(id))), undefined, 'Redis (board view)') : [];
  const up: NodeBoard[] = [];
  const down: Array<{ nodeId: string; lastSeenAt: number }> = [];
  ids.forEach((id, i) => {
    const text = raw[i];
    const board = typeof text === 'string' ? parseBoard(text) : null;
    if (board) up.push(board);
    else down.push({ nodeId: id, lastSeenAt: Number(seen[id]) });
  });
  return clusterView(up, down, at);
}

function parseBoard(text: string): NodeBoard | null {
  try {
    const b = JSON.parse(text) as NodeBoard;
    return typeof b?.nodeId === 'string' && Array.isArray(b.agents) && Array.isArray(b.calls) && Array.isArray(b.campaigns) ? b : null;
  } catch {
    return null;
  }
}

export interface BoardPublisherOptions {
  redis: RedisClient;
  nodeId: string;
  /** This node's board; omitted: only the view is read (a process without an engine). */
  snapshot?: () => NodeBoard;
  logger: Logger;
  clock?: Clock;
  prefix?: string;
  /** Publish and view period (ms, default 1000). */
  publishMs?: number;
  /** A node's board expires this long after its last publish (ms, default 5000). */
  ttlMs?: number;
}

export interface BoardPublisher {
  /** The last view read (null before the first). */
  lastView(): ClusterView | null;
  /** Called with each new view (every period while Redis answers); returns the unsubscribe. */
  onView(listener: (view: ClusterView) => void): () => void;
  status(): { state: 'ok' | 'degraded'; lastError: string | null };
  /** Stops, and deletes this node's board so it shows down at once rather than when it expires. */
  close(): Promise<void>;
}

export function startBoardPublisher(o: BoardPublisherOptions): BoardPublisher {
  const clock = o.clock ?? systemClock;
  const keys = boardKeys(o.prefix);
  const ttlMs = o.ttlMs ?? 5000;
  const listeners = new Set<(v: ClusterView) => void>();
  let last: ClusterView | null = null;
  let state: 'ok' | 'degraded' = 'ok';
  let lastError: string | null = null;
  let busy = false;
  let closed = false;

  async function tick(): Promise<void> {
    if (busy || closed) return;
    busy = true;
    try {
      if (o.snapshot) await publishNodeBoard(o.redis, keys, o.snapshot(), ttlMs);
      const v = await readClusterView(o.redis, keys, clock.now());
      if (closed) return;
      last = v;
      if (state === 'degraded') o.logger.info('cluster board: Redis answers again');
      state = 'ok';
      lastError = null;
      for (const l of listeners) {
        try {
          l(v);
        } catch (err) {
          o.logger.warn({ err: reason(err) }, 'cluster board: a view listener failed');
        }
      }
    } catch (err) {
      // Redis away (or a snapshot that threw): the viewers keep the last view; the next tick tries again.
      lastError = `board: ${reason(err)}`;
      if (state === 'ok') o.logger.warn({ err: lastError }, 'cluster board: Redis unreachable; the board shows what it last knew until it answers');
      state = 'degraded';
    } finally {
      busy = false;
    }
  }

  const ticker: TimerHandle = clock.setInterval(() => void tick(), o.publishMs ?? 1000);
  void tick();
  let closing: Promise<void> | undefined;
  return {
    lastView: () => last,
    onView: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    status: () => ({ state, lastError }),
    close: () =>
      (closing ??= (async () => {
        closed = true;
        clock.clearInterval(ticker);
        listeners.clear();
        if (o.snapshot) {
          // A notify after the delete: viewers elsewhere that refresh on notify show this node down at once.
          await within(o.redis.multi().del(keys.node(o.nodeId)).publish(keys.notify, o.nodeId).exec(), 1000).catch(() => undefined);
        }
      })()),
  };
}
