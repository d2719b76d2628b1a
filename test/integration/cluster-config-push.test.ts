/**
 * Trunk and agent phone pushes reach every node's own Asterisk (#18), on the real Redis and PostgreSQL. The API
 * (node-a, over PostgreSQL's ports, its own Asterisk at ARI_URL) is given the config push asker of `npm start` on
 * PostgreSQL; node-b serves pushes with the node's handler (app/node/config-push.ts: the row read from PostgreSQL,
 * the password opened with the shared key, pushed to ITS Asterisk); node-c is a whole engine node (runNode with
 * REDIS_URL, as `centralita node` runs it) on its embedded PBX, so it answers that it has no Asterisk; node-d is
 * registered up but not listening; node-e is marked up and still subscribed (a frozen process: it would never answer)
 * but its last heartbeat is older than liveness allows, not yet reaped. Each Asterisk is a stand-in ARI with a writable PJSIP wizard that records what is
 * pushed (the bundled real Asterisk has no PJSIP: test/both/trunk-push.test.ts).
 *
 * - `POST /api/trunks/{name}/push`: `pushed` is node-a's Asterisk's as before, `nodes` what each other node did;
 *   node-b's Asterisk holds the same objects, with the password opened from the sealed row; node-e is answered as
 *   not reached with its heartbeat's age and is never asked (before, the push waited the whole timeout for it);
 *   so is a phone push for an agent of node-e.
 * - `POST /api/agents/{id}/sip-password` with `push` for an agent of node-b: node-b's Asterisk gets the phone with
 *   the password the API returned (sealed on Redis: the message carries no clear password); node-a's gets nothing.
 *
 * Without the push to the nodes, node-b's Asterisk stays empty and the phone lands on node-a's Asterisk.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { configPushHandler } from '../../app/node/config-push.js';
import { loadNodeConfig, runNode, type RunningNode } from '../../app/node/index.js';
import { clusterRedisClient, configPushAsker, serveConfigPush, type ConfigPushAsker, type ConfigPushService, type RedisClient } from '../../engine/cluster/index.js';
import { agentSorceryObjects, trunkSorceryObjects } from '../../engine/deploy/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { PgAgents, PgClusterNodes, PgTrunks, pgAgentDirectory, pgCampaignCatalog, pgTrunkCatalog, secretBox } from '../../engine/store/index.js';
import { openMigratedTestDatabase, type MigratedTestDatabase } from '../support/pg-database.js';
import { standInAri, type StandInAri } from '../support/stand-in-ari.js';
import { ADMIN_PASSWORD, harness, type Harness } from '../unit/api/harness.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `test-config-push-${process.pid}-${randomBytes(3).toString('hex')}`;
const JWT_SECRET = 'x'.repeat(40);
const box = secretBox({ JWT_SECRET })!;

let db: MigratedTestDatabase;
let redis: RedisClient;
let ariA: StandInAri;
let ariB: StandInAri;
let asker: ConfigPushAsker;
const services: ConfigPushService[] = [];
let h: Harness;
let nodeC: RunningNode | undefined;
const messages: string[] = [];
/** What reached node-e's request channel (it is subscribed, as a frozen process stays, and never answers). */
const askedOfStale: string[] = [];
/** The asker's liveness TTL (NODE_TTL_MS) and node-e's silence: well past it, so no test timing can blur it. */
const TTL_MS = 60_000;
const STALE_MS = 2 * TTL_MS;

beforeAll(async () => {
  db = await openMigratedTestDatabase('node_ops_config_push');
  [ariA, ariB] = await Promise.all([standInAri(), standInAri()]);
  redis = clusterRedisClient(REDIS_URL);
  await redis.connect();
  // What crosses Redis to and from node-b, read by a listener of its own: no clear password may be in it. (Not a
  // pattern over every channel: it would count as a receiver of node-d's requests, which nobody serves.)
  const spy = redis.duplicate();
  spy.on('error', () => {});
  await spy.connect();
  await spy.subscribe(`${PREFIX}:config-push:node-b`, (m) => messages.push(m));
  await spy.pSubscribe(`${PREFIX}:config-push-reply:*`, (m) => messages.push(m));
  await spy.subscribe(`${PREFIX}:config-push:node-e`, (m) => askedOfStale.push(m));
  services.push({ close: async () => void spy.destroy() });

  const nodes = new PgClusterNodes(db.pool);
  for (const id of ['node-a', 'node-b', 'node-d']) await nodes.register(id, `http://${id}`, Date.now());
  // Up, with its last heartbeat two TTLs ago (node-c's own TTL is longer, so it does not reap it during the test).
  await nodes.register('node-e', 'http://node-e', Date.now() - STALE_MS);
  const handler = configPushHandler({ nodeId: 'node-b', ari: { url: ariB.url, username: 'centralita', password: 'ari-pw' }, trunks: new PgTrunks(db.pool), agents: new PgAgents(db.pool), box: secretBox({ JWT_SECRET }) });
  services.push(await serveConfigPush(redis, 'node-b', handler, { prefix: PREFIX, logger: silentLogger }));
  // A TTL longer than the test: node-c must not reap the nodes this test registered by hand (they never beat).
  const cfg = loadNodeConfig({ DATABASE_URL: db.url, NODE_ID: 'node-c', REDIS_URL, CLUSTER_PREFIX: PREFIX, NODE_TTL_MS: '600000', RTP_PORT_MIN: '46600', RTP_PORT_MAX: '46699', LOG_LEVEL: 'warn', JWT_SECRET });
  nodeC = await runNode(cfg, silentLogger, undefined, undefined, { pool: db.pool, healthServer: false });
  asker = await configPushAsker(redis, {
    prefix: PREFIX,
    from: 'api-node-a',
    timeoutMs: 3000,
    logger: silentLogger,
    otherNodes: async () => (await nodes.list()).filter((n) => n.state === 'up' && n.id !== 'node-a').map((n) => ({ id: n.id, heartbeatAt: n.heartbeatAt })),
    ttlMs: TTL_MS,
    seal: (clear, context) => box.seal(clear, context),
  });
  h = harness({
    trunkCatalog: pgTrunkCatalog(db.pool),
    campaignCatalog: pgCampaignCatalog(db.pool),
    agentDirectory: pgAgentDirectory(db.pool),
    configPush: asker,
    config: { NODE_ID: 'node-a', JWT_SECRET, ADMIN_PASSWORD, ARI_URL: ariA.url, ARI_USERNAME: 'centralita', ARI_PASSWORD: 'ari-pw' },
  });
}, 60_000);

afterAll(async () => {
  await nodeC?.stop(0);
  h?.close();
  await asker?.close();
  for (const s of services) await s.close();
  redis?.destroy();
  await Promise.all([ariA?.close(), ariB?.close()]);
  await db?.close();
});

it("a trunk push reaches every node's Asterisk, a phone push the agent's node's; each node's outcome in the answer", async () => {
  const admin = h.bearer(await h.login('admin'));
  const trunk = { name: 'carrier', host: 'sip.example.net:5060', username: 'acct-42', password: 'Trunk-Pw-42' };
  expect((await h.json('POST', '/api/trunks', trunk, admin)).status).toBe(201);

  const res = await h.json('POST', '/api/trunks/carrier/push', undefined, admin);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { pushed: string[]; nodes: Array<{ node: string; pushed: string[]; error: string | null }> };
  const objects = trunkSorceryObjects(trunk);
  const names = objects.map((o) => `${o.type}/${o.id}`);
  expect(body.pushed).toEqual(names);
  const byNode = Object.fromEntries(body.nodes.map((n) => [n.node, n]));
  expect(Object.keys(byNode).sort()).toEqual(['node-b', 'node-c', 'node-d', 'node-e']);
  expect(byNode['node-b']).toEqual({ node: 'node-b', pushed: names, error: null });
  expect(byNode['node-c']).toMatchObject({ pushed: [], error: expect.stringContaining('embedded PBX') });
  expect(byNode['node-d']).toMatchObject({ pushed: [], error: expect.stringContaining('not listening') });
  // The dead, not yet reaped node: not reached, with the reason, and never asked (nothing waited on its answer).
  expect(byNode['node-e']!.pushed).toEqual([]);
  expect(byNode['node-e']!.error).toMatch(/^node node-e not reached: its last heartbeat is 1[2-9]\d\.\d s old \(liveness allows 60\.0 s\)/);
  expect(askedOfStale).toEqual([]);
  // Both Asterisks hold the trunk as the config file would: node-b's password opened from PostgreSQL's sealed row.
  for (const ari of [ariA, ariB]) expect(ari.puts.map((p) => p.body)).toEqual(objects.map((o) => ({ fields: o.fields })));
  ariA.puts.length = 0;
  ariB.puts.length = 0;

  // An agent of node-b: its phone goes to node-b's Asterisk only, with the password the API shows once.
  expect((await h.json('POST', '/api/agents', { id: 'ag-b', name: 'Bea', endpoint: 'PJSIP/2001', node_id: 'node-b' }, admin)).status).toBe(201);
  const phone = await h.json('POST', '/api/agents/ag-b/sip-password', { push: true }, admin);
  expect(phone.status).toBe(200);
  const p = (await phone.json()) as { extension: string; password: string; push: { pushed: string[]; error: string | null } };
  const phoneObjects = agentSorceryObjects({ extension: '2001', password: p.password });
  expect(p.push).toEqual({ pushed: phoneObjects.map((o) => `${o.type}/${o.id}`), error: null });
  expect(ariB.puts.map((x) => x.body)).toEqual(phoneObjects.map((o) => ({ fields: o.fields })));
  expect(ariA.puts).toEqual([]);
  // Neither password crossed Redis in clear.
  expect(messages.some((m) => m.includes('config-push') || m.includes('"object"'))).toBe(true);
  expect(messages.filter((m) => m.includes(p.password) || m.includes(trunk.password))).toEqual([]);

  // An agent of the dead, not yet reaped node-e: not reached, with the reason, and never asked.
  expect((await h.json('POST', '/api/agents', { id: 'ag-e', name: 'Eva', endpoint: 'PJSIP/2002', node_id: 'node-e' }, admin)).status).toBe(201);
  const toStale = (await (await h.json('POST', '/api/agents/ag-e/sip-password', { push: true }, admin)).json()) as { push: { pushed: string[]; error: string | null } };
  expect(toStale.push.pushed).toEqual([]);
  expect(toStale.push.error).toMatch(/node node-e not reached: its last heartbeat is 1[2-9]\d\.\d s old \(liveness allows 60\.0 s\)/);
  expect(askedOfStale).toEqual([]);
  expect(ariB.puts).toHaveLength(3);

  // An agent of this node (node-a): pushed to node-a's own Asterisk, as before.
  expect((await h.json('POST', '/api/agents', { id: 'ag-a', name: 'Ana', endpoint: 'PJSIP/1001', node_id: 'node-a' }, admin)).status).toBe(201);
  const own = (await (await h.json('POST', '/api/agents/ag-a/sip-password', { push: true }, admin)).json()) as { push: { error: string | null } };
  expect(own.push.error).toBeNull();
  expect(ariA.puts.map((x) => x.path.split('/').slice(-2).join('/'))).toEqual(['auth/1001-auth', 'aor/1001', 'endpoint/1001']);
  expect(ariB.puts).toHaveLength(3);
}, 60_000);
