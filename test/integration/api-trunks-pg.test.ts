/**
 * Carrier trunks and agent phones over PostgreSQL (#18): an API app built with `trunkCatalog: pgTrunkCatalog(pool)`,
 * `campaignCatalog: pgCampaignCatalog(pool)` and `agentDirectory: pgAgentDirectory(pool)` lists, creates, changes,
 * deletes, renders and pushes the trunks of PostgreSQL's `trunks` table (passwords sealed there exactly as on SQLite),
 * names the PostgreSQL campaigns that dial through a trunk, and renders and pushes the phone of a PostgreSQL agent.
 * The SQLite file holds different trunks, campaigns and agents on purpose: a route reading the wrong database fails.
 * ARI is a stand-in accepting dynamic configuration (the tests' real Asterisk has no PJSIP: test/both/trunk-push.test.ts).
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseCampaignSettings } from '../../engine/campaigns/index.js';
import { agentSorceryObjects, trunkSorceryObjects } from '../../engine/deploy/index.js';
import { campaignSettingsToRow, pgAgentDirectory, pgCampaignCatalog, pgTrunkCatalog, SecretBox, type TrunkRow } from '../../engine/store/index.js';
import type { PgPool } from '../../engine/store/pg/index.js';
import * as pgs from '../../engine/store/schema-pg/index.js';
import { createApiApp } from '../../api/index.js';
import { standInAri, type StandInAri } from '../support/stand-in-ari.js';
import { until } from '../support/until.js';
import { emptyTables, openMigratedTestDatabase, type MigratedTestDatabase } from '../support/pg-database.js';
import { silentLogger } from '../../engine/log/logger.js';
import { ADMIN_PASSWORD, harness, healthReport, type Harness } from '../unit/api/harness.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const JWT_SECRET = 'x'.repeat(40);
/** The harness has no SECRETS_KEY: passwords are sealed under JWT_SECRET, on either database. */
const box = SecretBox.fromSecret(JWT_SECRET);
const TRUNK = { name: 'carrier', host: 'sip.example.net:5060', username: 'acct-42', password: 'Pg-Trunk-Pw-1' };
type ErrorBody = { error: { code: string; message: string; details?: Array<{ field: string; problem: string }> } };

let db: MigratedTestDatabase;
let pool: PgPool;
let h: Harness;
let tokens: Record<'admin' | 'sup' | 'ana', Record<string, string>>;

// A stand-in ARI with a writable PJSIP wizard: records what is pushed.
let ari: StandInAri;
let ariUrl = '';
let puts: StandInAri['puts'] = [];

beforeAll(async () => {
  ({ pool } = db = await openMigratedTestDatabase('pg_config_trunks_api'));
  ari = await standInAri();
  ({ url: ariUrl, puts } = ari);
}, 60_000);
afterAll(async () => {
  await ari?.close();
  await db?.close();
});

const pdb = () => drizzle(pool);
async function pgCampaign(id: string, dialStringTemplate: string) {
  await pdb().insert(pgs.campaigns).values({ id, state: 'draft', stateReason: null, createdAt: T0, updatedAt: T0, ...campaignSettingsToRow(parseCampaignSettings({ name: id, dialStringTemplate })) });
}
const pgTrunk = (name: string) => pgTrunkCatalog(pool).get(name);
const sqliteTrunkNames = () => h.store.trunks.list().map((t) => t.name);

async function start() {
  h = harness({
    trunkCatalog: pgTrunkCatalog(pool),
    campaignCatalog: pgCampaignCatalog(pool),
    agentDirectory: pgAgentDirectory(pool),
    config: { NODE_ID: 'node-test', JWT_SECRET, ADMIN_PASSWORD, ARI_URL: ariUrl, ARI_USERNAME: 'centralita', ARI_PASSWORD: 'ari-secret-0123456789' },
  });
  h.addUser('sup', 'supervisor');
  h.addUser('ana', 'agent');
  tokens = { admin: h.bearer(await h.login('admin')), sup: h.bearer(await h.login('sup')), ana: h.bearer(await h.login('ana')) };
}

beforeEach(async () => {
  await emptyTables(pool);
  puts.length = 0;
});
afterEach(() => h?.close());

const send = (method: string, path: string, who: keyof typeof tokens, body?: unknown) => h.json(method, path, body, tokens[who]);
async function error(res: Response, status: number, code: string): Promise<ErrorBody> {
  const body = (await res.json()) as ErrorBody;
  expect({ status: res.status, code: body.error.code }).toEqual({ status, code });
  return body;
}

describe('trunk routes over PostgreSQL', () => {
  it('create, list, detail, change, render, push and delete act on PostgreSQL’s trunks and campaigns, never the SQLite file’s', async () => {
    await start();
    await pgCampaign('k-pg', 'PJSIP/{e164}@carrier');
    await pgCampaign('k-other', 'PJSIP/{e164}@elsewhere');
    // The SQLite file: a trunk of its own and a campaign naming `carrier` that PostgreSQL does not have.
    const at = h.clock.now();
    h.store.trunks.upsert({ name: 'lite-only', host: 'lite.example.net', username: null, password: null, createdAt: at, updatedAt: at });
    h.store.campaigns.create('k-lite', { name: 'Lite', dialStringTemplate: 'PJSIP/{e164}@carrier' }, at);

    const created = await send('POST', '/api/trunks', 'admin', TRUNK);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ name: 'carrier', host: TRUNK.host, username: 'acct-42', hasPassword: true, campaignIds: ['k-pg'] });
    const stored = (await pgTrunk('carrier'))!;
    expect(stored.password).toMatch(/^enc:v1:/);
    expect(box.open(stored.password!, 'carrier')).toBe(TRUNK.password);
    expect(sqliteTrunkNames()).toEqual(['lite-only']);

    // A trunk an operator wrote straight into PostgreSQL shows; SQLite's does not.
    await pgTrunkCatalog(pool).create({ name: 'elsewhere', host: 'sip.else.net', username: null, password: null, createdAt: T0, updatedAt: T0 });
    const list = (await (await send('GET', '/api/trunks', 'sup')).json()) as { items: Array<{ name: string; campaignIds: string[] }> };
    expect(list.items.map((t) => [t.name, t.campaignIds])).toEqual([
      ['carrier', ['k-pg']],
      ['elsewhere', ['k-other']],
    ]);
    await error(await send('GET', '/api/trunks/lite-only', 'sup'), 404, 'not_found');

    expect(await (await send('GET', '/api/trunks/carrier/pjsip', 'admin')).text()).toContain(`password = ${TRUNK.password}\n`);
    const pushed = await send('POST', '/api/trunks/carrier/push', 'admin');
    expect(pushed.status).toBe(200);
    const objects = trunkSorceryObjects(TRUNK);
    expect(puts.map((p) => p.body)).toEqual(objects.map((o) => ({ fields: o.fields })));

    const changed = await send('PATCH', '/api/trunks/carrier', 'admin', { host: 'sip2.example.net', password: 'Pg-Trunk-Pw-2' });
    expect(changed.status).toBe(200);
    const after = (await pgTrunk('carrier'))!;
    expect(after).toMatchObject({ host: 'sip2.example.net', username: 'acct-42', createdAt: stored.createdAt });
    expect(box.open(after.password!, 'carrier')).toBe('Pg-Trunk-Pw-2');
    const entries = (await h.app.auth.audit.list()).filter((e) => e.action.startsWith('trunk.'));
    expect(JSON.parse(entries.find((e) => e.action === 'trunk.update')!.details as string)).toEqual({ host: { from: TRUNK.host, to: 'sip2.example.net' }, password: 'changed' });
    const audit = JSON.stringify(entries);
    expect(audit).not.toContain('Pg-Trunk-Pw');

    // k-pg dials through carrier in PostgreSQL: refused, naming it (SQLite's k-lite is not named).
    const refused = await error(await send('DELETE', '/api/trunks/carrier', 'admin'), 409, 'conflict');
    expect(refused.error.message).toBe('Campaigns dial through trunk carrier: k-pg');
    await pdb().delete(pgs.campaigns);
    expect((await send('DELETE', '/api/trunks/carrier', 'admin')).status).toBe(200);
    expect(await pgTrunk('carrier')).toBeUndefined();
    expect(sqliteTrunkNames()).toEqual(['lite-only']);
  });

  it('answers 4xx naming the field, 409 for a name PostgreSQL has, 404 for one it has not; supervisors read, agents do not', async () => {
    await start();
    expect((await send('POST', '/api/trunks', 'admin', { name: 'carrier', host: 'sip.example.net' })).status).toBe(201);
    const bad = await error(await send('POST', '/api/trunks', 'admin', { name: 'bad name', host: 'sip.example.net' }), 422, 'validation_failed');
    expect(bad.error.details?.map((d) => d.field)).toEqual(['name']);
    await error(await send('POST', '/api/trunks', 'admin', { name: 'carrier', host: 'other.example.net' }), 409, 'conflict');
    // A username alone on a trunk without auth: refused on the row as it would be, nothing written.
    const half = await error(await send('PATCH', '/api/trunks/carrier', 'admin', { username: 'acct' }), 422, 'validation_failed');
    expect(half.error.details).toEqual([{ field: 'password', problem: 'required with username' }]);
    expect(await pgTrunk('carrier')).toMatchObject({ username: null, password: null });
    await error(await send('PATCH', '/api/trunks/nope', 'admin', { host: 'x.example.net' }), 404, 'not_found');
    await error(await send('DELETE', '/api/trunks/nope', 'admin'), 404, 'not_found');

    expect((await send('GET', '/api/trunks', 'sup')).status).toBe(200);
    await error(await send('POST', '/api/trunks', 'sup', { name: 'x', host: 'x.example.net' }), 403, 'forbidden');
    await error(await send('GET', '/api/trunks/carrier/pjsip', 'sup'), 403, 'forbidden');
    await error(await send('GET', '/api/trunks', 'ana'), 403, 'forbidden');
  });

  it('a password PostgreSQL still holds in clear is sealed in place when the app starts, and still renders', async () => {
    await pgTrunkCatalog(pool).create({ name: 'old', host: 'sip.old.net', username: 'u', password: 'Clear-Pw-9', createdAt: T0, updatedAt: T0 });
    await start(); // the first request waited for the start's sealing
    const stored = (await pgTrunk('old'))!.password!;
    expect(SecretBox.isSealed(stored)).toBe(true);
    expect(box.open(stored, 'old')).toBe('Clear-Pw-9');
    expect(await (await send('GET', '/api/trunks/old/pjsip', 'admin')).text()).toContain('password = Clear-Pw-9\n');
  });

  it('a change waits for another process holding the row and lands on what that process wrote', async () => {
    await start();
    expect((await send('POST', '/api/trunks', 'admin', { name: 'carrier', host: 'sip.example.net' })).status).toBe(201);
    const other = await pool.connect();
    try {
      await other.query('begin');
      await other.query(`select * from trunks where name = 'carrier' for update`);
      await other.query(`update trunks set host = 'sip.by-other.net' where name = 'carrier'`);
      let settled = false;
      const patch = send('PATCH', '/api/trunks/carrier', 'admin', { username: 'acct', password: 'Pw-After-Lock' }).finally(() => (settled = true));
      // The route's transaction is seen waiting for the row lock (PostgreSQL's own view), and has not answered.
      await until(async () => ((await pool.query(`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rowCount! > 0 ? true : undefined), 10_000, 20);
      expect(settled).toBe(false);
      await other.query('commit');
      const res = await patch;
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ host: 'sip.by-other.net', username: 'acct', hasPassword: true });
    } finally {
      other.release();
    }
    const row: TrunkRow = (await pgTrunk('carrier'))!;
    expect(row.host).toBe('sip.by-other.net');
    expect(box.open(row.password!, 'carrier')).toBe('Pw-After-Lock');
  });

  it('refuses to start with PostgreSQL trunks and SQLite campaigns (which campaigns dial through a trunk would be wrong)', async () => {
    await start();
    expect(() => createApiApp({ health: async () => healthReport(), store: h.store, clock: h.clock, logger: silentLogger, config: { NODE_ID: 'n', JWT_SECRET, ADMIN_PASSWORD }, trunkCatalog: pgTrunkCatalog(pool) })).toThrow(
      'trunkCatalog (postgres) needs a campaignCatalog on the same database (got sqlite)',
    );
  });
});

describe('agent phones over PostgreSQL', () => {
  it('render and push the phone of PostgreSQL’s agent; an agent only the SQLite file has is a 404; a bot is a 409 naming endpoint', async () => {
    await start();
    await pdb().insert(pgs.agents).values([
      { id: 'ag-pg', kind: 'human', name: 'Ana', endpoint: 'PJSIP/1001', createdAt: T0 },
      { id: 'ag-bot', kind: 'bot', name: 'Bot', endpoint: 'Local/s@bots', concurrency: 3, createdAt: T0 },
    ]);
    // The same id in SQLite with another extension, and an agent of SQLite only.
    h.store.agents.upsert({ id: 'ag-pg', kind: 'human', name: 'Ana (lite)', endpoint: 'PJSIP/3003', concurrency: 1, team: null, userId: null, campaignIds: null, nodeId: null, createdAt: T0 });
    h.store.agents.upsert({ id: 'ag-lite', kind: 'human', name: 'Lite', endpoint: 'PJSIP/2002', concurrency: 1, team: null, userId: null, campaignIds: null, nodeId: null, createdAt: T0 });

    const cfg = await send('GET', '/api/agents/ag-pg/pjsip', 'admin');
    expect(cfg.status).toBe(200);
    const text = await cfg.text();
    expect(text).toContain('[1001]');
    expect(text).not.toContain('3003');

    const made = await send('POST', '/api/agents/ag-pg/sip-password', 'admin', { push: true });
    expect(made.status).toBe(200);
    const body = (await made.json()) as { extension: string; password: string; push: { pushed: string[]; error: string | null } };
    expect(body.extension).toBe('1001');
    expect(body.push.error).toBeNull();
    expect(puts.map((p) => p.body)).toEqual(agentSorceryObjects({ extension: '1001', password: body.password }).map((o) => ({ fields: o.fields })));

    await error(await send('GET', '/api/agents/ag-lite/pjsip', 'admin'), 404, 'not_found');
    const bot = await error(await send('GET', '/api/agents/ag-bot/pjsip', 'admin'), 409, 'not_a_phone');
    expect(bot.error.details?.map((d) => d.field)).toEqual(['endpoint']);
    await error(await send('GET', '/api/agents/ag-pg/pjsip', 'sup'), 403, 'forbidden');
  });
});
