/**
 * The API's campaign routes over PostgreSQL (#18): an API app built with `campaignCatalog: pgCampaignCatalog(pool)`
 * creates, lists, shows, changes and deletes the campaigns in PostgreSQL's `campaigns` table — the one the engine
 * nodes follow — and nothing in its SQLite file. start/pause/stop need no local engine there: the command is stored
 * in the row (with the lifecycle's refusals: 404, 409) and published over Redis (the real one, 127.0.0.1:6379 or
 * TEST_REDIS_URL, a prefix of this file's own) so the nodes read it at once; a publish that fails is a warning, the
 * command stays stored. Bad input is a 4xx naming the field; the roles are those of the SQLite routes.
 * Without the port these routes read and write SQLite and answer 503 to a command without an engine.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clusterRedisClient, publishCampaignCommand, subscribeCampaignCommands, type CampaignCommand, type CampaignCommandSubscription, type RedisClient } from '../../engine/cluster/index.js';
import { pgCampaignCatalog, PgCampaigns, pgNodeStore } from '../../engine/store/pg/index.js';
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
const sqliteCount = () => (h.store.sqlite.prepare('select count(*) as n from campaigns').get() as { n: number }).n;
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
  it('create, list, detail and a settings change live in PostgreSQL, not in the SQLite file', async () => {
    const a = await create('Norte', { dialMode: 'predictive', maxConcurrent: 30 });
    h.clock.advance(1);
    const b = await create('Sur');
    expect(a).toMatchObject({ state: 'draft', dialMode: 'predictive', maxConcurrent: 30, ringTimeoutS: 25 });
    expect(await pgRow(a.id)).toEqual(a);
    expect(sqliteCount()).toBe(0);

    const listed = (await (await send('GET', '/api/campaigns', 'lead')).json()) as { items: Campaign[] };
    expect(listed.items.map((c) => c.id)).toEqual([a.id, b.id]);

    // The detail's lead counts are PostgreSQL's leads (what the nodes dial).
    const node = pgNodeStore(pool);
    await pool.query(
      `insert into leads (id, campaign_id, phone_e164, phone_raw, priority, custom, status, next_due_at, synthetic, created_at, updated_at)
       values ('l1', $1, '+50688880001', '1', 3, '{}', 'no_selected', 0, false, 0, 0), ('l2', $1, '+50688880002', '2', 3, '{}', 'completed', 0, false, 0, 0)`,
      [a.id],
    );
    const detail = (await (await send('GET', `/api/campaigns/${a.id}`, 'lead')).json()) as Campaign;
    expect(detail).toMatchObject({ id: a.id, name: 'Norte', leads: { completed: 1, no_selected: 1 } });
    await error(await send('GET', '/api/campaigns/nope', 'lead'), 404, 'not_found');

    h.clock.advance(5_000);
    const patched = await send('PATCH', `/api/campaigns/${a.id}`, 'admin', { maxConcurrent: 45, ringTimeoutS: 40 });
    expect(patched.status).toBe(200);
    const after = (await patched.json()) as Campaign;
    expect(after).toMatchObject({ maxConcurrent: 45, ringTimeoutS: 40, dialMode: 'predictive', state: 'draft', updatedAt: h.clock.now() });
    // The row the nodes read (a changed updated_at makes them reload the settings).
    expect(await node.campaigns.get(a.id)).toEqual(after);
    expect(sqliteCount()).toBe(0);
  });

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

  it('answers bad input with a 4xx naming the field, writing nothing', async () => {
    const short = await error(await send('POST', '/api/campaigns', 'sup', { name: 'x', ringTimeoutS: 5 }), 422, 'validation_failed');
    expect(short.error.details).toMatchObject([{ field: 'ringTimeoutS', problem: 'must be at least 15 s' }]);
    const cross = await error(await send('POST', '/api/campaigns', 'sup', { name: 'x', machineAction: 'message' }), 422, 'validation_failed');
    expect(cross.error.details!.map((d) => d.field)).toEqual(['voicemailMessage']);
    const unknown = await error(await send('POST', '/api/campaigns', 'sup', { name: 'x', speed: 'fast' }), 422, 'validation_failed');
    expect(unknown.error.details).toMatchObject([{ field: 'speed', problem: 'is not a known field' }]);
    expect(await new PgCampaigns(pool).list()).toEqual([]);

    const c = await create('Norte');
    const bad = await error(await send('PATCH', `/api/campaigns/${c.id}`, 'sup', { dropTarget: 0.2 }), 422, 'validation_failed');
    expect(bad.error.details!.map((d) => d.field)).toEqual(['dropTarget']);
    const state = await error(await send('PATCH', `/api/campaigns/${c.id}`, 'sup', { state: 'running' }), 422, 'validation_failed');
    expect(state.error.details).toMatchObject([{ field: 'state', problem: 'is not a known field' }]);
    await error(await send('PATCH', '/api/campaigns/nope', 'sup', { name: 'y' }), 404, 'not_found');
    await error(await send('GET', '/api/campaigns?state=flying', 'sup'), 422, 'validation_failed');
    expect(await pgRow(c.id)).toEqual(c);
  });

  it('keeps the roles: team leads read, supervisors and admins manage, agents nothing', async () => {
    const c = await create('Norte');
    expect((await send('POST', '/api/campaigns', 'lead', { name: 'x' })).status).toBe(403);
    expect((await send('POST', '/api/campaigns', 'agent', { name: 'x' })).status).toBe(403);
    expect((await send('GET', '/api/campaigns', 'agent')).status).toBe(403);
    expect((await send('GET', `/api/campaigns/${c.id}`, 'agent')).status).toBe(403);
    expect((await send('PATCH', `/api/campaigns/${c.id}`, 'lead', { ringTimeoutS: 40 })).status).toBe(403);
    for (const cmd of ['start', 'pause', 'stop']) expect((await send('POST', `/api/campaigns/${c.id}/${cmd}`, 'lead')).status).toBe(403);
    expect((await send('DELETE', `/api/campaigns/${c.id}`, 'lead')).status).toBe(403);
    expect(await pgRow(c.id)).toEqual(c);
    expect(heard).toEqual([]);
    expect((await send('GET', '/api/campaigns', 'lead')).status).toBe(200);
    expect((await send('POST', `/api/campaigns/${c.id}/start`, 'admin')).status).toBe(200);
  });
});
