/**
 * The cluster board (engine/cluster, #18) on real parts: Redis (127.0.0.1:6379 or TEST_REDIS_URL, a prefix of its
 * own), PostgreSQL (a database of its own, migrated; API keys sha256-hashed in api_keys as api/auth stores them),
 * two nodes each with its HTTP server and board, and socket.io-client. A supervisor connected to node A sees both
 * nodes' agents and calls with the campaign's counts summed, receives node B's boards through the Redis adapter,
 * and sees node B down once its board expires; agents' keys, unknown keys and no key are refused; a revoked key is
 * disconnected at the next re-check, and at once when the revocation is published.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  attachClusterBoard,
  clusterRedisClient,
  publishApiKeyRevoked,
  BOARD_NAMESPACE,
  type ClusterBoardHandle,
  type ClusterView,
  type NodeBoard,
  type RedisClient,
} from '../../engine/cluster/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { randomSecret, sha256 } from '../../engine/store/index.js';
import { lookupApiKeyPg, migratePg, openPgPool, type PgPool } from '../../engine/store/pg/index.js';
import { createTestDatabase, type TestDatabase } from '../support/pg-database.js';
import { until as untilValue } from '../support/until.js';

const until = (cond: () => boolean, ms: number) => untilValue(() => (cond() ? true : undefined), ms, 20);
const URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `test-board-${process.pid}-${randomBytes(3).toString('hex')}`;

let db: TestDatabase;
let pool: PgPool;
let redis: RedisClient;
const servers: HttpServer[] = [];
const boards: ClusterBoardHandle[] = [];
const clients: ClientSocket[] = [];
const keys: Record<string, { id: string; key: string }> = {};

async function addUser(id: string, role: string): Promise<void> {
  await pool.query(`insert into users (id, username, password_hash, role, team, active, must_change_password, auth_version, created_at, updated_at) values ($1, $1, 'x', $2, null, true, false, 0, 0, 0)`, [id, role]);
  const key = randomSecret('ck_');
  const keyId = `key-${id}`;
  await pool.query(`insert into api_keys (id, user_id, name, prefix, key_hash, created_at) values ($1, $2, 'board', $3, $4, 0)`, [keyId, id, key.slice(0, 8), sha256(key)]);
  keys[id] = { id: keyId, key };
}

async function node(nodeId: string, snapshot: (() => NodeBoard) | undefined, opts: { recheckMs?: number; ttlMs?: number } = {}) {
  const http = createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  servers.push(http);
  const board = await attachClusterBoard(http, {
    redis,
    nodeId,
    prefix,
    logger: silentLogger,
    authenticate: (k) => lookupApiKeyPg(pool, k),
    publishMs: 200,
    ttlMs: opts.ttlMs ?? 1500,
    recheckMs: opts.recheckMs ?? 60_000,
    ...(snapshot ? { snapshot } : {}),
  });
  boards.push(board);
  return { http, board, url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` };
}

function connect(url: string, apiKey: string | undefined) {
  const c = connectClient(`${url}${BOARD_NAMESPACE}`, { path: '/cluster/socket.io', transports: ['websocket'], reconnection: false, auth: apiKey ? { apiKey } : {} });
  clients.push(c);
  const seen = { cluster: [] as ClusterView[], node: [] as NodeBoard[], ended: [] as unknown[], error: null as null | { message: string; data?: { code?: string } }, disconnected: false };
  c.on('cluster', (v: ClusterView) => seen.cluster.push(v));
  c.on('node', (b: NodeBoard) => seen.node.push(b));
  c.on('session_ended', (r: unknown) => seen.ended.push(r));
  c.on('connect_error', (e: Error & { data?: { code?: string } }) => (seen.error = e));
  c.on('disconnect', () => (seen.disconnected = true));
  return { c, seen, last: () => seen.cluster.at(-1) };
}

const boardOfNode = (nodeId: string, agents: string[], calls: number, ready: number): NodeBoard => ({
  nodeId,
  at: Date.now(),
  agents: agents.map((id) => ({ id, status: 'READY', pauseReason: null, calls: [] })),
  calls: Array.from({ length: calls }, (_, i) => ({ id: `${nodeId}-call-${i}`, phase: 'ringing', agentId: null })),
  campaigns: [{ id: 'camp', state: 'running', mode: 'predictive', metrics: { agentsReady: ready, callsRinging: calls } }],
});

beforeAll(async () => {
  db = await createTestDatabase('board');
  pool = openPgPool(db.url);
  await migratePg(pool);
  await addUser('sup', 'supervisor');
  await addUser('adm', 'admin');
  await addUser('agt', 'agent');
  await addUser('sup2', 'supervisor');
  redis = clusterRedisClient(URL);
  await redis.connect();
});

afterAll(async () => {
  for (const c of clients) c.close();
  for (const b of boards) await b.close();
  for (const s of servers) await new Promise<void>((r) => s.close(() => r()));
  const left = await redis.keys(`${prefix}:*`);
  if (left.length > 0) await redis.del(left);
  redis.destroy();
  await pool.end();
  await db.drop();
});

describe('cluster board', () => {
  let a: Awaited<ReturnType<typeof node>>;
  let bStopped = false;

  it("a supervisor on node A sees both nodes' agents and calls, metrics summed, and node B's boards through the adapter", async () => {
    a = await node('node-a', () => boardOfNode('node-a', ['1001', '1002'], 3, 2));
    await node('node-b', () => {
      if (bStopped) throw new Error('node B is gone');
      return boardOfNode('node-b', ['2001'], 1, 1);
    });
    const sup = connect(a.url, keys.sup!.key);
    await until(() => sup.last()?.totals.nodesUp === 2, 10_000);
    const v = sup.last()!;
    expect(v.nodes.map((n) => [n.nodeId, n.state])).toEqual([
      ['node-a', 'up'],
      ['node-b', 'up'],
    ]);
    expect(v.nodes.flatMap((n) => n.agents.map((x) => x.id)).sort()).toEqual(['1001', '1002', '2001']);
    expect(v.totals).toMatchObject({ agents: 3, calls: 4, nodesDown: 0 });
    expect(v.campaigns).toEqual([{ id: 'camp', nodes: ['node-a', 'node-b'], metrics: { agentsReady: 3, callsRinging: 4 } }]);
    // Node B's own publishes reach a client connected to node A (Socket.IO Redis adapter).
    await until(() => sup.seen.node.some((b) => b.nodeId === 'node-b'), 10_000);
    // An admin is welcome too.
    const adm = connect(a.url, keys.adm!.key);
    await until(() => adm.seen.cluster.length > 0, 10_000);
  });

  it('agents, unknown keys and handshakes without a key are refused', async () => {
    const agent = connect(a.url, keys.agt!.key);
    const unknown = connect(a.url, 'ck_not-a-key');
    const none = connect(a.url, undefined);
    await until(() => agent.seen.error !== null && unknown.seen.error !== null && none.seen.error !== null, 10_000);
    expect(agent.seen.error!.data?.code).toBe('forbidden');
    expect(unknown.seen.error!.data?.code).toBe('invalid_credentials');
    expect(none.seen.error!.data?.code).toBe('unauthenticated');
    expect(agent.seen.cluster).toEqual([]);
  });

  it('a node whose board expired shows down; its agents and calls leave the sums', async () => {
    const sup = connect(a.url, keys.sup!.key);
    await until(() => sup.last()?.totals.nodesUp === 2, 10_000);
    bStopped = true; // node B stops publishing (as if killed): its key expires after the TTL
    await until(() => sup.last()?.nodes.find((n) => n.nodeId === 'node-b')?.state === 'down', 10_000);
    const v = sup.last()!;
    expect(v.totals).toMatchObject({ nodesUp: 1, nodesDown: 1, agents: 2, calls: 3 });
    expect(v.campaigns).toEqual([{ id: 'camp', nodes: ['node-a'], metrics: { agentsReady: 2, callsRinging: 3 } }]);
    expect(v.nodes.find((n) => n.nodeId === 'node-b')!.lastSeenAt).toBeGreaterThan(0);
  });

  it('a revoked key is disconnected at the next re-check, and at once when the revocation is published', async () => {
    const c = await node('node-c', undefined, { recheckMs: 300 });
    const sup = connect(c.url, keys.sup!.key);
    const sup2 = connect(c.url, keys.sup2!.key);
    await until(() => sup.seen.cluster.length > 0 && sup2.seen.cluster.length > 0, 10_000);
    // Revoked in the database by anyone (the API, another node, an operator): the next re-check ends the socket.
    await pool.query('update api_keys set revoked_at = $1 where id = $2', [Date.now(), keys.sup!.id]);
    await until(() => sup.seen.disconnected, 10_000);
    expect(sup.seen.ended).toEqual([{ reason: 'revoked' }]);
    // And it cannot come back.
    const again = connect(c.url, keys.sup!.key);
    await until(() => again.seen.error !== null, 10_000);
    expect(again.seen.error!.data?.code).toBe('invalid_credentials');

    // Published revocation: at once, on a board whose re-check would take a minute.
    const d = await node('node-d', undefined, { recheckMs: 60_000 });
    const viaD = connect(d.url, keys.sup2!.key);
    await until(() => viaD.seen.cluster.length > 0, 10_000);
    const t0 = Date.now();
    await pool.query('update api_keys set revoked_at = $1 where id = $2', [Date.now(), keys.sup2!.id]);
    await publishApiKeyRevoked(redis, keys.sup2!.id, { prefix });
    await until(() => viaD.seen.disconnected && sup2.seen.disconnected, 10_000);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(viaD.seen.ended).toEqual([{ reason: 'revoked' }]);
  });
});
