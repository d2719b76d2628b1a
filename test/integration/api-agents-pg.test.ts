/**
 * The API's agent routes over PostgreSQL (#18): an API app built with `agentDirectory: pgAgentDirectory(pool)`
 * creates, lists, shows, changes (node and campaign assignments: what docs/scale-out.md's "Growing from one node to
 * several" does with PATCH /api/agents/{id} {"node_id": …}) and deletes the agents in PostgreSQL's `agents` table —
 * the one the engine nodes follow — and nothing in its SQLite file; assignments must name PostgreSQL's campaigns. Bad
 * input is a 4xx naming the field; the roles and who sees which agent are those of the SQLite routes. Over the
 * PostgreSQL call history (`callHistory: pgCallHistory(pool)`), a team lead's team is read from PostgreSQL's users
 * (here deliberately different from the SQLite users the API logs in with), a supervisor sees every call.
 * Without the port these routes read and write SQLite (and the teams are SQLite's users').
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseCampaignSettings } from '../../engine/campaigns/index.js';
import { ControlError, type EngineControl } from '../../engine/control/index.js';
import { campaignSettingsToRow, pgAgentDirectory, pgCallHistory, PgAgents, pgNodeStore } from '../../engine/store/index.js';
import type { PgPool } from '../../engine/store/pg/index.js';
import * as pgs from '../../engine/store/schema-pg/index.js';
import { emptyTables, openMigratedTestDatabase, type MigratedTestDatabase } from '../support/pg-database.js';
import { harness, type Harness } from '../unit/api/harness.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);

type Agent = { id: string; name: string; kind: string; concurrency: number; team: string | null; userId: string | null; campaignIds: string[] | null; nodeId: string | null };
type ErrorBody = { error: { code: string; message: string; details?: Array<{ field: string; problem: string }> } };

let db: MigratedTestDatabase;
let pool: PgPool;
let h: Harness;
let users: { ana: string; bob: string; zoe: string; lead: string; sup: string };
let tokens: Record<'admin' | 'sup' | 'lead' | 'ana', Record<string, string>>;

beforeAll(async () => {
  ({ pool } = db = await openMigratedTestDatabase('h_agents_pg_api'));
}, 60_000);
afterAll(() => db?.close());

beforeEach(async () => {
  await emptyTables(pool);
  h = harness({ agentDirectory: pgAgentDirectory(pool), callHistory: pgCallHistory(pool) });
  users = {
    ana: h.addUser('ana', 'agent', 'A'),
    bob: h.addUser('bob', 'agent', 'A'),
    zoe: h.addUser('zoe', 'agent', 'Z'),
    lead: h.addUser('lead', 'teamlead', 'A'),
    sup: h.addUser('sup', 'supervisor'),
  };
  tokens = {
    admin: h.bearer(await h.login('admin')),
    sup: h.bearer(await h.login('sup')),
    lead: h.bearer(await h.login('lead')),
    ana: h.bearer(await h.login('ana')),
  };
  // Campaigns as the PostgreSQL product holds them; `lite-only` exists in the API's SQLite file alone.
  const pdb = drizzle(pool);
  for (const id of ['k1', 'k2'])
    await pdb.insert(pgs.campaigns).values({ id, state: 'draft', stateReason: null, createdAt: T0, updatedAt: T0, ...campaignSettingsToRow(parseCampaignSettings({ name: id })) });
  h.store.campaigns.create('lite-only', { name: 'Lite' }, T0);
});
afterEach(() => h.close());

const send = (method: string, path: string, who: keyof typeof tokens, body?: unknown) => h.json(method, path, body, tokens[who]);
const pgRow = (id: string) => new PgAgents(pool).get(id);
const sqliteCount = () => (h.store.sqlite.prepare('select count(*) as n from agents').get() as { n: number }).n;
async function error(res: Response, status: number, code: string): Promise<ErrorBody> {
  const body = (await res.json()) as ErrorBody;
  expect({ status: res.status, code: body.error.code }).toEqual({ status, code });
  return body;
}
async function create(body: Record<string, unknown>): Promise<Agent> {
  const res = await send('POST', '/api/agents', 'sup', body);
  expect(res.status).toBe(201);
  return (await res.json()) as Agent;
}

describe('agent routes over PostgreSQL', () => {
  it('create, detail, list and a move to another node live in PostgreSQL (what the nodes read), not in the SQLite file', async () => {
    const a = await create({ id: 'ag-ana', name: 'Ana', endpoint: 'PJSIP/101', team: 'A', user_id: users.ana, campaign_ids: ['k2', 'k1', 'k2'], node_id: 'node-2' });
    expect(a).toMatchObject({ id: 'ag-ana', kind: 'human', concurrency: 1, team: 'A', userId: users.ana, campaignIds: ['k2', 'k1'], nodeId: 'node-2' });
    expect(await pgRow('ag-ana')).toMatchObject({ name: 'Ana', campaignIds: ['k2', 'k1'], nodeId: 'node-2', userId: users.ana });
    const b = await create({ id: 'ag-bot', kind: 'bot', name: 'bot', endpoint: 'Local/s@bots', concurrency: 5, team: 'Z' });
    expect(sqliteCount()).toBe(0);

    const node = pgNodeStore(pool);
    expect((await node.agents.listForNode('node-2')).map((r) => r.id)).toEqual(['ag-ana']);
    expect((await node.agents.listForNode('node-1')).map((r) => r.id)).toEqual(['ag-bot']);

    // docs/scale-out.md, "Growing from one node to several", step 3: move the agent's phone to node-3.
    const moved = await send('PATCH', '/api/agents/ag-ana', 'sup', { node_id: 'node-3', campaign_ids: ['k1'] });
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ id: 'ag-ana', nodeId: 'node-3', campaignIds: ['k1'], name: 'Ana' });
    expect(await pgRow('ag-ana')).toMatchObject({ nodeId: 'node-3', campaignIds: ['k1'] });
    expect(await node.agents.listForNode('node-2')).toEqual([]);
    expect((await node.agents.listForNode('node-3')).map((r) => r.id)).toEqual(['ag-ana']);
    // Back to the default node and to every campaign.
    expect(await (await send('PATCH', '/api/agents/ag-ana', 'admin', { node_id: null, campaign_ids: null })).json()).toMatchObject({ nodeId: null, campaignIds: null });
    expect((await node.agents.listForNode('node-1')).map((r) => r.id)).toEqual(['ag-ana', 'ag-bot']);

    const detail = await send('GET', '/api/agents/ag-bot', 'sup');
    expect(await detail.json()).toMatchObject({ id: 'ag-bot', kind: 'bot', concurrency: 5, live: null });
    const all = (await (await send('GET', '/api/agents', 'sup')).json()) as { items: Agent[] };
    expect(all.items.map((x) => x.id)).toEqual([a.id, b.id]);
    const teamZ = (await (await send('GET', '/api/agents?team=Z', 'sup')).json()) as { items: Agent[] };
    expect(teamZ.items.map((x) => x.id)).toEqual([b.id]);
    // A row a node's operator wrote straight into PostgreSQL shows too.
    await drizzle(pool).insert(pgs.agents).values({ id: 'ag-direct', kind: 'human', name: 'Direct', endpoint: 'PJSIP/9', team: 'A', nodeId: 'node-2', createdAt: T0 });
    expect(((await (await send('GET', '/api/agents', 'sup')).json()) as { items: Agent[] }).items.map((x) => x.id)).toEqual(['ag-ana', 'ag-direct', 'ag-bot']);
    expect(sqliteCount()).toBe(0);
  });

  it('answers 4xx naming the field: campaigns of PostgreSQL only, unknown users, bad node ids, a taken id, a missing agent', async () => {
    await create({ id: 'ag-1', name: 'One', endpoint: 'PJSIP/1' });
    // A campaign the SQLite file has but PostgreSQL has not: the nodes could never dial it for the agent.
    const lite = await error(await send('POST', '/api/agents', 'sup', { name: 'X', endpoint: 'PJSIP/2', campaign_ids: ['k1', 'lite-only'] }), 422, 'validation_failed');
    expect(lite.error.details).toEqual([{ field: 'campaign_ids', problem: 'names no campaign: lite-only' }]);
    const patchLite = await error(await send('PATCH', '/api/agents/ag-1', 'sup', { campaign_ids: ['nope'] }), 422, 'validation_failed');
    expect(patchLite.error.details).toEqual([{ field: 'campaign_ids', problem: 'names no campaign: nope' }]);
    const user = await error(await send('PATCH', '/api/agents/ag-1', 'sup', { user_id: 'no-such-user' }), 422, 'validation_failed');
    expect(user.error.details).toEqual([{ field: 'user_id', problem: 'names no user' }]);
    const node = await error(await send('PATCH', '/api/agents/ag-1', 'sup', { node_id: 'node 2; drop' }), 422, 'validation_failed');
    expect(node.error.details?.map((d) => d.field)).toEqual(['node_id']);
    const name = await error(await send('POST', '/api/agents', 'sup', { endpoint: 'PJSIP/3' }), 422, 'validation_failed');
    expect(name.error.details?.map((d) => d.field)).toEqual(['name']);
    await error(await send('POST', '/api/agents', 'sup', { id: 'ag-1', name: 'Again', endpoint: 'PJSIP/1' }), 409, 'conflict');
    await error(await send('PATCH', '/api/agents/ghost', 'sup', { name: 'G' }), 404, 'not_found');
    await error(await send('DELETE', '/api/agents/ghost', 'sup'), 404, 'not_found');
    // Nothing of the refused requests was written.
    expect(await pgRow('ag-1')).toMatchObject({ name: 'One', campaignIds: null, userId: null, nodeId: null });
    expect((await new PgAgents(pool).list()).map((a) => a.id)).toEqual(['ag-1']);
  });

  it('roles: supervisors and admins manage; team leads see their team, agents their own; deletion leaves PostgreSQL', async () => {
    await create({ id: 'ag-ana', name: 'Ana', endpoint: 'PJSIP/101', team: 'A', user_id: users.ana });
    await create({ id: 'ag-zoe', name: 'Zoe', endpoint: 'PJSIP/103', team: 'Z', user_id: users.zoe });
    await create({ id: 'ag-bea', name: 'Bea', endpoint: 'PJSIP/104', team: 'A' });

    await error(await send('POST', '/api/agents', 'lead', { name: 'X', endpoint: 'PJSIP/9' }), 403, 'forbidden');
    await error(await send('PATCH', '/api/agents/ag-ana', 'ana', { node_id: 'node-2' }), 403, 'forbidden');
    await error(await send('DELETE', '/api/agents/ag-ana', 'lead'), 403, 'forbidden');
    expect((await pgRow('ag-ana'))?.nodeId).toBeNull();

    const ofLead = (await (await send('GET', '/api/agents', 'lead')).json()) as { items: Agent[] };
    expect(ofLead.items.map((a) => a.id)).toEqual(['ag-ana', 'ag-bea']);
    const ofAna = (await (await send('GET', '/api/agents', 'ana')).json()) as { items: Agent[] };
    expect(ofAna.items.map((a) => a.id)).toEqual(['ag-ana']);
    await error(await send('GET', '/api/agents/ag-zoe', 'lead'), 404, 'not_found');
    await error(await send('GET', '/api/agents/ag-bea', 'ana'), 404, 'not_found');
    expect((await send('GET', '/api/agents/ag-zoe', 'sup')).status).toBe(200);

    const del = await send('DELETE', '/api/agents/ag-zoe', 'sup');
    expect(del.status).toBe(200);
    expect(await pgRow('ag-zoe')).toBeUndefined();
    await error(await send('GET', '/api/agents/ag-zoe', 'sup'), 404, 'not_found');
    // The audit trail names what changed.
    const audit = h.store.sqlite.prepare(`select action, target_id as id from audit_log where target_type = 'agent' order by rowid`).all() as Array<{ action: string; id: string }>;
    expect(audit.map((r) => `${r.action} ${r.id}`)).toEqual(['agent.create ag-ana', 'agent.create ag-zoe', 'agent.create ag-bea', 'agent.delete ag-zoe']);
  });

  it("does not hand a PostgreSQL agent to the API's own engine, which reads SQLite's agents (the nodes follow the row)", async () => {
    h.close();
    // The local engine as the product's: it looks an upserted agent up in its own (SQLite) store.
    const asked: string[] = [];
    const control = {
      agents: {
        upsert: (id: string) => {
          asked.push(id);
          if (h.store.agents.get(id) === undefined) throw new ControlError('not_found', `agent ${id} not found`);
        },
        state: () => null,
        list: () => [],
      },
    } as unknown as EngineControl;
    h = harness({ agentDirectory: pgAgentDirectory(pool), control });
    h.addUser('sup', 'supervisor');
    tokens = { ...tokens, sup: h.bearer(await h.login('sup')) };
    await create({ id: 'ag-n2', name: 'N2', endpoint: 'PJSIP/201', node_id: 'node-2' });
    const moved = await send('PATCH', '/api/agents/ag-n2', 'sup', { node_id: 'node-3' });
    expect(moved.status).toBe(200);
    expect(asked).toEqual([]);
    expect(await pgRow('ag-n2')).toMatchObject({ nodeId: 'node-3' });
  });

  it("over PostgreSQL's call history a team lead's team is PostgreSQL's users, a supervisor sees every call", async () => {
    // The same users in PostgreSQL (db:copy keeps ids), where Bob has since moved to team B and Zoe to team A.
    const pdb = drizzle(pool);
    const pgTeams: Record<keyof typeof users, string | null> = { ana: 'A', bob: 'B', zoe: 'A', lead: 'A', sup: null };
    for (const [name, id] of Object.entries(users) as Array<[keyof typeof users, string]>)
      await pdb.insert(pgs.users).values({ id, username: name, passwordHash: 'x', role: name === 'sup' ? 'supervisor' : name === 'lead' ? 'teamlead' : 'agent', team: pgTeams[name], createdAt: T0, updatedAt: T0 });
    const logs = pgNodeStore(pool).callLogs;
    for (const [id, userId] of [
      ['c-ana', users.ana],
      ['c-bob', users.bob],
      ['c-zoe', users.zoe],
    ] as const) {
      await logs.create({ id, campaignId: 'k1', leadId: null, phone: '+50688880000', nodeId: 'node-2', userId, at: T0 });
      await logs.end(id, { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: T0 + 60_000 });
    }
    const seen = async (who: keyof typeof tokens) => ((await (await send('GET', '/api/calls', who)).json()) as { items: Array<{ id: string }> }).items.map((c) => c.id).sort();
    expect(await seen('lead')).toEqual(['c-ana', 'c-zoe']);
    expect(await seen('sup')).toEqual(['c-ana', 'c-bob', 'c-zoe']);
    expect(await seen('ana')).toEqual(['c-ana']);
    // The detail and the compatibility log decide alike.
    expect((await send('GET', '/api/calls/c-zoe', 'lead')).status).toBe(200);
    expect((await send('GET', '/api/calls/c-bob', 'lead')).status).toBe(404);
    const log = (await (await send('GET', '/api/calls/log', 'lead')).json()) as { calls?: Array<{ id: string }>; items?: Array<{ id: string }> };
    expect(JSON.stringify(log)).toContain('c-zoe');
    expect(JSON.stringify(log)).not.toContain('c-bob');
  });
});
