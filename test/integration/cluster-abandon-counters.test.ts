/**
 * The abandon counts shared across engine nodes in Redis (engine/cluster), on the real Redis (127.0.0.1:6379 or
 * TEST_REDIS_URL): two nodes (two connections) each record what they see and each reads the campaign's totals
 * over both; windows cut at the minute; buckets carry expiries; campaigns do not mix. Virtual time throughout.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SharedAbandonCounters, type RedisClient } from '../../engine/cluster/index.js';

const URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test-${process.pid}-${randomBytes(4).toString('hex')}`;
const T0 = Date.UTC(2026, 2, 3, 15, 0, 0); // on the hour
const MIN = 60_000;
const HOUR = 60 * MIN;
let a: RedisClient;
let b: RedisClient;

beforeAll(async () => {
  a = createClient({ url: URL });
  b = createClient({ url: URL });
  await Promise.all([a.connect(), b.connect()]);
});
afterAll(async () => {
  const keys = await a.keys(`${prefix}:*`);
  if (keys.length > 0) await a.del(keys);
  await Promise.all([a.close(), b.close()]);
});

describe('SharedAbandonCounters', () => {
  it("two nodes see each other's drops and live answers, per campaign and window", async () => {
    const nodeA = new SharedAbandonCounters(a, { prefix, member: 'A' });
    const nodeB = new SharedAbandonCounters(b, { prefix, member: 'B' });
    // Node A: 40 live answers, 1 drop; node B: 60 live, 2 drops — over the first hour and a half.
    for (let i = 0; i < 40; i++) await nodeA.record('camp', 'live', T0 + i * 2 * MIN);
    await nodeA.record('camp', 'drops', T0 + 10 * MIN);
    for (let i = 0; i < 60; i++) await nodeB.record('camp', 'live', T0 + i * 90_000);
    await nodeB.record('camp', 'drops', T0 + 30 * MIN + 5);
    await nodeB.record('camp', 'drops', T0 + 70 * MIN, 1);
    await nodeB.record('other', 'drops', T0 + 10 * MIN, 7);

    const hourA = await nodeA.totals('camp', T0, T0 + HOUR);
    const hourB = await nodeB.totals('camp', T0, T0 + HOUR);
    // live: A's 30 in the hour (every 2 min), B's 40 (every 90 s); drops: A's one, B's first.
    expect(hourA).toEqual({ live: 30 + 40, drops: 2 });
    expect(hourB).toEqual(hourA);
    // Across the hour boundary (minute edges + a whole hour bucket): everything.
    expect(await nodeA.totals('camp', T0 - 5 * MIN, T0 + 2 * HOUR + 3 * MIN)).toEqual({ live: 100, drops: 3 });
    // A window that starts mid-way: minute resolution.
    expect(await nodeB.totals('camp', T0 + 30 * MIN, T0 + 31 * MIN)).toEqual({ live: 2, drops: 1 }); // A's 16th and B's 21st answer are both at minute 30
    expect(await nodeB.totals('other', T0, T0 + HOUR)).toEqual({ live: 0, drops: 7 });
    expect(await nodeA.totals('nobody', T0, T0 + HOUR)).toEqual({ live: 0, drops: 0 });
    // Each node reads the other nodes' share without its own (the governor adds its own, weighted, itself).
    expect(await nodeA.totals('camp', T0, T0 + HOUR, { exclude: 'A' })).toEqual({ live: 40, drops: 1 });
    expect(await nodeB.totals('camp', T0, T0 + HOUR, { exclude: 'B' })).toEqual({ live: 30, drops: 1 });
    // A live answer an agent found was a machine comes off (n = −1); per minute for the hour window.
    await nodeA.record('camp', 'live', T0 + 2 * MIN, -1);
    const perMinute = await nodeB.minutes('camp', T0, T0 + 3 * MIN, { exclude: 'B' });
    // With the members that counted something (B's own excluded; A's minute 2 netted to 0 is not counted).
    expect(perMinute).toEqual([
      { at: T0, live: 1, drops: 0, members: ['A'] },
      { at: T0 + MIN, live: 0, drops: 0, members: [] },
      { at: T0 + 2 * MIN, live: 0, drops: 0, members: [] },
    ]);
  });

  it('every bucket has an expiry, so a campaign costs nothing once its days are over', async () => {
    const keys = await a.keys(`${prefix}:abandon:camp:*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const k of keys) {
      const ttl = await a.pTTL(k);
      expect(ttl, k).toBeGreaterThan(0);
      expect(ttl, k).toBeLessThanOrEqual(k.includes(':h:') ? 31 * 24 * HOUR : 3 * HOUR);
    }
  });
});
