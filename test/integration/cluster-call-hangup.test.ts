/**
 * The console's hang-up across nodes over Redis pub/sub (engine/cluster/call-hangup.ts, #18), on the real Redis
 * (127.0.0.1:6379 or TEST_REDIS_URL, a prefix of this run's own) and on a private redis-server for the outage:
 * a request reaches only the node it is addressed to and its answer comes back to the asker (`hung-up`,
 * `not-live`); a node whose engine throws answers at once with the reason; a node nobody serves is reported at once,
 * one that hears but never answers after the bound; malformed requests and replies are dropped; with Redis gone the
 * asker says so within the bound instead of hanging.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callHangupAsker, callHangupChannel, clusterRedisClient, serveCallHangups, type RedisClient } from '../../engine/cluster/index.js';
import { startPrivateRedis } from '../support/redis-server.js';
import { until } from '../support/until.js';
import { recordingLogger } from '../support/recording-logger.js';

const URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test-hangup-${process.pid}-${randomBytes(4).toString('hex')}`;
let redis: RedisClient;

beforeAll(async () => {
  redis = clusterRedisClient(URL);
  await redis.connect();
});
afterAll(async () => {
  redis.destroy();
});

describe('call hang-up across nodes over Redis', () => {
  it('reaches only the addressed node, answers hung-up / not-live / the failure, and reports a silent or absent node', async () => {
    const { logger, warnings } = recordingLogger();
    const heard: Record<string, string[]> = { a: [], b: [] };
    // Node A holds call-1; node B holds call-1 too (it must never be asked about A's calls); node C's engine throws.
    const nodeA = await serveCallHangups(redis, 'node-a', (id) => (heard.a!.push(id), id === 'call-1'), { prefix, logger });
    const nodeB = await serveCallHangups(redis, 'node-b', async (id) => (heard.b!.push(id), id === 'call-1'), { prefix, logger });
    const nodeC = await serveCallHangups(redis, 'node-c', () => {
      throw new Error('ARI refused the hang-up');
    }, { prefix, logger });
    // Node D hears its channel but never answers (a stalled node): only the bound ends the wait.
    const silent = redis.duplicate();
    await silent.connect();
    await silent.subscribe(callHangupChannel('node-d', prefix), () => {});
    const asker = await callHangupAsker(redis, { prefix, from: 'api-1', timeoutMs: 400, logger });
    try {
      expect(await asker.hangup('node-a', 'call-1')).toEqual({ outcome: 'hung-up', node: 'node-a' });
      expect(await asker.hangup('node-a', 'call-9')).toEqual({ outcome: 'not-live', node: 'node-a' });
      expect(heard.a).toEqual(['call-1', 'call-9']);
      expect(heard.b).toEqual([]);
      // Concurrent requests each get their own answer.
      const both = await Promise.all([asker.hangup('node-b', 'call-1'), asker.hangup('node-b', 'call-2'), asker.hangup('node-a', 'call-1')]);
      expect(both.map((o) => o.outcome)).toEqual(['hung-up', 'not-live', 'hung-up']);
      expect(heard.b!.sort()).toEqual(['call-1', 'call-2']);

      const failed = await asker.hangup('node-c', 'call-1');
      expect(failed).toMatchObject({ outcome: 'no-answer', node: 'node-c' });
      expect(failed.outcome === 'no-answer' && failed.reason).toMatch(/node node-c could not hang up: ARI refused the hang-up/);

      let t = Date.now();
      const absent = await asker.hangup('node-x', 'call-1');
      expect(Date.now() - t).toBeLessThan(300); // nobody listens: known at the publish, no wait
      expect(absent.outcome === 'no-answer' && absent.reason).toMatch(/node node-x is not listening/);

      t = Date.now();
      const stalled = await asker.hangup('node-d', 'call-1');
      const waited = Date.now() - t;
      expect(stalled.outcome === 'no-answer' && stalled.reason).toMatch(/node node-d did not answer within 400 ms/);
      expect(waited).toBeGreaterThanOrEqual(390);
      expect(waited).toBeLessThan(2000);

      // Garbage on a node's channel, and a request whose reply channel is not one of this center's: dropped, not acted on.
      await redis.publish(callHangupChannel('node-a', prefix), 'not json');
      await redis.publish(
        callHangupChannel('node-a', prefix),
        JSON.stringify({ id: 'x1', callId: 'call-1', node: 'node-a', replyTo: 'elsewhere', at: 1, from: 'intruder' }),
      );
      await until(() => (warnings.filter((w) => w.msg === 'ignored a malformed call hang-up request').length === 2 ? true : undefined), 5000, 20);
      expect(heard.a).toEqual(['call-1', 'call-9', 'call-1']);
    } finally {
      await Promise.all([asker.close(), nodeA.close(), nodeB.close(), nodeC.close()]);
      silent.destroy();
    }
    // Closed subscriptions are gone from Redis.
    expect(await redis.publish(callHangupChannel('node-a', prefix), '{}')).toBe(0);
  });

  it('with Redis gone the asker answers no-answer naming Redis within the bound, and works again when it is back', async () => {
    const { logger } = recordingLogger();
    const pr = await startPrivateRedis();
    const client = clusterRedisClient(pr.url);
    await client.connect();
    const node = await serveCallHangups(client, 'node-a', () => true, { logger });
    const asker = await callHangupAsker(client, { from: 'api-1', timeoutMs: 500, logger });
    try {
      expect(await asker.hangup('node-a', 'call-1')).toEqual({ outcome: 'hung-up', node: 'node-a' });
      await pr.stop();
      const t = Date.now();
      const away = await asker.hangup('node-a', 'call-1');
      expect(Date.now() - t).toBeLessThan(1500);
      expect(away.outcome === 'no-answer' && away.reason).toMatch(/Redis/);
      await pr.start();
      // The clients reconnect and resubscribe by themselves.
      await until(async () => ((await asker.hangup('node-a', 'call-1')).outcome === 'hung-up' ? true : undefined), 15_000, 200);
    } finally {
      await Promise.all([asker.close(), node.close()]);
      client.destroy();
      await pr.close();
    }
  }, 30_000);
});
