/**
 * The DNC routes of an API wholly on PostgreSQL (#18): the lists are in the call history's database, and the
 * campaign a list belongs to — 404 when unknown, its default country for national numbers — is looked up where the
 * API's campaigns are (`campaignCatalog`), not in the SQLite file. The SQLite file holds a campaign of the same id
 * with another country on purpose: reading it would store the number under the wrong country code.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { pgCallHistory, pgCampaignCatalog, pgLeadCatalog } from '../../engine/store/index.js';
import type { PgPool } from '../../engine/store/pg/index.js';
import * as pgs from '../../engine/store/schema-pg/index.js';
import { emptyTables, openMigratedTestDatabase, type MigratedTestDatabase } from '../support/pg-database.js';
import { harness, type Harness } from '../unit/api/harness.js';

let db: MigratedTestDatabase;
let pool: PgPool;
let h: Harness;
let sup: Record<string, string>;

beforeAll(async () => {
  ({ pool } = db = await openMigratedTestDatabase('h_dnc_pg_api'));
}, 60_000);
afterAll(() => db?.close());
beforeEach(async () => {
  await emptyTables(pool);
  h = harness({ callHistory: pgCallHistory(pool), campaignCatalog: pgCampaignCatalog(pool), leadCatalog: pgLeadCatalog(pool) });
  h.addUser('sup', 'supervisor');
  sup = h.bearer(await h.login('sup'));
});
afterEach(() => h.close());

const send = (method: string, path: string, body?: unknown) => h.json(method, path, body, sup);

it("a campaign's list: the campaign and its default country come from PostgreSQL's campaigns", async () => {
  const created = await send('POST', '/api/campaigns', { name: 'Madrid', defaultCountry: 'ES' });
  expect(created.status).toBe(201);
  const k = ((await created.json()) as { id: string }).id;
  // The SQLite file has a campaign of the same id in Costa Rica.
  h.store.campaigns.create(k, { name: 'Impostor', defaultCountry: 'CR' }, h.clock.now());

  const added = await send('POST', '/api/dnc', { phone: '612 345 678', campaign_id: k });
  expect(added.status).toBe(201);
  expect(await added.json()).toMatchObject({ phone: '+34612345678', campaignId: k });
  expect((await drizzle(pool).select().from(pgs.dnc)).map((r) => `${r.campaignId}:${r.phoneE164}`)).toEqual([`${k}:+34612345678`]);
  const listed = await send('GET', `/api/dnc?campaign_id=${k}`);
  expect(await listed.json()).toMatchObject({ total: 1, items: [{ phone: '+34612345678', campaignId: k }] });
});

it('a campaign only the SQLite file knows is unknown to this API: 404', async () => {
  h.store.campaigns.create('sqlite-only', { name: 'Old', defaultCountry: 'CR' }, h.clock.now());
  const res = await send('POST', '/api/dnc', { phone: '8888 1234', campaign_id: 'sqlite-only' });
  expect(res.status).toBe(404);
  expect(await drizzle(pool).select().from(pgs.dnc)).toEqual([]);
  expect((await send('GET', '/api/dnc?campaign_id=sqlite-only')).status).toBe(404);
});
