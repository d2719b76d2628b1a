/**
 * A `centralita node` with REDIS_URL (#18) when Redis dies and comes back (a private redis-server, killed with
 * SIGKILL): the node stays up, its /health says 503 with `redis.connected: false` while Redis is away, and goes
 * back to 200 by itself once Redis answers again (no restart); a SIGTERM afterwards still exits 0. Without
 * REDIS_URL the same node says `redis: { configured: false }` and is healthy.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migratePg, openPgPool } from '../../engine/store/pg/index.js';
import { startNodeProcess, type NodeProcess } from '../support/node-process.js';
import { createTestDatabase, type TestDatabase } from '../support/pg-database.js';
import { startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';
import { until } from '../support/until.js';

let db: TestDatabase;
let redis: PrivateRedis;
const nodes: NodeProcess[] = [];

beforeAll(async () => {
  db = await createTestDatabase('ct_noderedis');
  const pool = openPgPool(db.url, { max: 1 });
  await migratePg(pool);
  await pool.end();
  redis = await startPrivateRedis();
}, 60_000);

afterAll(async () => {
  for (const n of nodes) await n.kill9().catch(() => undefined);
  await redis?.close();
  await db?.drop();
}, 60_000);

const env = (nodeId: string, rtp: number, extra: Record<string, string> = {}) => ({
  DATABASE_URL: db.url,
  NODE_ID: nodeId,
  RTP_PORT_MIN: String(rtp),
  RTP_PORT_MAX: String(rtp + 99),
  SHUTDOWN_GRACE_SECONDS: '0',
  LOG_LEVEL: 'info',
  ...extra,
});

type Health = { status: string; redis: { configured: boolean; connected?: boolean }; board: { nodesUp: number } | null };

describe('a node and its Redis', () => {
  it('Redis killed: /health 503 (redis.connected false), the node stays up and recovers by itself; without REDIS_URL: configured false', async () => {
    const [withRedis, without] = await Promise.all([
      startNodeProcess({ env: env('node-r', 43100, { REDIS_URL: redis.url, CLUSTER_PREFIX: 'outage-test' }) }),
      startNodeProcess({ env: env('node-plain', 43300) }),
    ]);
    nodes.push(withRedis, without);
    try {
      const plain = await without.health();
      expect(plain.status).toBe(200);
      expect(plain.body).toMatchObject({ redis: { configured: false }, abandon: null, board: null });

      const up = await until(async () => {
        const h = await withRedis.health();
        return h.status === 200 && (h.body as unknown as Health).board?.nodesUp === 1 ? h : undefined;
      }, 20_000, 100);
      // (abandon.state may still be `starting` here: its first round runs a second after start-up.)
      expect(up.body).toMatchObject({ redis: { configured: true, ok: true, connected: true, commandsSubscribed: true, hangupsSubscribed: true } });

      const killedAt = Date.now();
      await redis.stop();
      const down = await until(async () => {
        const h = await withRedis.health();
        return h.status === 503 ? h : undefined;
      }, 20_000, 100);
      const degradedMs = Date.now() - killedAt;
      expect(down.body).toMatchObject({ status: 'degraded', redis: { configured: true, ok: false, connected: false }, ari: { connected: true }, db: { ok: true } });

      const backAt = Date.now();
      await redis.start();
      const back = await until(async () => {
        const h = await withRedis.health();
        return h.status === 200 ? h : undefined;
      }, 30_000, 100);
      const recoveredMs = Date.now() - backAt;
      expect(back.body).toMatchObject({ status: 'ok', redis: { connected: true, ok: true } });
      expect((back.body as { abandon: { state: string } }).abandon.state).not.toBe('degraded');
      console.log(`node-redis-outage: /health 503 ${degradedMs} ms after Redis was killed, 200 again ${recoveredMs} ms after it came back`);

      const exit = await withRedis.sigterm(30_000);
      expect(exit.code).toBe(0);
    } catch (err) {
      for (const n of [withRedis, without]) console.log(`--- ${n.nodeId} ---\n${n.lines.slice(-25).join('\n')}`);
      throw err;
    }
  }, 120_000);
});
