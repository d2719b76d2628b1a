/**
 * `npm start` on PostgreSQL twice (#18, scale-out): two products on one database, each the API and one in-process
 * engine node (`startPgProduct`, here in this process, each on its own embedded PBX and port). Product A's node has
 * the agents and a recording campaign whose callees all answer and talk ~4 s (a scenario file, SIM_SCENARIO);
 * product B has none: every recording is A's, on A's disk.
 *
 * A's node serves its recordings on A's own port under /node, as a `centralita node` does on its health server, and
 * writes that address in cluster_nodes.public_url; so product B — another API process — plays them: the same bytes as
 * A's file, HTTP Range passed through (206, 416). A live call's recording paused and resumed through B is paused and
 * resumed by A's recorder (its row's pauses). A's routes need B's token (401 without one or with another secret's).
 * A's /health counts its own recordings and jobs, not another node's rows in the same tables (`recordings.nodeId`).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadNodeConfig } from '../../app/node/index.js';
import { startPgProduct, type PgProduct } from '../../app/pg/index.js';
import { NODE_RECORDING_TOKEN_TTL_MS, nodeRecordingKey, signNodeRecordingToken } from '../../engine/recordings/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { pacingPhone } from '../../engine/sim/index.js';
import { openStore } from '../../engine/store/index.js';
import { pgRecorderStore, copySqliteToPg } from '../../engine/store/pg/index.js';
import { openMigratedTestDatabase, type MigratedTestDatabase } from '../support/pg-database.js';
import { until } from '../support/until.js';

const CAMPAIGN = 'c-prod-rec';
const JWT_SECRET = 'product-recordings-jwt-secret-0123456789abcdef';
const ADMIN_PASSWORD = 'product-recordings-admin-password';
let db: MigratedTestDatabase;
let dir: string;
let a: PgProduct | undefined;
let b: PgProduct | undefined;

beforeAll(async () => {
  db = await openMigratedTestDatabase('node_rec_2_products');
  dir = mkdtempSync(join(tmpdir(), 'product-recordings-'));
  // Every callee a person who answers within a second and talks ~4 s: a call is live long enough to pause it.
  const scenario = JSON.parse(readFileSync(new URL('../../engine/pacing/scenarios/two-nodes-dense.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  writeFileSync(
    join(dir, 'long-talk.json'),
    JSON.stringify({ ...scenario, name: 'product-recordings', description: 'people only, ~4 s talks', outcomes: { human: 1, machine: 0, busy: 0 }, ring: { minS: 0.3, maxS: 1, timeoutS: 20 }, talk: { distribution: 'lognormal', meanS: 4, sdS: 0.5 } }),
  );
  const at = Date.now();
  const s = openStore(join(dir, 'seed.db'));
  s.campaigns.create(
    CAMPAIGN,
    { name: 'Recorded on product A', dialMode: 'progressive', dialStringTemplate: 'PJSIP/{e164}@trunk', callingHours: { start: '00:00', end: '24:00' }, weekdays: [1, 2, 3, 4, 5, 6, 7], wrapUpS: 0, maxAttempts: 1, recording: true },
    at,
  );
  s.transaction(() => s.leads.insertMany(Array.from({ length: 30 }, (_, i) => ({ campaignId: CAMPAIGN, phoneE164: pacingPhone(i), phoneRaw: pacingPhone(i), timeZone: 'America/New_York', synthetic: true })), at));
  s.agents.upsert({ id: 'ag-1', kind: 'human', name: 'Ana', endpoint: 'PJSIP/1001', nodeId: 'prod-a', createdAt: at });
  s.agents.upsert({ id: 'ag-2', kind: 'human', name: 'Bea', endpoint: 'PJSIP/1002', nodeId: 'prod-a', createdAt: at });
  s.campaigns.command(CAMPAIGN, 'start', at);
  s.close();
  await copySqliteToPg({ from: join(dir, 'seed.db'), to: db.url });
  // Another node's recordings and jobs in the same tables (its files on its own disk): not A's figures.
  const rows = pgRecorderStore(db.pool);
  for (const [id, state] of [['z-1', 'ready'], ['z-2', 'ready'], ['z-3', 'deleted']] as const) {
    await rows.recordings.start({ callId: id, name: id, campaignId: null, agentId: null, bridgeId: null, at, nodeId: 'node-z' });
    await rows.recordings.update(id, { state, encodedBytes: state === 'ready' ? 500_000_000 : null }, at);
    const job = await rows.jobs.enqueue({ callId: id, kind: 'fetch', maxAttempts: 1, at, nodeId: 'node-z' });
    await rows.jobs.settle(job.id, 'failed', at, { lastError: 'elsewhere' });
  }
}, 90_000);

afterAll(async () => {
  await Promise.all([a?.close(), b?.close()]);
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

function product(nodeId: string, extra: Record<string, string> = {}): Promise<PgProduct> {
  const rtp = 20000 + Math.floor(Math.random() * 400) * 100;
  const cfg = loadNodeConfig({
    DATABASE_URL: db.url,
    NODE_ID: nodeId,
    NODE_TTL_MS: '600000',
    CAMPAIGN_POLL_MS: '200',
    DB_PATH: join(dir, `${nodeId}.db`),
    RECORDINGS_DIR: join(dir, `${nodeId}-disk`),
    QUEUE_LOG_FILE: 'off',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    RTP_PORT_MIN: String(rtp),
    RTP_PORT_MAX: String(rtp + 99),
    SIM_SCENARIO: join(dir, 'long-talk.json'),
    ADMIN_PASSWORD,
    JWT_SECRET,
    SHUTDOWN_GRACE_SECONDS: '0',
    LOG_LEVEL: 'error',
    ...extra,
  });
  return startPgProduct(cfg, silentLogger);
}

type Item = { callId: string; state: string; hasAudio: boolean; nodeId: string; format: string | null; pauses: Array<{ resumedAt: number | null; by: string | null }> };

it('a second API process plays, pauses and resumes the PostgreSQL product\'s recordings through its node routes; /health counts its own', async () => {
  [a, b] = await Promise.all([product('prod-a'), product('prod-b')]);
  const baseA = `http://127.0.0.1:${a.httpPort}`;
  const baseB = `http://127.0.0.1:${b.httpPort}`;
  // A advertises its own port, /node: where B reaches its recordings.
  expect((await db.pool.query(`select id, public_url from cluster_nodes order by id`)).rows).toEqual([
    { id: 'prod-a', public_url: `${baseA}/node` },
    { id: 'prod-b', public_url: `${baseB}/node` },
  ]);
  const login = async (base: string) => {
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const tokenB = await login(baseB);
  const callB = async (method: string, path: string) => {
    const res = await fetch(`${baseB}${path}`, { method, headers: { authorization: `Bearer ${tokenB}` }, signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const listB = async () => {
    const r = await callB('GET', `/api/recordings?campaign_id=${CAMPAIGN}`);
    expect(r.status).toBe(200);
    return r.body['items'] as Item[];
  };

  // A live call of A's, paused and resumed through B: A's recorder does it (the node's 404/409 for a call that
  // ended meanwhile would be passed as is; with ~4 s talks the first live one is still live).
  const live = await until(async () => (await listB()).find((i) => i.state === 'recording'), 30_000, 100);
  expect(live.nodeId).toBe('prod-a');
  const paused = await callB('POST', `/api/calls/${live.callId}/recording/pause`);
  expect(paused).toMatchObject({ status: 200, body: { callId: live.callId, nodeId: 'prod-a', pauses: [{ resumedAt: null }] } });
  expect(await callB('POST', `/api/calls/${live.callId}/recording/pause`)).toMatchObject({ status: 409 });
  const resumed = await callB('POST', `/api/calls/${live.callId}/recording/resume`);
  expect(resumed).toMatchObject({ status: 200, body: { callId: live.callId, pauses: [{ resumedAt: expect.any(Number) }] } });
  expect(((await db.pool.query(`select pauses from recordings where call_id = $1`, [live.callId])).rows[0] as { pauses: unknown[] }).pauses).toHaveLength(1);

  // That recording finished on A's disk; enough calls.
  const ready = await until(async () => (await listB()).find((i) => i.callId === live.callId && i.state === 'ready' && i.hasAudio), 30_000, 200);
  await db.pool.query(`update campaigns set state = 'paused' where id = $1`, [CAMPAIGN]);
  expect(ready).toMatchObject({ nodeId: 'prod-a', format: 'ogg', pauses: [{ resumedAt: expect.any(Number) }] });
  const row = (await db.pool.query(`select encoded_path from recordings where call_id = $1`, [ready.callId])).rows[0] as { encoded_path: string };
  expect(row.encoded_path.startsWith(join(dir, 'prod-a-disk'))).toBe(true);
  const onDiskA = readFileSync(row.encoded_path);
  expect(onDiskA.length).toBeGreaterThan(100);

  // Its audio through B: A's file byte for byte, ranges passed to A's node routes.
  const urls = (await callB('POST', `/api/recordings/${ready.callId}/urls`)).body as { audio: string };
  const whole = await fetch(`${baseB}${urls.audio}`, { signal: AbortSignal.timeout(10_000) });
  expect(whole.status).toBe(200);
  expect(whole.headers.get('content-type')).toBe('audio/ogg');
  expect(Buffer.from(await whole.arrayBuffer()).equals(onDiskA)).toBe(true);
  const part = await fetch(`${baseB}${urls.audio}`, { headers: { range: 'bytes=10-99' }, signal: AbortSignal.timeout(10_000) });
  expect(part.status).toBe(206);
  expect(part.headers.get('content-range')).toBe(`bytes 10-99/${onDiskA.length}`);
  expect(Buffer.from(await part.arrayBuffer()).equals(onDiskA.subarray(10, 100))).toBe(true);
  const beyond = await fetch(`${baseB}${urls.audio}`, { headers: { range: `bytes=${onDiskA.length + 10}-` }, signal: AbortSignal.timeout(10_000) });
  expect(beyond.status).toBe(416);
  await beyond.arrayBuffer();

  // A's node routes: the same token rules as a node's health server.
  const nodeAudio = `${baseA}/node/recordings/${ready.callId}/audio?part=call`;
  const sign = (secret: string) =>
    `Bearer ${signNodeRecordingToken(nodeRecordingKey({ JWT_SECRET: secret })!, { node: 'prod-a', callId: ready.callId, action: 'audio:call', by: null, exp: Date.now() + NODE_RECORDING_TOKEN_TTL_MS })}`;
  const none = await fetch(nodeAudio, { signal: AbortSignal.timeout(10_000) });
  expect(none.status).toBe(401);
  expect(((await none.json()) as { error: { message: string } }).error.message).toContain('token is required');
  const other = await fetch(nodeAudio, { headers: { authorization: sign('y'.repeat(40)) }, signal: AbortSignal.timeout(10_000) });
  expect(other.status).toBe(401);
  expect(((await other.json()) as { error: { message: string } }).error.message).toContain('wrong signature');
  const good = await fetch(nodeAudio, { headers: { authorization: sign(JWT_SECRET) }, signal: AbortSignal.timeout(10_000) });
  expect(good.status).toBe(200);
  expect(Buffer.from(await good.arrayBuffer()).equals(onDiskA)).toBe(true);
  // Anything else under /node is the API's as before (the web app's or a 404), never a node route.
  expect((await fetch(`${baseA}/node/recordings/${ready.callId}`, { signal: AbortSignal.timeout(10_000) })).status).not.toBe(401);

  // A's /health: its own recordings and jobs (node-z's 1 GB, its deleted row and failed jobs not counted), and where
  // it serves them.
  const healthA = await until(async () => {
    const h = (await (await fetch(`${baseA}/health`, { signal: AbortSignal.timeout(10_000) })).json()) as { recordings: { nodeId: string; servedAt: string; usedBytes: number; byState: Record<string, number>; jobs: { failed: number } } };
    return (h.recordings.byState['ready'] ?? 0) >= 1 ? h : undefined;
  }, 10_000, 250);
  expect(healthA.recordings).toMatchObject({ nodeId: 'prod-a', servedAt: `${baseA}/node`, jobs: { failed: 0 } });
  expect(healthA.recordings.byState['deleted']).toBeUndefined();
  expect(healthA.recordings.usedBytes).toBeGreaterThan(0);
  expect(healthA.recordings.usedBytes).toBeLessThan(500_000_000);
}, 90_000);
