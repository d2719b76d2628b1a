/**
 * claimNodeId (app/node/node-claim.ts) over an in-memory cluster_nodes row that follows PgClusterNodes.claim's rule
 * (taken unless `up` with a heartbeat fresher than the TTL from another instance, or forced): a holder whose
 * heartbeat moves is alive — refused within a poll or two, naming the id, its host and pid; a holder silent while
 * this start waits is taken once its heartbeat is older than the TTL; a holder on this host whose process is gone is
 * taken at once. And NodeLiveness, once its heartbeat finds the row another instance's, says `replaced`.
 */
import { describe, expect, it } from 'vitest';
import { claimNodeId, NodeIdTakenError } from '../../../app/node/node-claim.js';
import { NodeLiveness } from '../../../app/node/liveness.js';
import { systemClock } from '../../../engine/clock/index.js';
import { silentLogger } from '../../../engine/log/index.js';
import type { ClaimResult, NodeHolder, NodeInstance } from '../../../engine/store/pg/index.js';

const TTL = 400;
const me: NodeInstance = { instanceId: 'me', host: 'host-a', pid: 100 };

function row(holder: NodeHolder & { state: string }) {
  const r = { ...holder };
  let claims = 0;
  return {
    r,
    claims: () => claims,
    cluster: {
      claim: async (_id: string, _ari: string, at: number, who: NodeInstance, ttlMs: number, force = false): Promise<ClaimResult> => {
        claims++;
        const h: NodeHolder = { instanceId: r.instanceId, host: r.host, pid: r.pid, heartbeatAt: r.heartbeatAt, startedAt: r.startedAt };
        if (r.state === 'up' && r.instanceId !== who.instanceId && at - r.heartbeatAt < ttlMs && !force) return { claimed: false, holder: h };
        Object.assign(r, { state: 'up', instanceId: who.instanceId, host: who.host, pid: who.pid, heartbeatAt: at });
        return { claimed: true, previous: h.instanceId ? h : null };
      },
    },
  };
}

const other = (o: Partial<NodeHolder & { state: string }> = {}) => ({ state: 'up', instanceId: 'other', host: 'host-b', pid: 200, heartbeatAt: Date.now(), startedAt: 0, ...o });

describe('claimNodeId', () => {
  it('a holder that heartbeats: refused, naming the id and where it runs', async () => {
    const rig = row(other());
    const beating = setInterval(() => (rig.r.heartbeatAt = Date.now()), 50);
    try {
      const err = await claimNodeId({ cluster: rig.cluster, nodeId: 'n1', ariUrl: 'embedded', me, ttlMs: TTL, clock: systemClock, pollMs: 60 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(NodeIdTakenError);
      expect((err as Error).message).toMatch(/^NODE_ID n1 is already running \(host-b, pid 200, instance other;/);
      expect(rig.claims()).toBeLessThanOrEqual(3);
      expect(rig.r.instanceId).toBe('other');
    } finally {
      clearInterval(beating);
    }
  });

  it('a holder that falls silent while this start waits: taken once its heartbeat is older than the TTL', async () => {
    const rig = row(other({ heartbeatAt: Date.now() }));
    const began = Date.now();
    const out = await claimNodeId({ cluster: rig.cluster, nodeId: 'n1', ariUrl: 'embedded', me, ttlMs: TTL, clock: systemClock, pollMs: 50 });
    expect(Date.now() - began).toBeGreaterThanOrEqual(TTL - 60);
    expect(out.previous).toMatchObject({ instanceId: 'other', pid: 200 });
    expect(rig.r).toMatchObject({ instanceId: 'me', pid: 100 });
  });

  it('a holder on this host whose process is gone (kill -9, restarted at once): taken without waiting; one alive is not', async () => {
    const gone = row(other({ host: 'host-a', pid: 300 }));
    const out = await claimNodeId({ cluster: gone.cluster, nodeId: 'n1', ariUrl: 'embedded', me, ttlMs: 60_000, clock: systemClock, pollMs: 50, alive: () => false });
    expect(out.waitedMs).toBeLessThan(50);
    expect(gone.r.instanceId).toBe('me');

    const alive = row(other({ host: 'host-a', pid: 300 }));
    const beating = setInterval(() => (alive.r.heartbeatAt = Date.now()), 30);
    try {
      await expect(claimNodeId({ cluster: alive.cluster, nodeId: 'n1', ariUrl: 'embedded', me, ttlMs: 60_000, clock: systemClock, pollMs: 50, alive: () => true })).rejects.toThrow(NodeIdTakenError);
    } finally {
      clearInterval(beating);
    }
  });

  it('a row stopped, or none: taken at once', async () => {
    const rig = row(other({ state: 'stopped' }));
    expect(await claimNodeId({ cluster: rig.cluster, nodeId: 'n1', ariUrl: 'embedded', me, ttlMs: TTL, clock: systemClock })).toMatchObject({ previous: expect.anything() });
    expect(rig.claims()).toBe(1);
  });
});

describe('NodeLiveness after a take-over', () => {
  it('its heartbeat finds the row another instance\'s: lost() is `replaced` and onReaped(true)', async () => {
    let told: boolean | undefined;
    const live = new NodeLiveness({
      nodeId: 'n1',
      instanceId: 'me',
      cluster: {
        heartbeat: async () => false,
        reapDead: async () => [],
        list: async () => [{ id: 'n1', state: 'up', instanceId: 'other', host: 'host-b', pid: 200 }] as never,
      },
      hopper: { renewLeases: async () => 0 },
      figures: () => ({ calls: 0, agents: 0 }),
      clock: systemClock,
      logger: silentLogger,
      heartbeatMs: 1000,
      ttlMs: 5000,
      leaseMs: 60_000,
      onReaped: (replaced) => (told = replaced),
    });
    await live.beat();
    expect(live.lost()).toBe('replaced');
    expect(told).toBe(true);
  });
});
