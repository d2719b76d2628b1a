/**
 * The console's hang-up of a call live on another node (#18), on real parts: one `centralita node` process on its
 * embedded PBX (a fresh PostgreSQL database, the shared Redis under a prefix of this run's own) dials one progressive
 * campaign of one lead for one agent; the callee answers as a person who would talk for ten minutes and the call is
 * bridged. An API app in this process, built like a stand-alone API over PostgreSQL (`callHistory: pgCallHistory`),
 * with an engine of its own that does not hold the call, is asked to hang it up:
 *
 * - without `clusterHangup` it answers 404 as before, takes `hangup_by` back, and the call goes on;
 * - with it (engine/cluster `callHangupAsker` on the same Redis) it answers 202, and the node really ends the call:
 *   its CallLog in PostgreSQL is closed within seconds (not minutes: the callee was going to talk ten) with
 *   `hangup_by = 'agent'`;
 * - an open CallLog of that node its engine does not hold: 404, `hangup_by` taken back;
 * - the node stopped (SIGSTOP: it hears but cannot answer): 503 `node_unreachable` after the bound, naming the node;
 * - the node killed (nobody listens): 503 at once; an API with neither engine nor port: 503 engine_unavailable.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callHangupAsker, clusterRedisClient, type CallHangupAsker, type RedisClient } from '../../engine/cluster/index.js';
import { ControlError, type EngineControl } from '../../engine/control/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { pacingPhone } from '../../engine/sim/index.js';
import { openStore } from '../../engine/store/index.js';
import { pgCallHistory, pgNodeStore, copySqliteToPg, migratePg, openPgPool, type PgPool } from '../../engine/store/pg/index.js';
import { harness, type Harness } from '../unit/api/harness.js';
import { startNodeProcess, type NodeProcess } from '../support/node-process.js';
import { createTestDatabase, type TestDatabase } from '../support/pg-database.js';
import { until } from '../support/until.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `test-h-hangup-${process.pid}-${randomBytes(3).toString('hex')}`;
const NODE = 'node-h';
const CAMPAIGN = 'c-hangup';
/** The asker's bound: short, so the stalled-node case does not make the test slow. */
const TIMEOUT_MS = 1500;

let db: TestDatabase;
let pool: PgPool;
let dir: string;
let redis: RedisClient;
let asker: CallHangupAsker;
let node: NodeProcess | undefined;
const apps: Harness[] = [];

/** This API's own engine: it holds no call of the node (a call there is "not live here"). */
const localEngine = {
  calls: {
    hangup: (id: string) => {
      throw new ControlError('not_found', `call ${id} is not live on this node`);
    },
  },
} as unknown as EngineControl;

beforeAll(async () => {
  db = await createTestDatabase('h_hangup');
  pool = openPgPool(db.url, { max: 3 });
  await migratePg(pool);
  dir = mkdtempSync(join(tmpdir(), 'centralita-h-hangup-'));
  // Every callee a person answering within a second who then talks for ~10 minutes: the call stays bridged until
  // someone ends it.
  const dense = JSON.parse(readFileSync(new URL('../../engine/pacing/scenarios/two-nodes-dense.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const scenario = { ...dense, name: 'long-talk', agents: 1, outcomes: { human: 1, machine: 0, busy: 0 }, ring: { minS: 0.5, maxS: 1, timeoutS: 20 }, talk: { distribution: 'lognormal', meanS: 600, sdS: 1 } };
  writeFileSync(join(dir, 'long-talk.json'), JSON.stringify(scenario));

  const at = Date.now();
  const s = openStore(join(dir, 'seed.db'));
  s.campaigns.create(
    CAMPAIGN,
    { name: 'Hang-up', dialMode: 'progressive', maxConcurrent: 1, dialStringTemplate: 'PJSIP/{e164}@trunk', callingHours: { start: '00:00', end: '24:00' }, weekdays: [1, 2, 3, 4, 5, 6, 7], wrapUpS: 1, maxAttempts: 1 },
    at,
  );
  const phone = pacingPhone(0);
  s.leads.insertMany([{ campaignId: CAMPAIGN, phoneE164: phone, phoneRaw: phone, timeZone: 'America/New_York', synthetic: true }], at);
  s.agents.upsert({ id: `${NODE}-1001`, kind: 'human', name: 'Agent 1001', endpoint: 'PJSIP/1001', nodeId: NODE, createdAt: at });
  s.campaigns.command(CAMPAIGN, 'start', at);
  s.close();
  await copySqliteToPg({ from: join(dir, 'seed.db'), to: db.url });

  redis = clusterRedisClient(REDIS_URL);
  await redis.connect();
  asker = await callHangupAsker(redis, { prefix: PREFIX, from: 'api-test', timeoutMs: TIMEOUT_MS, logger: silentLogger });
}, 90_000);

afterAll(async () => {
  if (node) {
    try {
      process.kill(node.pid, 'SIGCONT');
    } catch {
      // Already gone.
    }
    await node.kill9().catch(() => undefined);
  }
  for (const h of apps) h.close();
  await asker?.close();
  redis?.destroy();
  await pool?.end();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

/** An API over PostgreSQL's call history (users in its own SQLite, as the older api-calls-pg.test.ts built it). */
function api(o: { control?: EngineControl; clusterHangup?: CallHangupAsker }): Harness {
  const h = harness({ callHistory: pgCallHistory(pool), ...o });
  h.addUser('sup', 'supervisor');
  apps.push(h);
  return h;
}
const hangup = async (h: Harness, id: string) => {
  const res = await h.json('POST', `/api/calls/${id}/hangup`, undefined, h.bearer(await h.login('sup')));
  return { status: res.status, body: (await res.json()) as { error?: { code: string; message: string }; call_id?: string } };
};
type Row = { id: string; ended_at: string | null; bridged_at: string | null; hangup_by: string | null; disposition: string | null };
const row = async (id: string): Promise<Row> => (await pool.query<Row>('select id, ended_at, bridged_at, hangup_by, disposition from call_logs where id = $1', [id])).rows[0]!;

describe('hanging up a call live on another node', () => {
  it('asks the owning node over Redis: the call really ends with hangup_by agent; 404 when live nowhere; 503 when the node cannot answer', async () => {
    node = await startNodeProcess({
      env: {
        DATABASE_URL: db.url,
        NODE_ID: NODE,
        REDIS_URL,
        CLUSTER_PREFIX: PREFIX,
        SIM_SCENARIO: join(dir, 'long-talk.json'),
        RTP_PORT_MIN: '44700',
        RTP_PORT_MAX: '44799',
        SHUTDOWN_GRACE_SECONDS: '0',
        LOG_LEVEL: 'info',
      },
    });
    try {
      // The node's call, bridged to its agent and still up.
      const live = await until(async () => {
        const r = await pool.query<Row>(`select id, ended_at, bridged_at, hangup_by, disposition from call_logs where node_id = $1 and bridged_at is not null and ended_at is null`, [NODE]);
        return r.rows[0];
      }, 60_000, 200);

      // Before: an API whose engine does not hold the call and that cannot ask the node refuses it; the call goes on.
      const before = await hangup(api({ control: localEngine }), live.id);
      expect(before.status).toBe(404);
      expect(await row(live.id)).toMatchObject({ ended_at: null, hangup_by: null });

      const withPort = api({ control: localEngine, clusterHangup: asker });
      const asked = Date.now();
      const done = await hangup(withPort, live.id);
      expect(done).toEqual({ status: 202, body: { message: 'Hanging up', call_id: live.id } });
      const ended = await until(async () => {
        const r = await row(live.id);
        return r.ended_at !== null ? r : undefined;
      }, 15_000, 100);
      const endedMs = Date.now() - asked;
      expect(ended).toMatchObject({ hangup_by: 'agent', disposition: 'ANSWERED_HUMAN' });
      expect(endedMs).toBeLessThan(15_000);
      expect(node.lines.some((l) => l.includes('call hang-up asked by another process') && l.includes(live.id))).toBe(true);
      // Ended now: refused before anyone is asked.
      expect((await hangup(withPort, live.id)).status).toBe(404);

      // An open CallLog of the node that its engine does not hold (a row its engine never placed): live nowhere.
      const nodeLogs = pgNodeStore(pool).callLogs;
      await nodeLogs.create({ id: 'ghost-1', campaignId: CAMPAIGN, leadId: null, phone: '+15550001111', nodeId: NODE, channelId: 'ch-ghost', at: Date.now() });
      const ghost = await hangup(withPort, 'ghost-1');
      expect(ghost.status).toBe(404);
      expect(ghost.body.error?.message).toMatch(/not live on node node-h/);
      expect(await row('ghost-1')).toMatchObject({ ended_at: null, hangup_by: null });

      // The node stalled: it hears the request but cannot answer within the bound.
      process.kill(node.pid, 'SIGSTOP');
      let t = Date.now();
      const stalled = await hangup(withPort, 'ghost-1');
      const stalledMs = Date.now() - t;
      process.kill(node.pid, 'SIGCONT');
      expect(stalled.status).toBe(503);
      expect(stalled.body.error).toMatchObject({ code: 'node_unreachable' });
      expect(stalled.body.error?.message).toMatch(new RegExp(`node ${NODE} did not answer within ${TIMEOUT_MS} ms`));
      expect(stalledMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 10);
      expect(await row('ghost-1')).toMatchObject({ hangup_by: null });

      // The node killed: nobody listens on its channel, known at once.
      await node.kill9();
      t = Date.now();
      const gone = await until(async () => {
        const r = await hangup(withPort, 'ghost-1');
        return r.body.error?.message.includes('is not listening') ? r : undefined;
      }, 10_000, 100);
      expect(gone.status).toBe(503);
      expect(gone.body.error?.message).toMatch(/node node-h is not listening/);
      expect(await row('ghost-1')).toMatchObject({ hangup_by: null });

      // Neither an engine nor a way to ask: as before.
      const bare = await hangup(api({}), 'ghost-1');
      expect(bare).toMatchObject({ status: 503, body: { error: { code: 'engine_unavailable' } } });
      console.log(`api-hangup-remote: call ${live.id} ended ${endedMs} ms after the API was asked; a stalled node answered 503 after ${stalledMs} ms`);
    } catch (err) {
      console.log(`--- ${NODE} ---\n${node.lines.slice(-30).join('\n')}`);
      throw err;
    }
  }, 150_000);
});
