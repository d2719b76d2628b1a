/**
 * The abandon governor across engine nodes (#18), end to end: two engines in one process, each on its own embedded
 * PBX (real ARI sockets), one campaign, one real Redis (a private redis-server, so it can be killed), one virtual
 * clock. Node A dials the campaign without pacing (fixed: ten calls in flight for one agent), so nearly every
 * answered person is dropped; node B dials it predictively and never drops (one call in flight for three
 * agents). B's governor stops predictive because of A's drops — its own counts alone would let it go on —, a Redis
 * outage degrades B to its own counts without throwing, and after Redis is back the counts A made meanwhile are
 * written and B decides on the campaign's figures again.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { connectAri } from '../../engine/ari/index.js';
import { defaultCallPolicy } from '../../engine/calls/index.js';
import { systemClock, VirtualClock } from '../../engine/clock/index.js';
import { ClusterAbandon, clusterRedisClient, SharedAbandonCounters, type RedisClient } from '../../engine/cluster/index.js';
import type { DomainEvent } from '../../engine/events/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { governorCheck, defaultGovernorConfig, type GovernorState } from '../../engine/pacing/abandon-governor.js';
import { predictivePacer, type PredictiveState } from '../../engine/pacing/predictive.js';
import type { Pacer } from '../../engine/pacing/index.js';
import { Engine, MemoryLeadSource, type CampaignInput } from '../../engine/shell/index.js';
import { startSimulator, type Simulator } from '../../engine/sim/index.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';
import { scriptedAmdSource } from '../support/scripted-amd.js';
import { whileRunning } from '../support/virtual-drive.js';

const MIN = 60_000;
const clock = new VirtualClock(Date.UTC(2026, 0, 5, 15, 0, 30));
const prefix = `t-${randomBytes(3).toString('hex')}`;
const cleanup: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const f of cleanup.reverse()) await f().catch(() => undefined);
});

/**
 * Virtual time in 20 ms steps until `done`, within a virtual budget and a wall-clock one (Redis reconnects and
 * sockets run on the wall clock, not on virtual time).
 */
async function driveUntil(done: () => boolean, maxVirtualMs: number, maxWallMs = 90_000, wallPaced = false): Promise<boolean> {
  const end = clock.now() + maxVirtualMs;
  const wallEnd = Date.now() + maxWallMs;
  while (!done()) {
    if (clock.now() >= end || Date.now() > wallEnd) return false;
    clock.advance(20);
    // Waiting for something on the wall clock (node-redis' reconnect backoff): at least 1 ms per step, so the
    // virtual budget cannot run out before the wall-clock event had its chance on a fast, idle machine.
    if (wallPaced) await new Promise<void>((r) => setTimeout(r, 1));
    await new Promise<void>((r) => setImmediate(r));
    await new Promise<void>((r) => setImmediate(r));
  }
  return true;
}

interface Node {
  engine: Engine;
  sim: Simulator;
  port: ClusterAbandon;
  redis: RedisClient;
  events: DomainEvent[];
}

async function startNode(name: string, redisUrl: string, sink: Socket, campaign: Omit<CampaignInput, 'settings' | 'leads'>, agents: number, leads: number): Promise<Node> {
  const sim = await startSimulator({ clock, seed: name === 'A' ? 11 : 12, mediaMode: 'accelerated' });
  const redis = clusterRedisClient(redisUrl);
  await redis.connect();
  const port = new ClusterAbandon({ redis, nodeId: name, clock, logger: silentLogger, prefix });
  const gateway = await connectAri({ url: sim.url, username: sim.username, password: sim.password, app: 'centralita', clock: systemClock, initialDelayMs: 20, maxDelayMs: 200 });
  const engine = new Engine({
    gateway,
    nodeId: name.toLowerCase(),
    clock,
    logger: silentLogger,
    amd: scriptedAmdSource({ clock, host: '127.0.0.1', port: (sink.address() as AddressInfo).port }),
    agents: Array.from({ length: agents }, (_, i) => ({ id: `${name}${i}`, kind: 'human' as const, endpoint: `PJSIP/${name === 'A' ? 1001 + i : 2001 + i}`, maxConcurrent: 1, wrapUpMs: 1000 })),
    campaigns: [
      {
        settings: { id: 'camp', policy: { ...defaultCallPolicy, ringTimeoutSec: 30 }, endpointFor: (p) => `PJSIP/${p}@trunk` },
        // Every callee is a person (the simulator's human range: answers after 1–8 s, talks 20–120 s).
        leads: new MemoryLeadSource(Array.from({ length: leads }, (_, i) => ({ id: `${name}-${i}`, phone: `+1555011${String(i).padStart(4, '0')}` }))),
        ...campaign,
      },
    ],
    sharedAbandon: port,
    pacingTickMs: 1000,
  });
  const events: DomainEvent[] = [];
  engine.events.on('*', (e) => events.push(e));
  const node = { engine, sim, port, redis, events };
  cleanup.push(async () => {
    await whileRunning(clock, engine.stop({ hangup: true, timeoutMs: 30_000 }));
    await port.close();
    redis.destroy();
    await sim.close();
  });
  await whileRunning(clock, engine.start());
  return node;
}

const drops = (n: Node) => n.events.filter((e) => e.type === 'call.dropped').length;
const modeOf = (n: Node) => n.engine.campaign('camp')?.pacing?.mode ?? '';
const governorOf = (n: Node) => (n.engine.campaign('camp')!.pacerState as PredictiveState).governor;
/** What B's governor would say on its own counts alone (a copy without the other nodes'). */
const ownVerdict = (g: GovernorState) => governorCheck({ ...structuredClone(g), others: null }, clock.now(), defaultGovernorConfig);

describe('abandon governor across nodes (real Redis, two engines on their own PBX)', () => {
  let redisServer: PrivateRedis;
  let a: Node;
  let b: Node;

  it("node B stops predictive because of node A's drops; its own counts alone would not", async () => {
    redisServer = await startPrivateRedis();
    cleanup.push(() => redisServer.close());
    const sink = createSocket('udp4');
    sink.on('message', () => {});
    await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
    cleanup.push(async () => sink.close());

    // B learns quickly (it needs one human to leave its learning fallback), and never has more calls than agents.
    const bPacer = predictivePacer({ minResults: 0, minAgents: 1 }, 'predictive') as Pacer<unknown>;
    b = await startNode('B', redisServer.url, sink, { dialMode: 'predictive', maxConcurrent: 1, pacer: bPacer }, 3, 200);
    a = await startNode('A', redisServer.url, sink, { dialMode: 'fixed', maxConcurrent: 10, state: 'paused' }, 1, 5000);

    expect(await driveUntil(() => modeOf(b) === 'predictive', 3 * MIN), `B's mode: ${modeOf(b)}`).toBe(true);
    await a.engine.setCampaignState('camp', 'running');
    expect(await driveUntil(() => modeOf(b).includes('the hour is at its limit'), 8 * MIN), `B's mode: ${modeOf(b)}; A's drops ${drops(a)}`).toBe(true);

    // The campaign's figures did it: B dropped nobody, and on its own counts it would dial predictively.
    expect(drops(b), "B's own drops").toBe(0);
    expect(drops(a)).toBeGreaterThan(50);
    expect(ownVerdict(governorOf(b)), "B's verdict on its own counts").toMatchObject({ allow: true });
    const others = governorOf(b).others!;
    expect(others.hour.drops).toBeGreaterThan(50);
    // One other node (A) dials the campaign now: B keeps a drop in reserve for A's calls in flight too.
    expect(others.nodes).toBe(1);
    expect(b.port.status()).toMatchObject({ state: 'ok', lastError: null });
    // What B was told is what A recorded: every drop A saw is in Redis under A's member, none under B's.
    // (Virtual time stands still here, but ARI events already on the wire may still land: a range, not a race.)
    const seen = drops(a);
    for (let i = 0; i < 50 && a.port.status().pendingRecords > 0; i++) await a.port.refresh();
    const counters = new SharedAbandonCounters(b.redis, { prefix });
    const t = await counters.totals('camp', clock.now() - 60 * MIN, clock.now() + MIN, { exclude: b.port.member });
    expect(t.drops).toBeGreaterThanOrEqual(seen);
    expect(t.drops).toBeLessThanOrEqual(drops(a));
    expect((await counters.totals('camp', clock.now() - 60 * MIN, clock.now() + MIN, { exclude: a.port.member })).drops).toBe(0);
  }, 300_000);

  it('a Redis outage degrades each node to its own counts without throwing; it recovers by itself', async () => {
    await redisServer.stop();
    expect(await driveUntil(() => b.port.status().state === 'degraded' && a.port.status().state === 'degraded', MIN)).toBe(true);
    expect(b.port.status().lastError).toBeTruthy();
    // B decides on its own counts: predictive again; A's drops wait to be written.
    const dropsBefore = drops(a);
    expect(await driveUntil(() => modeOf(b) === 'predictive' && drops(a) > dropsBefore + 5, 2 * MIN), `B's mode: ${modeOf(b)}`).toBe(true);
    expect(governorOf(b).others).toBeNull();
    expect(a.port.status().pendingRecords).toBeGreaterThan(0);
    expect(b.engine.snapshot().state).toBe('running');
    expect(a.engine.snapshot().state).toBe('running');

    await redisServer.start();
    expect(await driveUntil(() => a.port.status().state === 'ok' && a.port.status().pendingRecords === 0 && b.port.status().state === 'ok', 30 * MIN, 90_000, true)).toBe(true);
    // The restarted Redis lost what it held; the counts A made during the outage were written when it came back,
    // and B reads the campaign's counts again.
    const counters = new SharedAbandonCounters(b.redis, { prefix });
    const during = await counters.totals('camp', clock.now() - 60 * MIN, clock.now() + MIN, { exclude: b.port.member });
    expect(during.drops).toBeGreaterThan(5);
    expect(await driveUntil(() => governorOf(b).others !== null && governorOf(b).others !== undefined, MIN)).toBe(true);
    expect(a.port.status().lostRecords).toBe(0);
  }, 300_000);
});
