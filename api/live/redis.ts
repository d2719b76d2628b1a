import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Server } from 'socket.io';

/** How long startup waits for Redis before failing (node-redis would otherwise retry forever, hanging startup). */
export const REDIS_CONNECT_TIMEOUT_MS = 5000;

/**
 * Puts a Socket.IO server on the Redis adapter (node-redis pub/sub pair) so a broadcast on any API node reaches
 * the clients of every node: several nodes behind a load balancer serve one board. Returns the closer.
 */
export async function useRedisAdapter(io: Server, redisUrl: string, timeoutMs = REDIS_CONNECT_TIMEOUT_MS): Promise<() => Promise<void>> {
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
  io.adapter(createAdapter(pub, sub));
  return async () => {
    await Promise.allSettled([pub.close(), sub.close()]);
  };
}
