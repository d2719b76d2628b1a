/**
 * The cluster board on the web app's live feed (#18): the `/cluster` namespace of api/live, fed by the product's
 * board (app/pg productClusterBoard) on a real Redis (127.0.0.1:6379 or TEST_REDIS_URL, a prefix of its own) with
 * a second node publishing beside it, the real API app and auth over a real SQLite file, real socket.io-client.
 * A supervisor's socket receives both nodes (Asterisk shown without credentials, counts summed), an agent's socket
 * is refused, a node that stops shows down at the next period, and a logout cuts the session's board socket at
 * once, as it cuts its main socket. Without the cluster the namespace does not exist and `hello` says so.
 * The publishers run on a virtual clock: each period is one `advance`, the Redis round trips are real.
 */
import { randomBytes } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attachLiveFeed, type ClusterBoard, type LiveFeed } from '../../api/live/index.js';
import { listen, type RunningServer } from '../../api/server.js';
import { productClusterBoard } from '../../app/pg/index.js';
import { clusterRedisClient, startBoardPublisher, type BoardPublisher, type BoardSource, type NodeBoard, type RedisClient } from '../../engine/cluster/index.js';
import { VirtualClock } from '../../engine/clock/index.js';
import { DomainEvents } from '../../engine/events/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { ADMIN_PASSWORD, harness, type Harness } from '../unit/api/harness.js';
import { until } from '../support/until.js';

const REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `web-cluster-${process.pid}-${randomBytes(3).toString('hex')}`;
const PERIOD = 1000;

let redis: RedisClient;
beforeAll(async () => {
  redis = clusterRedisClient(REDIS);
  await redis.connect();
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(keys);
  await redis.close();
});

let h: Harness | undefined;
let server: RunningServer | undefined;
let feed: LiveFeed | undefined;
const publishers: BoardPublisher[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.close();
  await feed?.close();
  await server?.close();
  for (const p of publishers.splice(0)) await p.close();
  h?.close();
  h = server = feed = undefined;
});

/** An engine's board source with fixed agents and calls. */
function engineWith(agents: Array<[string, string]>, calls: Array<[string, string]>): BoardSource {
  return {
    snapshot: () => ({
      agents: agents.map(([id, status]) => ({ id, status, pauseReason: null, calls: [] })),
      calls: calls.map(([id, phase]) => ({ id, phase, agentId: null })),
      campaigns: [],
    }),
    campaignObservation: () => null,
  };
}

async function setup(opts: { cluster: boolean }) {
  const t = (h = harness());
  server = await listen(t.app, '127.0.0.1', 0);
  const clock = new VirtualClock(Date.UTC(2026, 11, 6, 23, 0, 0));
  const startedAt = clock.now() - 60_000;
  const pub = (snapshot: () => NodeBoard) => {
    const p = startBoardPublisher({ redis, nodeId: 'node-a', snapshot, clock, logger: silentLogger, prefix, publishMs: PERIOD, ttlMs: 3 * PERIOD });
    publishers.push(p);
    return p;
  };
  // The product's own node (node-a) and another node publishing beside it (node-b), as `centralita node` does.
  const cluster = opts.cluster
    ? productClusterBoard({
        services: { publishBoard: (snapshot) => pub(snapshot) },
        nodeId: 'node-a',
        engine: engineWith([['a1', 'READY'], ['a2', 'TALKING'], ['a3', 'LOGGED_OUT']], [['c1', 'bridged'], ['c2', 'ringing']]),
        registry: () => [
          { id: 'node-a', ariUrl: 'http://ari-user:ari-secret@pbx-a.example:8088/', startedAt },
          { id: 'node-b', ariUrl: 'embedded', startedAt: startedAt + 1000 },
        ],
        clock,
      })
    : undefined;
  const nodeB = startBoardPublisher({
    redis,
    nodeId: 'node-b',
    snapshot: () => ({ nodeId: 'node-b', at: clock.now(), agents: [{ id: 'b1', status: 'READY' }, { id: 'b2', status: 'PAUSED' }], calls: [{ id: 'c9', phase: 'amd' }], campaigns: [] }),
    clock,
    logger: silentLogger,
    prefix,
    publishMs: PERIOD,
    ttlMs: 3 * PERIOD,
  });
  publishers.push(nodeB);
  feed = await attachLiveFeed({
    httpServer: server.server,
    events: new DomainEvents(),
    auth: t.app.auth,
    directory: { agentIdsOfUser: () => [], teamOfAgent: () => null },
    snapshot: () => ({}),
    clock: t.clock,
    logger: silentLogger,
    redisUrl: REDIS,
    ...(cluster ? { cluster } : {}),
  });
  return { t, port: server.port, clock, nodeB, startedAt };
}

interface BoardClient {
  socket: Socket;
  boards: ClusterBoard[];
  errors: Array<{ code: string }>;
  gone: Promise<number>;
}

function board(port: number, auth: Record<string, unknown>): Promise<BoardClient> {
  const socket = connect(`http://127.0.0.1:${port}/cluster`, { path: '/socket.io', auth, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  const c: BoardClient = { socket, boards: [], errors: [], gone: new Promise((r) => socket.once('disconnect', () => r(performance.now()))) };
  socket.on('cluster', (b: ClusterBoard) => c.boards.push(b));
  socket.on('error', (e: { code: string }) => c.errors.push(e));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(c));
    socket.once('connect_error', reject);
  });
}

function refusal(port: number, auth: Record<string, unknown>): Promise<string> {
  const socket = connect(`http://127.0.0.1:${port}/cluster`, { path: '/socket.io', auth, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('the cluster board admitted this socket')));
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) => resolve(err.data?.code ?? err.message));
  });
}

function hello(port: number, auth: Record<string, unknown>): Promise<{ role: string; cluster: boolean }> {
  const socket = connect(`http://127.0.0.1:${port}`, { path: '/socket.io', auth, transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  return new Promise((resolve, reject) => {
    socket.once('hello', resolve);
    socket.once('connect_error', reject);
  });
}

type Tokens = { access_token: string; refresh_token: string };
async function login(t: Harness, username: string, password?: string): Promise<Tokens> {
  const res = await t.json('POST', '/api/auth/login', { username, password: password ?? 'user-password-for-tests' });
  expect(res.status).toBe(200);
  return (await res.json()) as Tokens;
}

/** The next board (after the ones already seen) that satisfies `ok`; the publishers' clock is advanced a period at a time. */
async function boardWhere(c: BoardClient, clock: VirtualClock, ok: (b: ClusterBoard) => boolean): Promise<ClusterBoard> {
  return until(() => {
    const found = c.boards.find(ok);
    if (found) return found;
    clock.advance(PERIOD);
    return undefined;
  }, 5000, 50);
}

describe('the cluster board on the web app’s live feed', () => {
  it('a supervisor’s socket receives both nodes: Asterisk without credentials, agents and calls by state, totals summed', async () => {
    const { t, port, clock, startedAt } = await setup({ cluster: true });
    t.addUser('sara', 'supervisor');
    const sara = await login(t, 'sara');
    expect((await hello(port, { token: sara.access_token })).cluster).toBe(true);
    const c = await board(port, { token: sara.access_token });
    const b = await boardWhere(c, clock, (x) => x.nodes.filter((n) => n.state === 'up').length === 2);
    const [a, bb] = b.nodes;
    expect(a).toMatchObject({ nodeId: 'node-a', state: 'up', since: startedAt, asterisk: 'http://pbx-a.example:8088/', agents: { READY: 1, TALKING: 1, LOGGED_OUT: 1 }, agentsLoggedIn: 2, calls: { talking: 1, ringing: 1 }, callsTotal: 2 });
    expect(JSON.stringify(b)).not.toContain('ari-secret');
    expect(bb).toMatchObject({ nodeId: 'node-b', state: 'up', asterisk: 'embedded', agents: { READY: 1, PAUSED: 1 }, agentsLoggedIn: 2, calls: { amd: 1 }, callsTotal: 1 });
    expect(b.totals).toEqual({ nodesUp: 2, nodesDown: 0, agents: { READY: 2, TALKING: 1, LOGGED_OUT: 1, PAUSED: 1 }, agentsLoggedIn: 4, calls: { talking: 1, ringing: 1, amd: 1 }, callsTotal: 3 });
  });

  it('a node that stops shows down at the next period, since its last board, and leaves the totals', async () => {
    const { t, port, clock, nodeB } = await setup({ cluster: true });
    const admin = await login(t, 'admin', ADMIN_PASSWORD);
    const c = await board(port, { token: admin.access_token });
    const up = await boardWhere(c, clock, (x) => x.totals.nodesUp === 2);
    const lastB = up.nodes.find((n) => n.nodeId === 'node-b')!.lastSeenAt;
    await nodeB.close();
    const b = await boardWhere(c, clock, (x) => x.totals.nodesDown === 1);
    expect(b.nodes.find((n) => n.nodeId === 'node-b')).toMatchObject({ state: 'down', agents: {}, callsTotal: 0 });
    expect(b.nodes.find((n) => n.nodeId === 'node-b')!.since).toBeGreaterThanOrEqual(lastB);
    expect(b.totals).toMatchObject({ nodesUp: 1, nodesDown: 1, agentsLoggedIn: 2, callsTotal: 2 });
  });

  it('an agent’s socket and a socket without credentials are refused; the agent’s hello says no cluster', async () => {
    const { t, port } = await setup({ cluster: true });
    t.addUser('ana', 'agent');
    const ana = await login(t, 'ana');
    expect(await refusal(port, { token: ana.access_token })).toBe('forbidden');
    expect(await refusal(port, {})).toBe('unauthenticated');
    expect(await refusal(port, { token: 'not-a-token' })).toBe('invalid_credentials');
    expect((await hello(port, { token: ana.access_token })).cluster).toBe(false);
  });

  it('a logout cuts the session’s board socket at once; the session cannot reconnect, another session stays', async () => {
    const { t, port, clock } = await setup({ cluster: true });
    t.addUser('sara', 'supervisor');
    const one = await login(t, 'sara');
    const two = await login(t, 'sara');
    const c1 = await board(port, { token: one.access_token });
    const c2 = await board(port, { token: two.access_token });
    await boardWhere(c1, clock, (x) => x.totals.nodesUp === 2);
    expect((await t.json('POST', '/api/auth/logout', { refresh_token: one.refresh_token }, t.bearer(one.access_token))).status).toBe(200);
    const t0 = performance.now();
    // No sweep on the feed's (virtual) clock has run: only the revocation itself can have cut it.
    const ms = await Promise.race([c1.gone.then((at) => at - t0), new Promise<number>((r) => setTimeout(() => r(Number.POSITIVE_INFINITY), 1000))]);
    expect(ms).toBeLessThan(1000);
    expect(c1.errors).toEqual([{ code: 'auth_revoked', message: 'Credentials revoked: log in again' }]);
    expect(await refusal(port, { token: one.access_token })).toBe('invalid_credentials');
    expect(c2.socket.connected).toBe(true);
  });

  it('without the cluster (no Redis, or SQLite) there is no /cluster namespace and hello says so', async () => {
    const { port, t } = await setup({ cluster: false });
    const admin = await login(t, 'admin', ADMIN_PASSWORD);
    expect((await hello(port, { token: admin.access_token })).cluster).toBe(false);
    expect(await refusal(port, { token: admin.access_token })).toBe('Invalid namespace');
  });
});
