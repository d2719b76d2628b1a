/**
 * The Redis part of a node's /health (app/node/redis-health.ts): without REDIS_URL the node says so and is fine;
 * with it, the shared counters' state and the other nodes' counts last read per campaign (what the governor is
 * fed); Redis away (disconnected, counters or board degraded) makes it not ok, so /health answers 503.
 */
import { describe, expect, it } from 'vitest';
import { redisHealth, type RedisHealthSource } from '../../../app/node/redis-health.js';
import type { ClusterHealth } from '../../../engine/cluster/index.js';

const healthy: ClusterHealth = {
  redis: { url: 'redis://u:***@r:6379', connected: true },
  abandon: { state: 'ok', since: 0, lastError: null, pendingRecords: 0, lostRecords: 0, campaigns: 1, lastReadAt: 5 },
  commands: { subscribed: true },
  hangups: { subscribed: true },
  board: { state: 'ok', lastError: null, sockets: 1, nodesUp: 2, nodesDown: 0 },
};
const others = { hour: { answers: 7, drops: 1 }, hourSinceMs: 0, today: { answers: 9, drops: 1 }, month: { answers: 9, drops: 1 }, nodes: 1 };
const source = (h: ClusterHealth): RedisHealthSource => ({ health: () => h, sharedAbandon: { lastRead: (id) => (id === 'c1' ? { others, readAt: 5 } : null) } });

describe('redisHealth', () => {
  it('without Redis: configured false, nothing shared, ok', () => {
    expect(redisHealth(null, ['c1'])).toEqual({ ok: true, redis: { configured: false }, abandon: null, board: null });
  });

  it("with Redis: its state, and the other nodes' counts the governor was fed", () => {
    const r = redisHealth(source(healthy), ['c1', 'c2']);
    expect(r.ok).toBe(true);
    expect(r.redis).toEqual({ configured: true, ok: true, url: 'redis://u:***@r:6379', connected: true, commandsSubscribed: true, hangupsSubscribed: true });
    expect(r.abandon).toMatchObject({ state: 'ok', others: { c1: { hour: { answers: 7, drops: 1 }, today: { answers: 9, drops: 1 }, readAt: 5 } } });
    expect(Object.keys(r.abandon!.others)).toEqual(['c1']);
    expect(r.board).toMatchObject({ nodesUp: 2 });
  });

  it('Redis away: not ok (the node answers 503 but goes on dialling on its own counts)', () => {
    expect(redisHealth(source({ ...healthy, redis: { ...healthy.redis, connected: false } }), []).ok).toBe(false);
    expect(redisHealth(source({ ...healthy, abandon: { ...healthy.abandon, state: 'degraded', lastError: 'ECONNREFUSED' } }), []).redis).toMatchObject({ ok: false });
    expect(redisHealth(source({ ...healthy, board: { ...healthy.board!, state: 'degraded' } }), []).ok).toBe(false);
  });
});
