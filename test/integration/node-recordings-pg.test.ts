/**
 * A headless engine node records its calls and any API process plays them (#18, scale-out). Real parts: `centralita
 * node` in a child process on its embedded PBX (short calls, people answering), with two agents and a recording
 * progressive campaign in a fresh PostgreSQL database; an API built over PostgreSQL as `npm start` builds it
 * (`pgHarness`), its own node another one, served on another port of this process.
 *
 * The node writes the recordings' rows with its id and advertises where it serves them (cluster_nodes.public_url);
 * the API lists them with their node and streams their audio from the node — the same bytes as the node's file,
 * HTTP Range passed through (206, 416), the download named as for a local file; a deletion is carried to the node
 * (its files gone from its disk, the row `deleted`). On the node itself: no token, a malformed one, one signed with
 * another secret, an expired one, or one for another recording → 401, never the file. One that accepts the
 * connection and never answers → 503 within the API's timeout, no hang; the node killed (`kill -9`: still `up` in
 * the table until reaped) → 503 naming it, ECONNREFUSED; reaped (`down`) → 503 naming it at once.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../api/server.js';
import { NODE_RECORDING_TOKEN_TTL_MS, nodeRecordingKey, signNodeRecordingToken } from '../../engine/recordings/index.js';
import { pacingPhone } from '../../engine/sim/index.js';
import { openStore } from '../../engine/store/index.js';
import { copySqliteToPg } from '../../engine/store/pg/index.js';
import { pgNodeRecordings } from '../../app/pg/index.js';
import { startNodeProcess, type NodeProcess } from '../support/node-process.js';
import { openMigratedTestDatabase, type MigratedTestDatabase } from '../support/pg-database.js';
import { until } from '../support/until.js';
import { pgHarness, type Harness } from '../unit/api/harness.js';

const CAMPAIGN = 'c-node-rec';
const NODE = 'node-rec';
const JWT_SECRET = 'x'.repeat(40); // the harness's API has this one
const key = nodeRecordingKey({ JWT_SECRET })!;
let db: MigratedTestDatabase;
let dir: string;
let node: NodeProcess | undefined;
let h: Harness | undefined;
let api: RunningServer | undefined;
let silent: Server | undefined;

beforeAll(async () => {
  db = await openMigratedTestDatabase('node_recordings');
  dir = mkdtempSync(join(tmpdir(), 'node-recordings-'));
  const at = Date.now();
  const s = openStore(join(dir, 'seed.db'));
  s.campaigns.create(
    CAMPAIGN,
    {
      name: 'Recorded on a node',
      dialMode: 'progressive',
      dialStringTemplate: 'PJSIP/{e164}@trunk',
      callingHours: { start: '00:00', end: '24:00' },
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      wrapUpS: 0,
      maxAttempts: 1,
      recording: true,
    },
    at,
  );
  s.transaction(() => s.leads.insertMany(Array.from({ length: 30 }, (_, i) => ({ campaignId: CAMPAIGN, phoneE164: pacingPhone(i), phoneRaw: pacingPhone(i), timeZone: 'America/New_York', synthetic: true })), at));
  s.agents.upsert({ id: 'ag-1', kind: 'human', name: 'Ana', endpoint: 'PJSIP/1001', nodeId: NODE, createdAt: at });
  // Two agents: two calls recorded at once (the test waits for two recordings).
  s.agents.upsert({ id: 'ag-2', kind: 'human', name: 'Bea', endpoint: 'PJSIP/1002', nodeId: NODE, createdAt: at });
  s.campaigns.command(CAMPAIGN, 'start', at);
  s.close();
  await copySqliteToPg({ from: join(dir, 'seed.db'), to: db.url });
}, 90_000);

afterAll(async () => {
  await api?.close();
  h?.close();
  silent?.close();
  await node?.kill9();
  await db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}, 60_000);

type Item = { callId: string; state: string; hasAudio: boolean; nodeId: string; format: string | null };

it('a node records, the API on another port plays its audio from the node (Range, download, delete), 401 without a good token, 503 naming the node when it is gone', async () => {
  node = await startNodeProcess({
    env: {
      DATABASE_URL: db.url,
      NODE_ID: NODE,
      SIM_SCENARIO: 'two-nodes-dense',
      RTP_PORT_MIN: '46800',
      RTP_PORT_MAX: '46899',
      CAMPAIGN_POLL_MS: '200',
      LOG_LEVEL: 'warn',
      DB_PATH: join(dir, 'node.db'),
      QUEUE_LOG_FILE: 'off',
      RECORDINGS_DIR: join(dir, 'node-disk'),
      JWT_SECRET,
    },
  });
  // It advertises where it serves its recordings: its health server's address (no NODE_PUBLIC_URL here), in its banner
  // and in cluster_nodes.
  const recordingsUrl = node.healthUrl.replace(/\/health$/, '');
  expect(node.lines.join('\n')).toContain(`recordings served at ${recordingsUrl}`);
  expect((await db.pool.query(`select public_url from cluster_nodes where id = $1`, [NODE])).rows).toEqual([{ public_url: recordingsUrl }]);

  // An API over the same database, whose own node is another one (it holds none of these files), on its own port.
  h = pgHarness(db.pool, {}, (_store, clock) => ({ nodeRecordings: pgNodeRecordings(db.pool, { localNodeId: 'node-api', config: { JWT_SECRET }, now: () => clock.now(), timeoutMs: 1500 }) }));
  h.clock.advanceTo(Date.now());
  api = await listen(h.app, '127.0.0.1', 0);
  const base = `http://127.0.0.1:${api.port}`;
  const token = await h.login('admin');
  const call = async (method: string, path: string) => {
    const res = await fetch(`${base}${path}`, { method, headers: h!.bearer(token), signal: AbortSignal.timeout(10_000) });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  // Two of the node's calls recorded and transcoded, listed by the API with their node.
  const ready = await until(async () => {
    const r = await call('GET', `/api/recordings?campaign_id=${CAMPAIGN}`);
    expect(r.status).toBe(200);
    const items = (r.body['items'] as Item[]).filter((i) => i.state === 'ready' && i.hasAudio);
    return items.length >= 2 ? items : undefined;
  }, 60_000, 250);
  // Enough: no more calls while the rest is checked.
  await db.pool.query(`update campaigns set state = 'paused' where id = $1`, [CAMPAIGN]);
  for (const i of ready) expect(i).toMatchObject({ nodeId: NODE, format: 'ogg' });
  const [played, deleted] = ready as [Item, Item];
  const row = (await db.pool.query(`select node_id, encoded_path from recordings where call_id = $1`, [played.callId])).rows[0] as { node_id: string; encoded_path: string };
  expect(row.node_id).toBe(NODE);
  expect(row.encoded_path.startsWith(join(dir, 'node-disk'))).toBe(true);
  const onNodeDisk = readFileSync(row.encoded_path);
  expect(onNodeDisk.length).toBeGreaterThan(100);

  // The audio through the API: the node's file, byte for byte.
  const urls = (await call('POST', `/api/recordings/${played.callId}/urls`)).body as { audio: string; download: string };
  const whole = await fetch(`${base}${urls.audio}`, { signal: AbortSignal.timeout(10_000) });
  expect(whole.status).toBe(200);
  expect(whole.headers.get('content-type')).toBe('audio/ogg');
  expect(whole.headers.get('accept-ranges')).toBe('bytes');
  expect(Buffer.from(await whole.arrayBuffer()).equals(onNodeDisk)).toBe(true);
  // A range, passed to the node and answered by it.
  const part = await fetch(`${base}${urls.audio}`, { headers: { range: 'bytes=10-99' }, signal: AbortSignal.timeout(10_000) });
  expect(part.status).toBe(206);
  expect(part.headers.get('content-range')).toBe(`bytes 10-99/${onNodeDisk.length}`);
  expect(part.headers.get('content-length')).toBe('90');
  expect(Buffer.from(await part.arrayBuffer()).equals(onNodeDisk.subarray(10, 100))).toBe(true);
  const tail = await fetch(`${base}${urls.audio}`, { headers: { range: 'bytes=-16' }, signal: AbortSignal.timeout(10_000) });
  expect(tail.status).toBe(206);
  expect(Buffer.from(await tail.arrayBuffer()).equals(onNodeDisk.subarray(onNodeDisk.length - 16))).toBe(true);
  const beyond = await fetch(`${base}${urls.audio}`, { headers: { range: `bytes=${onNodeDisk.length + 10}-` }, signal: AbortSignal.timeout(10_000) });
  expect(beyond.status).toBe(416);
  expect(beyond.headers.get('content-range')).toBe(`bytes */${onNodeDisk.length}`);
  await beyond.arrayBuffer();
  const download = await fetch(`${base}${urls.download}`, { signal: AbortSignal.timeout(10_000) });
  expect(download.status).toBe(200);
  expect(download.headers.get('content-disposition')).toMatch(new RegExp(`^attachment; filename="recording-.*-agent-ag-[12]-${played.callId}\\.ogg"$`));
  expect(Buffer.from(await download.arrayBuffer()).equals(onNodeDisk)).toBe(true);

  // On the node itself: only a good token opens the file.
  const nodeAudio = `${recordingsUrl}/recordings/${played.callId}/audio?part=call`;
  const ask = (auth?: string, path = nodeAudio) => fetch(path, { headers: auth ? { authorization: auth } : {}, signal: AbortSignal.timeout(10_000) });
  const sign = (o: Partial<{ node: string; callId: string; action: 'audio:call' | 'audio:amd' | 'delete'; exp: number }> = {}, k = key) =>
    `Bearer ${signNodeRecordingToken(k, { node: NODE, callId: played.callId, action: 'audio:call', by: null, exp: Date.now() + NODE_RECORDING_TOKEN_TTL_MS, ...o })}`;
  const refused = async (res: Response) => ({ status: res.status, type: res.headers.get('content-type'), message: ((await res.json()) as { error: { message: string } }).error.message });
  expect(await refused(await ask())).toEqual({ status: 401, type: 'application/json', message: expect.stringContaining('token is required') });
  expect(await refused(await ask('Bearer nonsense'))).toMatchObject({ status: 401, message: expect.stringContaining('malformed') });
  expect(await refused(await ask(sign({}, nodeRecordingKey({ JWT_SECRET: 'y'.repeat(40) })!)))).toMatchObject({ status: 401, message: expect.stringContaining('wrong signature') });
  expect(await refused(await ask(sign({ exp: Date.now() - 1000 })))).toMatchObject({ status: 401, message: expect.stringContaining('expired') });
  expect(await refused(await ask(sign({ callId: deleted.callId })))).toMatchObject({ status: 401, message: expect.stringContaining('another recording') });
  expect(await refused(await ask(sign({ node: 'node-other' })))).toMatchObject({ status: 401, message: expect.stringContaining('not this node') });
  expect(await refused(await ask(sign({ action: 'delete' })))).toMatchObject({ status: 401 });
  const good = await ask(sign());
  expect(good.status).toBe(200);
  expect(Buffer.from(await good.arrayBuffer()).equals(onNodeDisk)).toBe(true);

  // A deletion carried to the node: its files gone from its disk, the row deleted by this user.
  const delRow = (await db.pool.query(`select wav_path, encoded_path from recordings where call_id = $1`, [deleted.callId])).rows[0] as { wav_path: string | null; encoded_path: string };
  expect(existsSync(delRow.encoded_path)).toBe(true);
  const del = await call('DELETE', `/api/recordings/${deleted.callId}`);
  expect(del.status).toBe(200);
  expect(del.body).toMatchObject({ callId: deleted.callId, state: 'deleted', nodeId: NODE, hasAudio: false, deletedBy: expect.any(String) });
  expect(existsSync(delRow.encoded_path)).toBe(false);
  expect((await db.pool.query(`select state from recordings where call_id = $1`, [deleted.callId])).rows).toEqual([{ state: 'deleted' }]);
  expect((await call('DELETE', `/api/recordings/${deleted.callId}`)).status).toBe(404);

  // A node that accepts the connection and never answers: 503 within the API's timeout (1.5 s), naming it.
  silent = createServer(() => undefined);
  await new Promise<void>((r) => silent!.listen(0, '127.0.0.1', r));
  const silentPort = (silent.address() as { port: number }).port;
  await db.pool.query(`update cluster_nodes set public_url = $2 where id = $1`, [NODE, `http://127.0.0.1:${silentPort}`]);
  let t0 = Date.now();
  const stalled = await fetch(`${base}${urls.audio}`, { signal: AbortSignal.timeout(10_000) });
  expect(Date.now() - t0).toBeLessThan(5000);
  expect(await refused(stalled)).toMatchObject({ status: 503, message: expect.stringMatching(new RegExp(`^Node ${NODE} did not answer within 1500 ms`)) });
  await db.pool.query(`update cluster_nodes set public_url = $2 where id = $1`, [NODE, recordingsUrl]);

  // The node killed: still `up` in the table (no other node to reap it), nothing listens → 503 naming it, at once.
  await node.kill9();
  expect((await db.pool.query(`select state from cluster_nodes where id = $1`, [NODE])).rows).toEqual([{ state: 'up' }]);
  t0 = Date.now();
  const killed = await fetch(`${base}${urls.audio}`, { signal: AbortSignal.timeout(10_000) });
  expect(await refused(killed)).toMatchObject({ status: 503, message: expect.stringMatching(new RegExp(`^Node ${NODE} is unreachable at http://127\\.0\\.0\\.1:\\d+: ECONNREFUSED`)) });
  expect(Date.now() - t0).toBeLessThan(2000);
  expect(await refused(await fetch(`${base}/api/recordings/${played.callId}`, { method: 'DELETE', headers: h.bearer(token) }))).toMatchObject({ status: 503, message: expect.stringContaining(NODE) });
  // Reaped (what another node's reaper writes): 503 naming it without asking it.
  await db.pool.query(`update cluster_nodes set state = 'down' where id = $1`, [NODE]);
  const down = await fetch(`${base}${urls.audio}`, { signal: AbortSignal.timeout(10_000) });
  expect(await refused(down)).toMatchObject({ status: 503, message: expect.stringContaining(`node ${NODE}, which is down`) });
  // The recording itself is untouched: listed, its file still on the node's disk.
  expect(existsSync(row.encoded_path)).toBe(true);
}, 120_000);
