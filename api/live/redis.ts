import type { createClient } from 'redis';
import type { Server } from 'socket.io';

/** How long startup waits for Redis before failing (node-redis would otherwise retry forever, hanging startup). */
export const REDIS_CONNECT_TIMEOUT_MS = 5000;

/** How long a health PING may take before Redis counts as down. */
export const REDIS_PING_TIMEOUT_MS = 1000;

/** How long closing the adapter waits for queued commands before cutting the connections. */
export const REDIS_CLOSE_TIMEOUT_MS = 1000;

export interface RedisAdapterHandle {
  /** True when Redis answers PING on the adapter's publishing connection within `timeoutMs`. */
  ping(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Puts a Socket.IO server on the Redis adapter (node-redis pub/sub pair) so a broadcast on any API node reaches
 * the clients of every node: several nodes behind a load balancer serve one board. `key` prefixes the adapter's
 * channels: API nodes of one call center share it, another center (or test run) on the same Redis uses its own and
 * never receives these broadcasts. Returns the closer and a PING probe for /health.
 */
export async function useRedisAdapter(io: Server, redisUrl: string, timeoutMs = REDIS_CONNECT_TIMEOUT_MS, key = 'socket.io'): Promise<RedisAdapterHandle> {
  // Loaded at first use (node-redis is several hundred modules): a product without REDIS_URL never needs them.
  const [{ createAdapter }, { createClient }] = await Promise.all([import('@socket.io/redis-adapter'), import('redis')]);
  const pub = createClient({ url: redisUrl });
  const sub = pub.duplicate();
  // node-redis emits 'error' on connection trouble and throws if nobody listens; the clients reconnect themselves.
  pub.on('error', () => {});
  sub.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    // A wall-clock timer on purpose: this bounds real socket I/O at startup, not engine time.
    await Promise.race([
      Promise.all([pub.connect(), sub.connect()]),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`REDIS_URL: no connection within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch (err) {
    pub.destroy();
    sub.destroy();
    throw err;
  } finally {
    clearTimeout(timer);
  }
  io.adapter(createAdapter(lossyPublisher(pub), lossySubscriber(sub), { key }));
  return {
    ping: (ms = REDIS_PING_TIMEOUT_MS) => pingWithin(() => pub.ping(), ms),
    close: async () => {
      // A graceful close waits for queued commands, which never drain while Redis is down: bounded, then cut.
      await pingWithin(() => Promise.allSettled([pub.close(), sub.close()]), REDIS_CLOSE_TIMEOUT_MS);
      for (const c of [pub, sub]) {
        try {
          c.destroy();
        } catch {
          // Already closed.
        }
      }
    },
  };
}

type Client = ReturnType<typeof createClient>;

/** The adapter's publishing calls, sent without awaiting (./lossyPublisher). */
const PUBLISHING = ['publish'] as const;

/**
 * The adapter's (un)subscribing calls on its subscriber connection, sent without awaiting: at start, and in its
 * close() (UNSUBSCRIBE, PUNSUBSCRIBE). Both spellings node-redis offers, since the adapter's versions use either.
 */
const SUBSCRIBING = ['subscribe', 'unsubscribe', 'pSubscribe', 'pUnsubscribe', 'psubscribe', 'punsubscribe', 'sSubscribe', 'sUnsubscribe', 'SUBSCRIBE', 'UNSUBSCRIBE', 'PSUBSCRIBE', 'PUNSUBSCRIBE', 'SSUBSCRIBE', 'SUNSUBSCRIBE'] as const;

/**
 * The client with `methods` made lossy: their promises never reject (a failure resolves `lost`). The Socket.IO
 * adapter calls them without awaiting, so a failure — Redis killed with the command in flight, or the command
 * queued while Redis is away and cut when the process closes its connections — would be an unhandled rejection,
 * which ends a Node process (a SIGTERM then exited 1 instead of 0). The live board is best-effort: a broadcast lost
 * is repaired by the next snapshot, node-redis subscribes again by itself on reconnecting, and an unsubscribe cut at
 * shutdown no longer matters; /health's Redis PING is what reports an outage.
 */
function lossy(client: Client, methods: readonly string[], lost: unknown): Client {
  const names = new Set(methods);
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const fn = (value as (...a: unknown[]) => unknown).bind(target);
      if (typeof prop !== 'string' || !names.has(prop)) return fn;
      return (...args: unknown[]) => {
        const r = fn(...args);
        return r instanceof Promise ? r.catch(() => lost) : r;
      };
    },
  });
}

/** The publishing connection as the adapter gets it: a failed publish is a lost broadcast (0 receivers). */
function lossyPublisher(pub: Client): Client {
  return lossy(pub, PUBLISHING, 0);
}

/** The subscribing connection as the adapter gets it: a failed (un)subscribe is dropped, never fatal. */
function lossySubscriber(sub: Client): Client {
  return lossy(sub, SUBSCRIBING, undefined);
}

/** Runs a PING (any promise) and answers whether it succeeded within `ms`; never throws. */
export async function pingWithin(ping: () => Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    // Wall clock on purpose: this bounds socket I/O.
    return await Promise.race([
      ping().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A one-off PING to `redisUrl` on a short-lived client (for a node without the live feed's connection): connects,
 * pings and closes within `timeoutMs` overall.
 */
export async function pingRedisUrl(redisUrl: string, timeoutMs = REDIS_PING_TIMEOUT_MS): Promise<boolean> {
  const { createClient } = await import('redis');
  const client = createClient({ url: redisUrl, socket: { connectTimeout: timeoutMs, reconnectStrategy: false } });
  client.on('error', () => {});
  try {
    return await pingWithin(async () => {
      await client.connect();
      await client.ping();
    }, timeoutMs);
  } finally {
    try {
      client.destroy();
    } catch {
      // Never connected: nothing to close.
    }
  }
}
