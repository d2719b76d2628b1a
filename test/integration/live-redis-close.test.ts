/**
 * The live feed's Redis adapter closed while Redis is away (a SIGTERM just after Redis was lost or restarted): the
 * Socket.IO adapter's close() sends UNSUBSCRIBE/PUNSUBSCRIBE without awaiting them; they wait in node-redis's offline
 * queue, and cutting the connections (our bounded close) rejects them. Unhandled, such a rejection ended the product
 * with exit 1 instead of 0 (seen in the fault suite with a 1 s shutdown grace). Real Redis, real Socket.IO server.
 */
import { Server } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useRedisAdapter } from '../../api/live/redis.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';

describe('live feed: the Redis adapter closed while Redis is away', () => {
  let redis: PrivateRedis;
  beforeAll(async () => {
    redis = await startPrivateRedis();
  }, 30_000);
  afterAll(() => redis?.close());

  it('leaves no unhandled rejection behind: the unsubscribes it cuts are lost, not fatal', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    // Vitest reports an unhandled rejection as an error of the run; counting them here names this test's own.
    process.on('unhandledRejection', onUnhandled);
    try {
      const io = new Server();
      const handle = await useRedisAdapter(io, redis.url, 5000, 'live-redis-close');
      expect(await handle.ping()).toBe(true);
      await redis.stop();
      // As the live feed closes: the adapter first (its unsubscribes queue while Redis is away), then the clients.
      await Promise.resolve(io.of('/').adapter.close()).catch(() => {});
      await handle.close();
      // Rejections surface on the next turns of the loop.
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      expect(unhandled.map((r) => (r instanceof Error ? `${r.name}: ${r.message}` : String(r)))).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await redis.start();
    }
  }, 30_000);
});
