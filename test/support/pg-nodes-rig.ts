/**
 * Two engine nodes on one call center (#18) for API tests: `npm start`'s product on PostgreSQL (a database of its
 * own) with REDIS_URL (a key prefix of its own), in this process on the embedded PBX as node-a, and node-b
 * publishing its board to the same Redis as a `centralita node` does (`startNodeB`, its board given by the test).
 * node-b never registers in cluster_nodes (NODE_TTL_MS is long): nobody reaps it, its CallLogs stay as written.
 * The browser tests of several nodes start the same product through it (`redis: false` where no board is shared).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { loadNodeConfig } from '../../app/node/index.js';
import { startPgProduct, type PgProduct } from '../../app/pg/index.js';
import { clusterRedisClient, startBoardPublisher, type BoardPublisher, type NodeBoard, type RedisClient } from '../../engine/cluster/index.js';
import { systemClock } from '../../engine/clock/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { openMigratedTestDatabase, type MigratedTestDatabase } from './pg-database.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface PgNodesRig {
  product: PgProduct;
  db: MigratedTestDatabase;
  base: string;
  prefix: string;
  adminPassword: string;
  call(method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: any }>;
  login(username: string, password: string): Promise<string>;
  /** Rows of the agents table, each on its node (`PJSIP/<ext>`: the embedded PBX answers it as the agent's phone). */
  addAgents(token: string, agents: ReadonlyArray<{ id: string; name: string; node: string; ext: string; team?: string | null }>): Promise<void>;
  /** node-b publishing `board()` every 300 ms (expiry 2 s); closing it deletes its key: it shows down at once. */
  startNodeB(board: () => NodeBoard): BoardPublisher;
  close(): Promise<void>;
}

export interface PgNodesRigOptions {
  /** REDIS_URL set (the cluster board shared, node-b possible). Default true. */
  redis?: boolean;
  /** More of the product's settings (e.g. REPORT_TIME_ZONE). */
  env?: Record<string, string>;
}

/**
 * node-b's board as the API tests publish it (engine/cluster boardOf's shape): b1 talking on cb1 since `t0` − 4 s,
 * b2 paused for lunch since `t0` − 9 s, and the test's `calls`.
 */
export function nodeBBoard(t0: number, calls: NodeBoard['calls']): NodeBoard {
  return {
    nodeId: 'node-b',
    at: systemClock.now(),
    agents: [
      { id: 'b1', status: 'TALKING', since: t0 - 4000, pauseReason: null, calls: ['cb1'] },
      { id: 'b2', status: 'PAUSED', since: t0 - 9000, pauseReason: 'lunch', calls: [] },
    ],
    calls,
    campaigns: [],
  };
}

/** `name`: the test's own database name and key prefix stem. */
export async function startPgNodesRig(name: string, o: PgNodesRigOptions = {}): Promise<PgNodesRig> {
  const withRedis = o.redis ?? true;
  const db = await openMigratedTestDatabase(name.replace(/-/g, '_'));
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const prefix = `${name}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const adminPassword = `${name}-admin-password`;
  const rtp = 20000 + Math.floor(Math.random() * 400) * 100;
  const cfg = loadNodeConfig({
    DATABASE_URL: db.url,
    NODE_ID: 'node-a',
    ...(withRedis ? { REDIS_URL, CLUSTER_PREFIX: prefix } : {}),
    NODE_TTL_MS: '600000',
    DB_PATH: join(dir, 'c.db'),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    RTP_PORT_MIN: String(rtp),
    RTP_PORT_MAX: String(rtp + 99),
    ADMIN_PASSWORD: adminPassword,
    JWT_SECRET: `${name}-tests-jwt-secret-0123456789abcdef`,
    SHUTDOWN_GRACE_SECONDS: '0',
    LOG_LEVEL: 'error',
    ...o.env,
  });
  let product: PgProduct | undefined;
  let redis: RedisClient | undefined;
  const publishers: BoardPublisher[] = [];
  const close = async () => {
    for (const p of publishers.splice(0)) await p.close();
    await product?.close();
    if (redis) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(keys);
      await redis.close();
    }
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    product = await startPgProduct(cfg, silentLogger);
    if (withRedis) {
      redis = clusterRedisClient(REDIS_URL);
      await redis.connect();
    }
  } catch (err) {
    await close();
    throw err;
  }
  const base = `http://127.0.0.1:${product.httpPort}`;
  const call = async (method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: await res.json() };
  };
  const r = redis;
  return {
    product,
    db,
    base,
    prefix,
    adminPassword,
    call,
    async login(username, password) {
      const res = await call('POST', '/api/auth/login', null, { username, password });
      expect(res.status).toBe(200);
      return res.body.access_token as string;
    },
    async addAgents(token, agents) {
      for (const { id, name, node, ext, team } of agents) {
        const res = await call('POST', '/api/agents', token, { id, name, endpoint: `PJSIP/${ext}`, node_id: node, ...(team !== undefined ? { team } : {}) });
        expect(res.status, `agent ${id}`).toBe(201);
      }
    },
    startNodeB(board) {
      if (!r) throw new Error('startNodeB: the rig was started without Redis');
      const p = startBoardPublisher({ redis: r, nodeId: 'node-b', prefix, clock: systemClock, logger: silentLogger, publishMs: 300, ttlMs: 2000, snapshot: board });
      publishers.push(p);
      return p;
    },
    close,
  };
}
