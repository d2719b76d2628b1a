/**
 * The console's commands for an agent of another node (#18), on real parts: a fresh PostgreSQL database, the shared
 * Redis under a prefix of this run's own, one `centralita node` process (node-b, its embedded PBX) holding agent
 * b-1001, and in this process the engine node `npm start` on PostgreSQL runs (runNode on the same pool, node-a,
 * holding a-1001) under the API it drives (app/pg nodeEngineControl, the agent asker on node-a's Redis connection):
 *
 * - log-out / log-in / pause / ready of b-1001 through the API change node-b's engine: its own /health counts the
 *   agent out and back in, and GET /state (asked of node-b) says PAUSED with the reason, then READY;
 * - without the asker (no REDIS_URL) the agent of node-b answers 503 engine_unavailable as before;
 * - bad input is 422 naming the field; a-1001 of this node still goes through this engine;
 * - node-b stalled (SIGSTOP): 503 node_unreachable after the bound; killed: 503 at once (nobody listens).
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentCommandAsker, type AgentCommandAsker } from '../../engine/cluster/index.js';
import { systemClock } from '../../engine/clock/index.js';
import type { EngineControl } from '../../engine/control/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { pgAgentDirectory, migratePg, openPgPool, type PgPool } from '../../engine/store/pg/index.js';
import { loadNodeConfig, runNode, type RunningNode } from '../../app/node/index.js';
import { nodeEngineControl } from '../../app/pg/node-control.js';
import { harness, type Harness } from '../unit/api/harness.js';
import { startNodeProcess, type NodeProcess } from '../support/node-process.js';
import { createTestDatabase, type TestDatabase } from '../support/pg-database.js';
import { until } from '../support/until.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `test-agent-commands-${process.pid}-${randomBytes(3).toString('hex')}`;
/** The asker's bound: short, so the stalled-node case does not make the test slow. */
const TIMEOUT_MS = 1500;

let db: TestDatabase;
let pool: PgPool;
let nodeA: RunningNode | undefined;
let nodeB: NodeProcess | undefined;
let asker: AgentCommandAsker | undefined;
const apps: Harness[] = [];

beforeAll(async () => {
  db = await createTestDatabase('agent_commands');
  pool = openPgPool(db.url, { max: 6 });
  await migratePg(pool);
  const dir = pgAgentDirectory(pool);
  const at = Date.now();
  await dir.create({ id: 'a-1001', kind: 'human', name: 'Agent A', endpoint: 'PJSIP/1001', concurrency: 1, team: null, userId: null, campaignIds: null, nodeId: 'node-a', createdAt: at });
  await dir.create({ id: 'b-1001', kind: 'human', name: 'Agent B', endpoint: 'PJSIP/1001', concurrency: 1, team: null, userId: null, campaignIds: null, nodeId: 'node-b', createdAt: at });
}, 60_000);

afterAll(async () => {
  if (nodeB) {
    try {
      process.kill(nodeB.pid, 'SIGCONT');
    } catch {
      // Already gone.
    }
    await nodeB.kill9().catch(() => undefined);
  }
  for (const h of apps) h.close();
  await asker?.close();
  await nodeA?.stop(0);
  await pool?.end();
  await db?.drop();
}, 60_000);

function api(control: EngineControl): Harness {
  const h = harness({ agentDirectory: pgAgentDirectory(pool), control });
  h.addUser('sup', 'supervisor');
  apps.push(h);
  return h;
}
type Body = { status?: string; pauseReason?: string | null; error?: { code: string; message: string; details?: Array<{ field: string }> } };
const call = async (h: Harness, method: 'GET' | 'POST', path: string, body?: unknown) => {
  const res = await h.json(method, path, body, h.bearer(await h.login('sup')));
  return { status: res.status, body: (await res.json()) as Body };
};
const agentsOnB = async (): Promise<number> => (await nodeB!.health()).body['agents'] as number;

describe('console commands for an agent of another node', () => {
  it('reach the owning node over Redis; 503 node_unreachable when it cannot answer; this node’s agents stay local', async () => {
    nodeB = await startNodeProcess({
      env: { DATABASE_URL: db.url, NODE_ID: 'node-b', REDIS_URL, CLUSTER_PREFIX: PREFIX, RTP_PORT_MIN: '44800', RTP_PORT_MAX: '44899', SHUTDOWN_GRACE_SECONDS: '0', LOG_LEVEL: 'info' },
    });
    try {
      nodeA = await runNode(
        loadNodeConfig({ DATABASE_URL: db.url, NODE_ID: 'node-a', REDIS_URL, CLUSTER_PREFIX: PREFIX, RTP_PORT_MIN: '44900', RTP_PORT_MAX: '44999', SHUTDOWN_GRACE_SECONDS: '0' }),
        silentLogger,
        systemClock,
        undefined,
        { pool, healthServer: false },
      );
      asker = await agentCommandAsker(nodeA.services!.redis, { prefix: PREFIX, from: 'api-node-a', timeoutMs: TIMEOUT_MS, logger: silentLogger });
      const figures = { get: () => undefined };
      const agents = pgAgentDirectory(pool);
      const withAsker = api(nodeEngineControl({ engine: nodeA.engine, agents, nodeId: 'node-a', figures, agentCommands: asker }));
      const without = api(nodeEngineControl({ engine: nodeA.engine, agents, nodeId: 'node-a', figures }));

      // node-b's engine logs its agent in at start: counted on its own /health.
      await until(async () => ((await agentsOnB()) === 1 ? true : undefined), 30_000, 100);

      // Without Redis: refused as before, naming the node.
      const before = await call(without, 'POST', '/api/agents/b-1001/logout');
      expect(before.status).toBe(503);
      expect(before.body.error).toMatchObject({ code: 'engine_unavailable' });
      expect(before.body.error?.message).toMatch(/belongs to node node-b/);
      expect(await agentsOnB()).toBe(1);

      // Log-out through node-a's API: node-b's engine logs its agent out.
      const out = await call(withAsker, 'POST', '/api/agents/b-1001/logout');
      expect(out).toMatchObject({ status: 200, body: { status: 'LOGGED_OUT' } });
      expect(await agentsOnB()).toBe(0);
      expect(nodeA.engine.agentState('b-1001')).toBeNull(); // never joined node-a's engine

      const login = await call(withAsker, 'POST', '/api/agents/b-1001/login');
      expect(login).toMatchObject({ status: 200, body: { status: 'READY' } });
      expect(await agentsOnB()).toBe(1);

      const paused = await call(withAsker, 'POST', '/api/agents/b-1001/pause', { reason: 'coffee' });
      expect(paused).toMatchObject({ status: 200, body: { status: 'PAUSED', pauseReason: 'coffee' } });
      // Read back from node-b (GET /state asks the owner), not from anything node-a kept.
      expect(await call(withAsker, 'GET', '/api/agents/b-1001/state')).toMatchObject({ status: 200, body: { status: 'PAUSED', pauseReason: 'coffee' } });
      expect(await call(withAsker, 'POST', '/api/agents/b-1001/ready')).toMatchObject({ status: 200, body: { status: 'READY' } });
      expect(await call(withAsker, 'GET', '/api/agents/b-1001/state')).toMatchObject({ status: 200, body: { status: 'READY', pauseReason: null } });
      expect(nodeB.lines.some((l) => l.includes('agent command asked by another process') && l.includes('b-1001'))).toBe(true);

      // Bad input: 422 naming the field, nobody asked.
      const bad = await call(withAsker, 'POST', '/api/agents/b-1001/pause', { reason: '' });
      expect(bad.status).toBe(422);
      expect(JSON.stringify(bad.body.error)).toMatch(/reason/);

      // This node's agent goes through this engine, not Redis.
      const askedOfB = nodeB.lines.length;
      expect(await call(withAsker, 'POST', '/api/agents/a-1001/pause', { reason: 'lunch' })).toMatchObject({ status: 200, body: { status: 'PAUSED', pauseReason: 'lunch' } });
      expect(nodeA.engine.agentState('a-1001')).toMatchObject({ status: 'PAUSED' });
      expect(await call(withAsker, 'GET', '/api/agents/a-1001/state')).toMatchObject({ status: 200, body: { status: 'PAUSED' } });
      expect(nodeB.lines.slice(askedOfB).some((l) => l.includes('a-1001'))).toBe(false);

      // node-b stalled: it hears the request but cannot answer within the bound.
      process.kill(nodeB.pid, 'SIGSTOP');
      let t = Date.now();
      const stalled = await call(withAsker, 'POST', '/api/agents/b-1001/pause', { reason: 'coffee' });
      const stalledMs = Date.now() - t;
      process.kill(nodeB.pid, 'SIGCONT');
      expect(stalled.status).toBe(503);
      expect(stalled.body.error).toMatchObject({ code: 'node_unreachable' });
      expect(stalled.body.error?.message).toMatch(new RegExp(`node node-b did not answer within ${TIMEOUT_MS} ms`));
      expect(stalledMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 10);
      expect(stalledMs).toBeLessThan(TIMEOUT_MS + 2000);

      // node-b killed: nobody listens on its channel, known at once.
      await nodeB.kill9();
      t = Date.now();
      const gone = await call(withAsker, 'POST', '/api/agents/b-1001/ready');
      const goneMs = Date.now() - t;
      expect(gone.status).toBe(503);
      expect(gone.body.error).toMatchObject({ code: 'node_unreachable' });
      expect(gone.body.error?.message).toMatch(/node node-b is not listening/);
      expect(goneMs).toBeLessThan(TIMEOUT_MS);
      console.log(`api-agents-remote: a stalled node answered 503 after ${stalledMs} ms, a dead one after ${goneMs} ms`);
    } catch (err) {
      console.log(`--- node-b ---\n${nodeB.lines.slice(-30).join('\n')}`);
      throw err;
    }
  }, 150_000);
});
