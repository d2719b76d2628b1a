/**
 * The web app's remaining campaign and agent reads over PostgreSQL (#18): an API app built with
 * `campaignCatalog: pgCampaignCatalog(pool)` and `agentDirectory: pgAgentDirectory(pool)` simulates what-if over
 * PostgreSQL's campaign settings, names PostgreSQL's campaigns and states on the wallboard and in the Prometheus
 * scrape (`centralita_campaign_state`), and lists a user's linked agents on the account page (`GET /api/auth/me`) from
 * PostgreSQL's agents. The SQLite file holds a campaign of the same id with other settings, a campaign of its own and
 * another agent of the same user, on purpose: a route reading the wrong database fails. Roles and 4xx as on SQLite.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseCampaignSettings, type CampaignSettingsInput } from '../../engine/campaigns/index.js';
import { campaignSettingsToRow } from '../../engine/store/index.js';
import { pgAgentDirectory, pgCallMetrics, pgCampaignCatalog } from '../../engine/store/pg/index.js';
import type { PgPool } from '../../engine/store/pg/index.js';
import * as pgs from '../../engine/store/schema-pg/index.js';
import { emptyTables, openMigratedTestDatabase, type MigratedTestDatabase } from '../support/pg-database.js';
import { harness, type Harness } from '../unit/api/harness.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
type ErrorBody = { error: { code: string; details?: Array<{ field: string; problem: string }> } };

let db: MigratedTestDatabase;
let pool: PgPool;
let h: Harness;
let ana = '';
let tokens: Record<'admin' | 'sup' | 'ana', Record<string, string>>;

beforeAll(async () => {
  ({ pool } = db = await openMigratedTestDatabase('pg_config_web_app'));
}, 60_000);
afterAll(() => db?.close());

async function pgCampaign(id: string, input: Partial<CampaignSettingsInput>, state: 'draft' | 'running' | 'paused' = 'draft') {
  await drizzle(pool)
    .insert(pgs.campaigns)
    .values({ id, state, stateReason: null, createdAt: T0, updatedAt: T0, ...campaignSettingsToRow(parseCampaignSettings({ name: id, ...input } as CampaignSettingsInput)) });
}

beforeEach(async () => {
  await emptyTables(pool);
  h = harness({ campaignCatalog: pgCampaignCatalog(pool), agentDirectory: pgAgentDirectory(pool), callMetrics: pgCallMetrics(pool) });
  ana = h.addUser('ana', 'agent', 'north');
  h.addUser('sup', 'supervisor');
  tokens = { admin: h.bearer(await h.login('admin')), sup: h.bearer(await h.login('sup')), ana: h.bearer(await h.login('ana')) };

  // PostgreSQL: k-pg dials power 3:1 (running, as a node runs it); Ana's agent a-pg.
  await pgCampaign('k-pg', { name: 'PG Spring', dialMode: 'power', dialRatio: 3 }, 'paused');
  await drizzle(pool).insert(pgs.agents).values({ id: 'a-pg', kind: 'human', name: 'Ana PG', endpoint: 'PJSIP/101', team: 'north', userId: ana, createdAt: T0 });
  // SQLite: the same campaign id at 1.5:1 in draft, a campaign of its own, another agent of Ana's.
  h.store.campaigns.create('k-pg', { name: 'Lite Spring', dialMode: 'power', dialRatio: 1.5 }, T0);
  h.store.campaigns.create('k-lite', { name: 'Lite only' }, T0);
  h.store.agents.upsert({ id: 'a-lite', kind: 'human', name: 'Ana Lite', endpoint: 'PJSIP/202', concurrency: 1, team: 'north', userId: ana, campaignIds: null, nodeId: null, createdAt: T0 });
});
afterEach(() => h.close());

const send = (method: string, path: string, who: keyof typeof tokens, body?: unknown) => h.json(method, path, body, tokens[who]);

describe('web app reads over PostgreSQL', () => {
  it('what-if simulates PostgreSQL’s campaign settings; a campaign only the SQLite file has is a 404; 422 names the field; agents are refused', async () => {
    const res = await send('POST', '/api/campaigns/k-pg/what-if', 'sup', { agents: 6, hours: 0.5, seeds: 1 });
    expect(res.status).toBe(200);
    const b = (await res.json()) as { campaign_id: string; results: Array<{ name: string }> };
    expect(b.campaign_id).toBe('k-pg');
    // The power entry carries the campaign's own ratio: PostgreSQL's 3, not SQLite's 1.5.
    expect(b.results.map((r) => r.name)).toContain('power 3:1');
    expect(b.results.map((r) => r.name)).not.toContain('power 1.5:1');

    expect((await send('POST', '/api/campaigns/k-lite/what-if', 'sup', { agents: 5 })).status).toBe(404);
    const bad = await send('POST', '/api/campaigns/k-pg/what-if', 'sup', { agents: 0 });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as ErrorBody).error.details?.[0]?.field).toBe('agents');
    expect((await send('POST', '/api/campaigns/k-pg/what-if', 'ana', { agents: 5 })).status).toBe(403);
  }, 60_000);

  it('the wallboard and the Prometheus scrape name PostgreSQL’s campaigns and states', async () => {
    const board = await send('GET', '/api/wallboard', 'sup');
    expect(board.status).toBe(200);
    expect(((await board.json()) as { campaigns: unknown[] }).campaigns).toEqual([{ id: 'k-pg', name: 'PG Spring', state: 'paused', dial_mode: 'power', pacing: null }]);
    expect((await send('GET', '/api/wallboard', 'ana')).status).toBe(403);

    const scrape = await h.app.request('/metrics', { headers: tokens.admin });
    expect(scrape.status).toBe(200);
    const lines = (await scrape.text()).split('\n').filter((l) => l.startsWith('centralita_campaign_state{'));
    expect(lines).toContain('centralita_campaign_state{campaign="k-pg",state="paused"} 1');
    expect(lines).toContain('centralita_campaign_state{campaign="k-pg",state="draft"} 0');
    expect(lines.some((l) => l.includes('k-lite'))).toBe(false);
    expect((await h.app.request('/metrics', { headers: tokens.sup })).status).toBe(403);
  });

  it('the account page lists the user’s agents from PostgreSQL’s directory', async () => {
    const me = await send('GET', '/api/auth/me', 'ana');
    expect(me.status).toBe(200);
    expect(((await me.json()) as { agents: unknown[] }).agents).toEqual([{ id: 'a-pg', name: 'Ana PG', endpoint: 'PJSIP/101', team: 'north' }]);
    const admin = (await (await send('GET', '/api/auth/me', 'admin')).json()) as { agents: unknown[] };
    expect(admin.agents).toEqual([]);
    expect((await h.json('GET', '/api/auth/me', undefined)).status).toBe(401);
  });
});
