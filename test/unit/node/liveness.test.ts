/**
 * NodeLiveness (app/node) with a virtual clock and an in-memory cluster table: it heartbeats every beat, renews
 * its leases every third of a lease, and reaps only after its own heartbeats have reached the database for a full
 * TTL — after a database outage every node's heartbeat is old, and the first node back must not reap the others.
 */
import { describe, expect, it } from 'vitest';
import { NodeLiveness } from '../../../app/node/liveness.js';
import { VirtualClock } from '../../../engine/clock/index.js';
import { silentLogger } from '../../../engine/log/index.js';

function rig() {
  const clock = new VirtualClock(0);
  const calls = { heartbeat: 0, renew: 0, reap: 0 };
  let down = false;
  const fail = () => {
    if (down) throw Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
  };
  const live = new NodeLiveness({
    nodeId: 'n1',
    cluster: {
      heartbeat: async () => (fail(), calls.heartbeat++, true),
      reapDead: async () => (fail(), calls.reap++, []),
      list: async () => (fail(), []),
    },
    hopper: { renewLeases: async () => (fail(), calls.renew++, 0) },
    figures: () => ({ calls: 0, agents: 0 }),
    clock,
    logger: silentLogger,
    heartbeatMs: 1000,
    ttlMs: 5000,
    leaseMs: 60_000,
    onReaped: () => undefined,
  });
  const beatAt = async (t: number) => {
    clock.advanceTo(t);
    await live.beat();
  };
  return { live, calls, beatAt, setDown: (v: boolean) => (down = v) };
}

describe('NodeLiveness', () => {
  it('heartbeats, renews leases every third of a lease, and reaps only after a TTL of its own heartbeats', async () => {
    const r = rig();
    for (let t = 0; t < 5000; t += 1000) await r.beatAt(t);
    expect(r.calls).toEqual({ heartbeat: 5, renew: 1, reap: 0 });
    await r.beatAt(5000);
    expect(r.calls.reap).toBe(1);
    expect(r.live.cluster().dbOk).toBe(true);

    // The database goes away for 10 s, then comes back: no reaping for a TTL after the first beat that gets through.
    r.setDown(true);
    for (let t = 6000; t < 16_000; t += 1000) await r.beatAt(t);
    expect(r.live.cluster()).toMatchObject({ dbOk: false, lastError: expect.stringMatching(/ECONNREFUSED/) });
    r.setDown(false);
    const reapsBefore = r.calls.reap;
    for (let t = 16_000; t < 21_000; t += 1000) await r.beatAt(t);
    expect(r.calls.reap).toBe(reapsBefore);
    await r.beatAt(21_000);
    expect(r.calls.reap).toBe(reapsBefore + 1);
    expect(r.calls.renew).toBeGreaterThan(1);
  });
});
