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
  io.adapter(createAdapter(lossyPublisher(pub), sub, { key }));
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

/**
 * The adapter publishes every broadcast without awaiting it, so a publish that fails — Redis killed with it in
 * flight, or the client closed at shutdown while the board still ticks — would be an unhandled rejection, which
 * ends a Node process. The live board is best-effort: such a broadcast is lost (the next snapshot repairs the
 * boards) and the process stays up; /health's Redis PING is what reports the outage.
 */
function lossyPublisher(pub: Client): Client {
  const publish = pub.publish.bind(pub);
  return new Proxy(pub, {
    get(target, prop, receiver) {
      if (prop === 'publish') return (...args: Parameters<Client['publish']>) => publish(...args).catch(() => 0);
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
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
