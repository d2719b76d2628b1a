/**
 * The API's lead routes over PostgreSQL (#18): an API app built with `campaignCatalog: pgCampaignCatalog(pool)` and
 * `leadCatalog: pgLeadCatalog(pool)` adds, lists (filters, sort, paging, total), shows, edits (with its history),
 * locks, selects/resets, exports and deletes the leads of PostgreSQL's `leads` table — the one the engine nodes lease
 * from — and nothing in its SQLite file. A lead a node holds (`lease_owner` set, even past its expiry) is left alone
 * by a reset; one with a live lease cannot be deleted. Bad input is a 4xx naming the field; the roles are those of
 * the SQLite routes; the import answers 501 without an import port of the same database (`leadImports`: see
 * api-lead-imports-pg.test.ts). Without the port these routes read SQLite's leads, where
 * a PostgreSQL campaign has none (404 for its leads, its lead list empty).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pgCampaignCatalog, pgLeadCatalog, PgCallLogs, PgLeadHopper } from '../../engine/store/index.js';
import type { PgPool } from '../../engine/store/pg/index.js';
import { emptyTables, openMigratedTestDatabase, type MigratedTestDatabase } from '../support/pg-database.js';
import { harness, type Harness } from '../unit/api/harness.js';

type Lead = { id: string; campaignId: string; phone: string; name: string | null; city: string | null; priority: number; status: string; custom: Record<string, unknown> };
type Page = { items: Lead[]; total: number; limit: number; offset: number };
type ErrorBody = { error: { code: string; message: string; details?: Array<{ field: string; problem: string }>; lock?: { username: string } } };

let db: MigratedTestDatabase;
let pool: PgPool;
let h: Harness;
let ids: Record<'sup' | 'lead' | 'agent', string>;
let tokens: Record<'admin' | 'sup' | 'lead' | 'agent', Record<string, string>>;

beforeAll(async () => {
  ({ pool } = db = await openMigratedTestDatabase('h_leads_pg_api'));
}, 60_000);
afterAll(() => db?.close());

beforeEach(async () => {
  await emptyTables(pool);
  h = harness({ campaignCatalog: pgCampaignCatalog(pool), leadCatalog: pgLeadCatalog(pool) });
  ids = { sup: h.addUser('sup', 'supervisor'), lead: h.addUser('lead', 'teamlead'), agent: h.addUser('agent', 'agent') };
  tokens = {
    admin: h.bearer(await h.login('admin')),
    sup: h.bearer(await h.login('sup')),
    lead: h.bearer(await h.login('lead')),
    agent: h.bearer(await h.login('agent')),
  };
});
afterEach(() => h.close());

const send = (method: string, path: string, who: keyof typeof tokens, body?: unknown) => h.json(method, path, body, tokens[who]);
const sqliteLeads = () => (h.store.sqlite.prepare('select count(*) as n from leads').get() as { n: number }).n;
async function error(res: Response, status: number, code: string): Promise<ErrorBody> {
  const body = (await res.json()) as ErrorBody;
  expect({ status: res.status, code: body.error.code }).toEqual({ status, code });
  return body;
}
/** A campaign that may dial at any hour (the hopper leases whenever the test's clock says). */
async function campaign(name: string): Promise<string> {
  const res = await send('POST', '/api/campaigns', 'sup', { name, callingHours: { start: '00:00', end: '23:59' }, weekdays: [1, 2, 3, 4, 5, 6, 7] });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
}
async function add(campaignId: string, body: Record<string, unknown>): Promise<Lead> {
  const res = await send('POST', `/api/campaigns/${campaignId}/leads`, 'sup', body);
  expect(res.status).toBe(201);
  return (await res.json()) as Lead;
}
async function list(query: string, who: keyof typeof tokens = 'sup'): Promise<Page> {
  const res = await send('GET', `/api/leads?${query}`, who);
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
}

describe('lead routes over PostgreSQL', () => {
  it('adds, lists (filters, sort, paging, total), shows, edits and deletes leads in PostgreSQL, not in the SQLite file', async () => {
    const k = await campaign('Norte');
    const other = await campaign('Sur');
    const ana = await add(k, { phone: '8888 1111', name: 'Ana', city: 'San José', priority: 1, custom: { plan: 'oro' } });
    expect(ana).toMatchObject({ campaignId: k, phone: '+50688881111', name: 'Ana', city: 'San José', priority: 1, status: 'no_selected', custom: { plan: 'oro' } });
    h.clock.advance(1);
    const bruno = await add(k, { phone: '+506 8888 2222', name: 'bruno', city: 'san josé' });
    h.clock.advance(1);
    const carla = await add(k, { phone: '2222 3333', name: 'Carla', city: 'Heredia', priority: 4 });
    await add(other, { phone: '8888 1111', name: 'Ana' });

    const all = await list(`campaign_id=${k}`);
    expect({ ids: all.items.map((l) => l.id), total: all.total }).toEqual({ ids: [ana.id, bruno.id, carla.id], total: 3 });
    expect((await list(`campaign_id=${k}&city=SAN%20JOS%C3%A9`)).items.map((l) => l.name)).toEqual(['Ana', 'bruno']);
    expect((await list(`campaign_id=${k}&q=8888%202222`)).items.map((l) => l.name)).toEqual(['bruno']);
    expect((await list(`campaign_id=${k}&priority=4`)).items.map((l) => l.name)).toEqual(['Carla']);
    // Byte order, as on SQLite: 'Ana' < 'Carla' < 'bruno'.
    expect((await list(`campaign_id=${k}&sort=name`)).items.map((l) => l.name)).toEqual(['Ana', 'Carla', 'bruno']);
    const p2 = await list(`campaign_id=${k}&sort=-created_at&limit=1&offset=1`);
    expect({ names: p2.items.map((l) => l.name), total: p2.total, limit: p2.limit, offset: p2.offset }).toEqual({ names: ['bruno'], total: 3, limit: 1, offset: 1 });
    expect((await list('')).total).toBe(4);
    // The campaign's detail counts the same leads (its port's database).
    expect(((await (await send('GET', `/api/campaigns/${k}`, 'sup')).json()) as { leads: Record<string, number> }).leads).toEqual({ no_selected: 3 });
    expect(sqliteLeads()).toBe(0);

    // Detail; a supervisor edits without a lock; the history is PostgreSQL's.
    expect(await (await send('GET', `/api/leads/${bruno.id}`, 'sup')).json()).toMatchObject({ id: bruno.id, name: 'bruno', lock: null });
    const edited = await send('PATCH', `/api/leads/${bruno.id}`, 'sup', { name: 'Bruno', phone: '8888 2299' });
    expect(edited.status).toBe(200);
    expect(await edited.json()).toMatchObject({ name: 'Bruno', phone: '+50688882299' });
    const hist = (await (await send('GET', `/api/leads/${bruno.id}/history`, 'sup')).json()) as { items: Array<{ field: string; from: unknown; to: unknown; username: string }>; total: number };
    expect(hist.items.map((e) => [e.field, e.from, e.to, e.username])).toEqual([
      ['phone', '+50688882222', '+50688882299', 'sup'],
      ['phoneRaw', '+506 8888 2222', '8888 2299', 'sup'],
      ['name', 'bruno', 'Bruno', 'sup'],
    ]);
    const rows = await pool.query('select name, phone_e164 from leads where id = $1', [bruno.id]);
    expect(rows.rows[0]).toEqual({ name: 'Bruno', phone_e164: '+50688882299' });

    // Delete: gone from PostgreSQL; again → 404.
    expect(await (await send('DELETE', `/api/leads/${carla.id}`, 'sup')).json()).toEqual({ message: 'Lead deleted', id: carla.id });
    await error(await send('DELETE', `/api/leads/${carla.id}`, 'sup'), 404, 'not_found');
    expect((await pool.query('select count(*)::int as n from leads where campaign_id = $1', [k])).rows[0]).toEqual({ n: 2 });
    expect(sqliteLeads()).toBe(0);
  });

  it('answers 4xx naming the field: bad or duplicate phone, unknown field, unknown campaign or lead; imports answer 501', async () => {
    const k = await campaign('Norte');
    const ana = await add(k, { phone: '8888 1111', name: 'Ana' });
    const bad = await error(await send('POST', `/api/campaigns/${k}/leads`, 'sup', { phone: '12' }), 422, 'validation_failed');
    expect(bad.error.details?.[0]?.field).toBe('phone');
    const missing = await error(await send('POST', `/api/campaigns/${k}/leads`, 'sup', { name: 'x' }), 422, 'validation_failed');
    expect(missing.error.details?.map((d) => d.field)).toEqual(['phone']);
    const prio = await error(await send('POST', `/api/campaigns/${k}/leads`, 'sup', { phone: '8888 4444', priority: 9 }), 422, 'validation_failed');
    expect(prio.error.details?.map((d) => d.field)).toEqual(['priority']);
    const unknown = await error(await send('POST', `/api/campaigns/${k}/leads`, 'sup', { phone: '8888 4444', colour: 'red' }), 422, 'validation_failed');
    expect(unknown.error.message).toContain('colour');
    const dup = await error(await send('POST', `/api/campaigns/${k}/leads`, 'sup', { phone: '+50688881111' }), 409, 'conflict');
    expect(dup.error.message).toContain(ana.id);
    await error(await send('POST', '/api/campaigns/nope/leads', 'sup', { phone: '8888 4444' }), 404, 'not_found');
    await error(await send('GET', '/api/leads/nope', 'sup'), 404, 'not_found');
    await error(await send('POST', '/api/campaigns/nope/leads/select', 'sup', {}), 404, 'not_found');
    const email = await error(await send('PATCH', `/api/leads/${ana.id}`, 'sup', { email: 'not-an-email' }), 422, 'validation_failed');
    expect(email.error.details?.map((d) => d.field)).toEqual(['email']);
    const form = new FormData();
    form.set('file', new File(['phone\n88885555\n'], 'leads.csv', { type: 'text/csv' }));
    const imp = await h.app.request(`/api/campaigns/${k}/leads/import`, { method: 'POST', body: form, headers: tokens.sup });
    await error(imp, 501, 'not_implemented');
    expect((await pool.query('select count(*)::int as n from leads')).rows[0]).toEqual({ n: 1 });
  });

  it('locks: an agent locks a lead of a call the nodes wrote for them, another user gets 409 naming the holder; roles as on SQLite', async () => {
    const k = await campaign('Norte');
    const ana = await add(k, { phone: '8888 1111', name: 'Ana' });
    // Not one of the agent's calls yet.
    await error(await send('POST', `/api/leads/${ana.id}/lock`, 'agent'), 403, 'forbidden');
    await error(await send('GET', `/api/leads/${ana.id}`, 'agent'), 403, 'forbidden');
    // A node's CallLog for this lead, answered by the agent's user (call_logs in PostgreSQL).
    await new PgCallLogs(pool).create({ id: 'c1', campaignId: k, leadId: ana.id, phone: '+50688881111', nodeId: 'node-2', channelId: 'ch-1', at: h.clock.now() });
    await pool.query('update call_logs set user_id = $1 where id = $2', [ids.agent, 'c1']);
    const locked = await send('POST', `/api/leads/${ana.id}/lock`, 'agent');
    expect(locked.status).toBe(200);
    expect(await locked.json()).toMatchObject({ leadId: ana.id, userId: ids.agent, username: 'agent' });
    expect((await pool.query('select user_id from lead_locks where lead_id = $1', [ana.id])).rows).toEqual([{ user_id: ids.agent }]);
    expect(await (await send('GET', `/api/leads/${ana.id}`, 'agent')).json()).toMatchObject({ id: ana.id, lock: { username: 'agent' } });
    const held = await error(await send('PATCH', `/api/leads/${ana.id}`, 'sup', { name: 'X' }), 409, 'locked');
    expect(held.error.lock?.username).toBe('agent');
    expect((await send('PATCH', `/api/leads/${ana.id}`, 'agent', { name: 'Ana B' })).status).toBe(200);
    await error(await send('DELETE', `/api/leads/${ana.id}/lock`, 'lead'), 409, 'locked');
    expect(await (await send('DELETE', `/api/leads/${ana.id}/lock`, 'agent')).json()).toEqual({ released: true });
    // Roles: agents cannot list, add, select or delete; team leads cannot add.
    await error(await send('GET', '/api/leads', 'agent'), 403, 'forbidden');
    await error(await send('POST', `/api/campaigns/${k}/leads`, 'lead', { phone: '8888 4444' }), 403, 'forbidden');
    await error(await send('POST', `/api/campaigns/${k}/leads/select`, 'agent', {}), 403, 'forbidden');
    await error(await send('DELETE', `/api/leads/${ana.id}`, 'agent'), 403, 'forbidden');
    expect((await list('', 'lead')).total).toBe(1);
  });

  it('select and reset by filter leave alone the leads a node holds; a leased lead cannot be deleted; the export reads PostgreSQL', async () => {
    const k = await campaign('Norte');
    const made: Lead[] = [];
    for (let i = 0; i < 5; i++) made.push(await add(k, { phone: `8888 100${i}`, name: `L${i}`, city: i < 3 ? 'Heredia' : 'Cartago', priority: i === 0 ? 1 : 3, custom: { n: i } }));
    const sel = await send('POST', `/api/campaigns/${k}/leads/select`, 'sup', { city: 'heredia' });
    expect(await sel.json()).toEqual({ updated: 3 });
    expect((await send('POST', `/api/campaigns/${k}/start`, 'sup')).status).toBe(200);
    // A node leases two leads (the first by priority, then by due time); their lease then runs out unreturned.
    const now = h.clock.now();
    const leased = await new PgLeadHopper(pool).lease({ campaignId: k, owner: 'node-2', now, limit: 2, leaseMs: 60_000 });
    expect(leased.map((l) => l.id)).toEqual([made[0]!.id, made[1]!.id]);
    await error(await send('DELETE', `/api/leads/${made[0]!.id}`, 'sup'), 409, 'conflict');
    h.clock.advance(120_000);
    const reset = await send('POST', `/api/campaigns/${k}/leads/reset-selection`, 'sup', {});
    expect(await reset.json()).toEqual({ updated: 1 });
    const statuses = await pool.query<{ id: string; status: string; lease_owner: string | null }>('select id, status, lease_owner from leads order by created_at, id collate "C"');
    expect(statuses.rows.map((r) => [r.status, r.lease_owner])).toEqual([
      ['selected', 'node-2'],
      ['selected', 'node-2'],
      ['no_selected', null],
      ['no_selected', null],
      ['no_selected', null],
    ]);
    // The export streams PostgreSQL's leads, custom keys as columns.
    const csv = await (await send('GET', `/api/campaigns/${k}/leads/export?format=csv`, 'sup')).text();
    const lines = csv.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]!.split(',').at(-1)).toBe('n');
    expect(lines.slice(1).map((l) => l.split(',')[0]).sort()).toEqual(made.map((l) => l.phone).sort());
    const xlsx = await send('GET', `/api/campaigns/${k}/leads/export?format=xlsx`, 'sup');
    expect(xlsx.status).toBe(200);
    expect((await xlsx.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    // A lease past its expiry no longer blocks a deletion.
    expect((await send('DELETE', `/api/leads/${made[1]!.id}`, 'sup')).status).toBe(200);
  });
});

describe('adding one lead on SQLite (no port given: the store, as every other lead route)', () => {
  it('adds to the SQLite file: 201, the same 409 and 422, a listed number is dnc; imports still accepted there', async () => {
    const lite = harness();
    try {
      const sup = lite.bearer(await (lite.addUser('sup', 'supervisor'), lite.login('sup')));
      const res = await lite.json('POST', '/api/campaigns', { name: 'Norte' }, sup);
      const k = ((await res.json()) as { id: string }).id;
      lite.store.dnc.add('+50688882222', null, lite.clock.now());
      const made = await lite.json('POST', `/api/campaigns/${k}/leads`, { phone: '8888 1111', name: 'Ana', priority: 2 }, sup);
      expect(made.status).toBe(201);
      const lead = (await made.json()) as Lead;
      expect(lead).toMatchObject({ campaignId: k, phone: '+50688881111', name: 'Ana', priority: 2, status: 'no_selected' });
      expect(lite.store.leads.get(lead.id)).toMatchObject({ phoneE164: '+50688881111', nextDueAt: lite.clock.now() });
      expect(((await (await lite.json('POST', `/api/campaigns/${k}/leads`, { phone: '8888 2222' }, sup)).json()) as Lead).status).toBe('dnc');
      expect((await lite.json('POST', `/api/campaigns/${k}/leads`, { phone: '+50688881111' }, sup)).status).toBe(409);
      expect((await lite.json('POST', `/api/campaigns/${k}/leads`, { phone: 'abc' }, sup)).status).toBe(422);
      expect(await pool.query('select count(*)::int as n from leads')).toMatchObject({ rows: [{ n: 0 }] });
      const form = new FormData();
      form.set('file', new File(['phone\n88885555\n'], 'leads.csv', { type: 'text/csv' }));
      expect((await lite.app.request(`/api/campaigns/${k}/leads/import`, { method: 'POST', body: form, headers: sup })).status).toBe(202);
    } finally {
      lite.close();
    }
  });
});
