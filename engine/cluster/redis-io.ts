import { createRequire } from 'node:module';
import type * as Redis from 'redis';
import type { RedisClient } from './abandon-counters.js';

/** How long one Redis operation of the cluster services may take before it counts as failed (wall clock). */
export const REDIS_OP_TIMEOUT_MS = 2000;

/**
 * A client for the cluster services: commands fail at once while disconnected (no offline queue, so a Redis outage
 * never piles up promises that settle minutes later), reconnects by itself with a short backoff, and its 'error'
 * events are swallowed (node-redis throws when nobody listens; the services report outages in their status).
 */
export function clusterRedisClient(url: string): RedisClient {
  // node-redis (several hundred modules, CommonJS) is required at the first client, not when the engine is imported:
  // most processes never talk to Redis. Synchronously, so that making a client stays synchronous.
  const { createClient } = createRequire(import.meta.url)('redis') as typeof Redis;
  const c = createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries: number) => Math.min(100 * (retries + 1), 2000) },
  });
  c.on('error', () => {});
  return c as RedisClient;
}

/** `p`, or a rejection after `ms` (wall clock on purpose: it bounds socket I/O, not engine time). */
export async function within<T>(p: Promise<T>, ms = REDIS_OP_TIMEOUT_MS, what = 'Redis'): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      p,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** A one-line reason. */
export function reason(err: unknown): string {
  const e = err as { message?: string; errors?: Array<{ message?: string }> };
  return e?.message || e?.errors?.map((x) => x.message).join('; ') || String(err);
}
