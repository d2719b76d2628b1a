/**
 * The campaign commands over PostgreSQL (#18), PostgreSQL-only: with `campaignCatalog: pgCampaignCatalog(pool)`
 * start/pause/stop need no local engine: the command is stored in the row (with the lifecycle's refusals: 404, 409) and
 * published over Redis (the real one, 127.0.0.1:6379 or TEST_REDIS_URL, a prefix of this file's own) so the nodes read
 * it at once; a publish that fails is a warning, the command stays stored; a team lead's refused command publishes
 * nothing. A start the single-process engine control refuses (engine/control startRefusal: a power/predictive campaign
 * sharing agents with a running one, settings the engine cannot load) is refused the same way, before the row changes,
 * also when two API processes start two such campaigns at the same instant (the check and the write are one step).
 * Without the port these routes answer 503 to a command without an engine. Create, list, detail, changes,
 * deletes, bad input and roles run on both dialects in api-campaigns.test.ts.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clusterRedisClient, publishCampaignCommand, subscribeCampaignCommands, type CampaignCommand, type CampaignCommandSubscription, type RedisClient } from '../../engine/cluster/index.js';
import { openPgPool, pgAgentDirectory, pgCampaignCatalog, PgAgents, PgCampaigns } from '../../engine/store/pg/index.js';
import type { PgPool } from '../../engine/store/pg/index.js';
import { emptyTables, openMigratedTestDatabase, type MigratedTestDatabase } from '../support/pg-database.js';
import { until } from '../support/until.js';
import { harness, type Harness } from '../unit/api/harness.js';
import { recordingLogger } from '../support/recording-logger.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `h-campaigns-pg-${process.pid}-${randomBytes(4).toString('hex')}`;

type Campaign = { id: string; name: string; state: string; dialMode: string; ringTimeoutS: number; maxConcurrent: number; updatedAt: number; leads?: Record<string, number> };
type ErrorBody = { error: { code: string; message: string; details?: Array<{ field: string; problem: string }> } };

let db: MigratedTestDatabase;
let pool: PgPool;
let redis: RedisClient;
let sub: CampaignCommandSubscription;
/** What a node subscribed to this prefix heard. */
let heard: CampaignCommand[];
const log = recordingLogger();
const { logger } = log;
let failPublish: boolean;
let h: Harness;
let tokens: Record<'admin' | 'sup' | 'lead' | 'agent', Record<string, string>>;


beforeAll(async () => {
  ({ pool } = db = await openMigratedTestDatabase('h_campaigns_pg_api'));
  redis = clusterRedisClient(REDIS_URL);
  await redis.connect();
  sub = await subscribeCampaignCommands(redis, (c) => void heard.push(c), { prefix, logger });
}, 60_000);
afterAll(async () => {
  await sub?.close();
  redis?.destroy();
  await db?.close();
});

beforeEach(async () => {
  await emptyTables(pool);
  heard = [];
  log.warnings.length = 0;
  failPublish = false;
  h = harness({
    campaignCatalog: pgCampaignCatalog(pool),
    agentDirectory: pgAgentDirectory(pool),
    // What a start with REDIS_URL passes: engine/cluster's publisher (ClusterServices.publishCommand).
    campaignCommands: {
      publishCommand: async (campaignId, action) => {
        if (failPublish) throw new Error('Redis (campaign command) did not answer within 2000 ms');
        return publishCampaignCommand(redis, { campaignId, action, at: h.clock.now(), from: 'api-test' }, { prefix });
      },
    },
    logger,
  });
  h.addUser('sup', 'supervisor');
  h.addUser('lead', 'teamlead');
  h.addUser('agent', 'agent');
  tokens = {
    admin: h.bearer(await h.login('admin')),
    sup: h.bearer(await h.login('sup')),
    lead: h.bearer(await h.login('lead')),
    agent: h.bearer(await h.login('agent')),
  };
});
afterEach(() => h.close());

const send = (method: string, path: string, who: keyof typeof tokens, body?: unknown) => h.json(method, path, body, tokens[who]);
const pgRow = async (id: string) => new PgCampaigns(pool).get(id);
async function error(res: Response, status: number, code: string): Promise<ErrorBody> {
  const body = (await res.json()) as ErrorBody;
  expect({ status: res.status, code: body.error.code }).toEqual({ status, code });
  return body;
}
async function create(name: string, extra: Record<string, unknown> = {}): Promise<Campaign> {
  const res = await send('POST', '/api/campaigns', 'sup', { name, ...extra });
  expect(res.status).toBe(201);
  return (await res.json()) as Campaign;
}

describe('campaign routes over PostgreSQL', () => {
  it('start, pause and stop are stored in the row and published to the nodes, with no local engine', async () => {
    const c = await create('Norte');
    for (const [cmd, state] of [
      ['start', 'running'],
      ['pause', 'paused'],
      ['start', 'running'],
      ['stop', 'stopped'],
    ] as const) {
      h.clock.advance(1_000);
      const res = await send('POST', `/api/campaigns/${c.id}/${cmd}`, 'sup');
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ id: c.id, state });
      expect(await pgRow(c.id)).toMatchObject({ state, updatedAt: h.clock.now() });
    }
    await until(() => (heard.length === 4 ? true : undefined), 5_000, 20);
    expect(heard.map((m) => [m.campaignId, m.action])).toEqual([
      [c.id, 'start'],
      [c.id, 'pause'],
      [c.id, 'start'],
      [c.id, 'stop'],
    ]);
    expect(log.warnings.map((w) => w.msg)).toEqual([]);

    // The lifecycle's refusals, as the engine control answers them; nothing published.
    const again = await error(await send('POST', `/api/campaigns/${c.id}/stop`, 'sup'), 409, 'conflict');
    expect(again.error.message).toBe('campaign is already stopped');
    await error(await send('POST', `/api/campaigns/${c.id}/pause`, 'sup'), 409, 'conflict');
    await error(await send('POST', '/api/campaigns/nope/start', 'sup'), 404, 'not_found');
    expect(await pgRow(c.id)).toMatchObject({ state: 'stopped' });
    expect(heard).toHaveLength(4);
  });

  it('a publish that fails is a warning: the command is stored and answered', async () => {
    const c = await create('Norte');
    failPublish = true;
    const res = await send('POST', `/api/campaigns/${c.id}/start`, 'sup');
    expect(res.status).toBe(200);
    expect(await pgRow(c.id)).toMatchObject({ state: 'running' });
    expect(log.warnings.map((w) => w.msg)).toEqual(['campaign command stored but not published: the nodes follow it at their next read']);
  });

  it('deletes from PostgreSQL, refusing a running campaign', async () => {
    const c = await create('Norte');
    await send('POST', `/api/campaigns/${c.id}/start`, 'sup');
    await error(await send('DELETE', `/api/campaigns/${c.id}`, 'sup'), 409, 'conflict');
    expect(await pgRow(c.id)).toMatchObject({ state: 'running' });
    await send('POST', `/api/campaigns/${c.id}/stop`, 'sup');
    expect((await send('DELETE', `/api/campaigns/${c.id}`, 'sup')).status).toBe(200);
    expect(await pgRow(c.id)).toBeUndefined();
    await error(await send('DELETE', `/api/campaigns/${c.id}`, 'sup'), 404, 'not_found');
  });

  it("a team lead's commands are refused and publish nothing; an admin's is published", async () => {
    const c = await create('Norte');
    for (const cmd of ['start', 'pause', 'stop']) expect((await send('POST', `/api/campaigns/${c.id}/${cmd}`, 'lead')).status).toBe(403);
    expect(await pgRow(c.id)).toEqual(c);
    expect(heard).toEqual([]);
    expect((await send('POST', `/api/campaigns/${c.id}/start`, 'admin')).status).toBe(200);
    await until(() => (heard.length === 1 ? true : undefined), 5_000, 20);
    expect(heard.map((m) => [m.campaignId, m.action])).toEqual([[c.id, 'start']]);
  });

  it('a start the engine control refuses is refused before the row changes: shared overdial 409, settings that cannot load 422', async () => {
    const y = await create('Y', { dialMode: 'power', dialRatio: 2 });
    const w = await create('W', { dialMode: 'predictive' });
    const z = await create('Z', { dialMode: 'progressive' });
    const agents = new PgAgents(pool);
    for (const [id, campaignIds] of [
      ['agent-1003', [y.id]],
      ['agent-1004', [y.id, w.id]],
      ['agent-1005', [y.id, z.id]],
    ] as const) {
      await agents.create({ id, kind: 'human', name: id, endpoint: `PJSIP/${id.slice(6)}`, campaignIds: [...campaignIds], createdAt: 0 });
    }
    expect((await send('POST', `/api/campaigns/${y.id}/start`, 'sup')).status).toBe(200);
    // W's team {1004} overlaps running Y's: refused naming Y and the shared agent; nothing stored, nothing published.
    const refused = await error(await send('POST', `/api/campaigns/${w.id}/start`, 'sup'), 409, 'conflict');
    expect(refused.error.message).toMatch(new RegExp(`^campaign "${y.name}" \\(power\\) is running and shares agents with "${w.name}": agent-1004;`));
    expect(refused.error.message).toMatch(/agent-1004/);
    expect(refused.error.message).not.toMatch(/agent-1003|agent-1005/);
    expect(await pgRow(w.id)).toMatchObject({ state: 'draft' });
    // A progressive campaign shares agent-1005 safely (it reserves its agent before dialing).
    expect((await send('POST', `/api/campaigns/${z.id}/start`, 'sup')).status).toBe(200);
    // Once Y stops, W starts.
    expect((await send('POST', `/api/campaigns/${y.id}/stop`, 'sup')).status).toBe(200);
    expect((await send('POST', `/api/campaigns/${w.id}/start`, 'sup')).status).toBe(200);
    await until(() => (heard.length === 4 ? true : undefined), 5_000, 20);
    expect(heard.map((m) => [m.campaignId, m.action])).toEqual([
      [y.id, 'start'],
      [z.id, 'start'],
      [y.id, 'stop'],
      [w.id, 'start'],
    ]);

    // Settings an older version let through (written by hand): the start is a 422 naming the field, the row unchanged.
    const bad = await create('bad');
    await pool.query(`update campaigns set amd = '{"foo":1}' where id = $1`, [bad.id]);
    const invalid = await error(await send('POST', `/api/campaigns/${bad.id}/start`, 'sup'), 422, 'validation_failed');
    expect(invalid.error.message).toMatch(/amd\.foo is not a known field/);
    expect(await pgRow(bad.id)).toMatchObject({ state: 'draft' });
  });

  it('two API processes starting two campaigns that share agents at the same instant: one runs, the other is refused, every round', async () => {
    // A second API app over a pool of its own on the same database, as a second API process (another machine) has.
    const pool2 = openPgPool(db.url);
    const h2 = harness({ campaignCatalog: pgCampaignCatalog(pool2), agentDirectory: pgAgentDirectory(pool2), logger });
    try {
      h2.addUser('sup', 'supervisor');
      const sup2 = h2.bearer(await h2.login('sup'));
      const a = await create('A', { dialMode: 'power', dialRatio: 2 });
      const b = await create('B', { dialMode: 'predictive' });
      await new PgAgents(pool).create({ id: 'agent-1004', kind: 'human', name: 'Ines', endpoint: 'PJSIP/1004', campaignIds: [a.id, b.id], createdAt: 0 });
      const startOn = [(id: string) => send('POST', `/api/campaigns/${id}/start`, 'sup'), (id: string) => h2.json('POST', `/api/campaigns/${id}/start`, undefined, sup2)];
      // Without the lock both requests read the other campaign as not running and both store `running` (in 97 and 99
      // of 100 rounds when measured); one such round fails the test.
      for (let round = 0; round < 20; round++) {
        // Each app starts one of the two; which starts which alternates.
        const pair = round % 2 === 0 ? [a, b] : [b, a];
        const before = await Promise.all(pair.map((c) => pgRow(c.id)));
        const answers = await Promise.all(pair.map((c, i) => startOn[i]!(c.id)));
        expect(answers.map((r) => r.status).sort(), `round ${round}`).toEqual([200, 409]);
        const won = answers[0]!.status === 200 ? 0 : 1;
        const [winner, loser] = [pair[won]!, pair[1 - won]!];
        const refused = (await answers[1 - won]!.json()) as ErrorBody;
        expect(refused.error.code).toBe('conflict');
        expect(refused.error.message).toMatch(new RegExp(`^campaign "${winner.name}" \\(${winner.dialMode}\\) is running and shares agents with "${loser.name}": Ines;`));
        expect(await pgRow(winner.id)).toMatchObject({ state: 'running' });
        expect(await pgRow(loser.id)).toEqual(before[1 - won]);
        h.clock.advance(1_000);
        expect((await send('POST', `/api/campaigns/${winner.id}/stop`, 'sup')).status).toBe(200);
      }
    } finally {
      h2.close();
      await pool2.end();
    }
  });
});
