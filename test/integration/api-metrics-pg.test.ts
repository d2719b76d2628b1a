/**
 * The supervisors' figures over PostgreSQL (#18): an API app built with `callMetrics: pgCallMetrics(pool)` (and the
 * PostgreSQL agent directory) answers GET /api/metrics/*, /api/wallboard, /api/dashboard and the Prometheus scrape from
 * the CallLogs the engine nodes write to PostgreSQL (written here through `pgNodeStore(pool).callLogs`, a node's
 * writer), in REPORT_TIME_ZONE's local hours and days (America/New_York on its 25-hour 1 November 2026), with the
 * agents of PostgreSQL's directory — and nothing from the API's SQLite file, which holds other calls on purpose.
 * Roles are those of the SQLite routes; bad input is a 422 naming the field. Without the port these routes read
 * SQLite (and every figure below differs).
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { type NodeStore } from '../../engine/store/index.js';
import { pgAgentDirectory, pgCallHistory, pgCallMetrics, pgNodeStore } from '../../engine/store/pg/index.js';
import type { PgPool } from '../../engine/store/pg/index.js';
import * as pgs from '../../engine/store/schema-pg/index.js';
import { emptyTables, openMigratedTestDatabase, type MigratedTestDatabase } from '../support/pg-database.js';
import { ADMIN_PASSWORD, harness, type Harness } from '../unit/api/harness.js';
import { writeNodeCall, type NodeCall } from '../support/node-calls.js';

const NY = 'America/New_York';
const Z = (iso: string) => Date.parse(iso);
/** Local midnight of 1 Nov 2026 in New York (EDT); the day lasts 25 hours (the clocks go back at 02:00 EDT). */
const NOV1 = Z('2026-11-01T04:00:00Z');
/** "Now": 02:30 EST, the 4th local hour of that day. */
const NOW = Z('2026-11-01T07:30:00Z');

type ErrorBody = { error: { code: string; details?: Array<{ field: string; problem: string }> } };

let db: MigratedTestDatabase;
let pool: PgPool;
let node: NodeStore;
let h: Harness;
let tokens: Record<'admin' | 'sup' | 'lead' | 'ana', Record<string, string>>;

beforeAll(async () => {
  ({ pool } = db = await openMigratedTestDatabase('h_metrics_pg_api'));
  node = pgNodeStore(pool);
}, 60_000);
afterAll(() => db?.close());

/** One CallLog as a node writes it: created, ringing, answered, AMD, bridged, ended (each step when given). */
const nodeCall = (id: string, at: number, o: Omit<NodeCall, 'id' | 'at'> = {}): Promise<void> =>
  writeNodeCall(node.callLogs, { id, at, campaignId: 'k1', nodeId: 'node-2', ...o });

beforeEach(async () => {
  await emptyTables(pool);
  h = harness({
    callMetrics: pgCallMetrics(pool),
    agentDirectory: pgAgentDirectory(pool),
    callHistory: pgCallHistory(pool),
    config: { NODE_ID: 'node-test', JWT_SECRET: 'x'.repeat(40), ADMIN_PASSWORD, REPORT_TIME_ZONE: NY },
  });
  h.clock.advanceTo(NOW);
  const ana = h.addUser('ana', 'agent', 'north');
  h.addUser('lead', 'teamlead', 'north');
  h.addUser('sup', 'supervisor');
  tokens = {
    admin: h.bearer(await h.login('admin')),
    sup: h.bearer(await h.login('sup')),
    lead: h.bearer(await h.login('lead')),
    ana: h.bearer(await h.login('ana')),
  };
  // PostgreSQL's directory: Ana's agent (team north, her user id), and Bob's (team south). SQLite has none.
  const pdb = drizzle(pool);
  await pdb.insert(pgs.agents).values([
    { id: 'a1', kind: 'human', name: 'Ana', endpoint: 'PJSIP/a1', concurrency: 1, team: 'north', userId: ana, campaignIds: null, nodeId: 'node-2', createdAt: NOV1 },
    { id: 'a2', kind: 'human', name: 'Bob', endpoint: 'PJSIP/a2', concurrency: 1, team: 'south', userId: null, campaignIds: null, nodeId: 'node-2', createdAt: NOV1 },
  ]);
  // Wrap-up in PostgreSQL's agent event log: 20 s for a1 after its call.
  await pdb.insert(pgs.agentEvents).values([
    { agentId: 'a1', fromState: 'ON_CALL', toState: 'WRAP_UP', reason: null, callId: null, at: Z('2026-11-01T05:31:08Z') },
    { agentId: 'a1', fromState: 'WRAP_UP', toState: 'AVAILABLE', reason: null, callId: null, at: Z('2026-11-01T05:31:28Z') },
  ]);

  // 01:30 EDT: a human, 1 s to Ana after AMD (within the 2 s service level), 60 s of talk.
  await nodeCall('c1', Z('2026-11-01T05:30:00Z'), { disposition: 'ANSWERED_HUMAN', agentId: 'a1', answerAfter: 4000, amdAfter: 2000, bridgeAfter: 1000, endAfter: 60_000 });
  // 01:30 EST, an hour later by the clock on the wall: 3 s to Bob, 30 s of talk.
  await nodeCall('c2', Z('2026-11-01T06:30:00Z'), { disposition: 'ANSWERED_HUMAN', agentId: 'a2', answerAfter: 4000, amdAfter: 2000, bridgeAfter: 3000, endAfter: 30_000 });
  await nodeCall('c3', Z('2026-11-01T06:40:00Z'), { disposition: 'DROPPED', answerAfter: 4000, amdAfter: 2000, endAfter: 1000 });
  await nodeCall('c4', Z('2026-11-01T07:10:00Z'), { disposition: 'MACHINE', answerAfter: 4000, amdAfter: 3000 });
  // Live now: Ana talking since 07:28:07, and one ringing; created at one instant (ties by id in byte order).
  await nodeCall('oa', Z('2026-11-01T07:28:00Z'), { agentId: 'a1', answerAfter: 4000, amdAfter: 2000, bridgeAfter: 1000 });
  await nodeCall('oB', Z('2026-11-01T07:28:00Z'));
  // Yesterday (31 Oct, 23:59:59.999 EDT): outside "today".
  await nodeCall('y1', NOV1 - 1, { disposition: 'ANSWERED_HUMAN', agentId: 'a1', answerAfter: 4000, bridgeAfter: 500, endAfter: 5000 });

  // The API's own SQLite file holds another call and agent: they must not show.
  h.store.agents.upsert({ id: 'lite', kind: 'human', name: 'Lite', endpoint: 'PJSIP/lite', concurrency: 1, team: 'north', userId: null, campaignIds: null, nodeId: null, createdAt: NOV1 });
  h.store.callLogs.create({ id: 'lite-call', campaignId: null, leadId: null, phone: '+12125550199', nodeId: 'node-test', at: Z('2026-11-01T06:00:00Z') });
  h.store.callLogs.end('lite-call', { disposition: 'DROPPED', hangupCause: 16, at: Z('2026-11-01T06:00:10Z') });
});
afterEach(() => h.close());

const get = async (path: string, who: keyof typeof tokens) => {
  const res = await h.json('GET', path, undefined, tokens[who]);
  return { status: res.status, body: (await res.json()) as any };
};

it('organisation metrics: totals and the 25 local hours of 1 November from PostgreSQL, in REPORT_TIME_ZONE', async () => {
  const r = await get('/api/metrics/org?from=2026-11-01&to=2026-11-01&group=hour', 'sup');
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({
    from: NOV1,
    to: Z('2026-11-02T05:00:00Z'),
    group: 'hour',
    time_zone: NY,
    calls_made: 4,
    calls_success: 2,
    calls_failed: 2,
    total_talk_time: 90,
    avg_call_duration: 45,
    // (90 s talk + 20 s wrap-up) / 2
    aht: 55,
    success_pct: 50,
    humans: 3,
    dropped: 1,
    abandon_pct: 33.33,
  });
  const hours = r.body.breakdown as Array<{ start: number; calls_made: number; calls_success: number; dropped: number }>;
  expect(hours).toHaveLength(25);
  expect(hours.filter((b) => b.calls_made > 0).map((b) => [new Date(b.start).toISOString(), b.calls_made, b.calls_success, b.dropped])).toEqual([
    ['2026-11-01T05:00:00.000Z', 1, 1, 0],
    ['2026-11-01T06:00:00.000Z', 2, 1, 1],
    ['2026-11-01T07:00:00.000Z', 1, 0, 0],
  ]);
  // By day, the call a millisecond before local midnight is the previous day's.
  const days = await get('/api/metrics/org?from=2026-10-31&to=2026-11-01&group=day', 'sup');
  expect((days.body.breakdown as Array<{ start: number; calls_made: number }>).map((b) => [new Date(b.start).toISOString(), b.calls_made])).toEqual([
    ['2026-10-31T04:00:00.000Z', 1],
    ['2026-11-01T04:00:00.000Z', 4],
  ]);
  // The same calls by UTC day.
  const utc = await get('/api/metrics/org?from=2026-10-31&to=2026-11-01&group=day&tz=UTC', 'sup');
  expect((utc.body.breakdown as Array<{ calls_made: number }>).map((b) => b.calls_made)).toEqual([0, 5]);
  // An empty window: zeros, not nulls.
  const empty = await get('/api/metrics/org?from=2026-10-01&to=2026-10-02', 'sup');
  expect(empty.body).toMatchObject({ calls_made: 0, aht: 0, success_pct: 0, abandon_pct: 0, humans: 0 });
});

it('team and user metrics: the team is PostgreSQL’s agents; a team lead sees only their team', async () => {
  const north = await get('/api/metrics/teams/north?from=2026-11-01&to=2026-11-01', 'lead');
  expect(north.status).toBe(200);
  // Ana's c1 only (the SQLite agent "lite" of team north has no PostgreSQL calls and is not in the directory).
  expect(north.body).toMatchObject({ team: 'north', calls_made: 1, calls_success: 1, total_talk_time: 60, aht: 80 });
  expect((await get('/api/metrics/teams/south', 'lead')).status).toBe(404);
  expect((await get('/api/metrics/teams/south?from=2026-11-01&to=2026-11-01', 'sup')).body).toMatchObject({ team: 'south', calls_made: 1, total_talk_time: 30, aht: 30 });
  expect((await get('/api/metrics/teams/nowhere', 'sup')).status).toBe(404);
  // Ana's own metrics: her agent's calls since 1 Nov (c1; the live one has not ended) and its wrap-up.
  const me = await get(`/api/metrics/me?from=2026-11-01T04:00:00Z`, 'ana');
  expect(me.status).toBe(200);
  expect(me.body).toMatchObject({ calls_made: 1, calls_success: 1, total_talk_time: 60, aht: 80, time_in_state: { WRAP_UP: 20 } });
});

it('the wallboard: today’s KPIs, the agent grid, calls in progress and hourly counts from PostgreSQL', async () => {
  const r = await get('/api/wallboard', 'sup');
  expect(r.status).toBe(200);
  expect(r.body).toMatchObject({ at: NOW, since: NOV1, time_zone: NY, scope: 'org', team: null });
  expect(r.body.kpis).toMatchObject({
    calls_today: 6,
    humans_today: 2,
    machines_today: 1,
    dropped_today: 1,
    abandon_pct_us: 100 / 3,
    aht_s: 55,
    // (1000 + 3000 + 1000) / 3 ms
    asa_s: 1.667,
    active_calls: 2,
    agents_by_state: { LOGGED_OUT: 2 },
  });
  expect(r.body.agents.map((a: { id: string; call_id: string | null }) => [a.id, a.call_id])).toEqual([
    ['a1', 'oa'],
    ['a2', null],
  ]);
  expect(r.body.calls.map((c: { id: string; stage: string }) => [c.id, c.stage])).toEqual([
    ['oB', 'ringing'],
    ['oa', 'talking'],
  ]);
  expect(r.body.hourly).toHaveLength(4);
  expect(r.body.hourly.map((b: { calls: number; humans: number; dropped: number }) => [b.calls, b.humans, b.dropped])).toEqual([
    [0, 0, 0],
    [1, 1, 0],
    [2, 1, 1],
    [1, 0, 0],
  ]);
  expect(r.body.per_minute.find((m: { start: number }) => m.start === Z('2026-11-01T07:28:00Z'))).toEqual({ start: Z('2026-11-01T07:28:00Z'), calls: 2, humans: 0 });

  // The team lead's board: north's agents (PostgreSQL's), their calls.
  const team = await get('/api/wallboard', 'lead');
  expect(team.body).toMatchObject({ scope: 'team', team: 'north' });
  expect(team.body.agents.map((a: { id: string }) => a.id)).toEqual(['a1']);
  expect(team.body.calls.map((c: { id: string }) => c.id)).toEqual(['oa']);
  expect(team.body.kpis).toMatchObject({ calls_today: 2, humans_today: 1, dropped_today: 0 });
});

it('the dashboard and the Prometheus scrape count PostgreSQL’s CallLogs; agent states from its event log', async () => {
  const d = await get('/api/dashboard', 'sup');
  expect(d.status).toBe(200);
  expect(d.body).toMatchObject({
    since: NOV1,
    time_zone: NY,
    calls_today: 6,
    agents_source: 'store',
    agents_by_state: { AVAILABLE: 1, LOGGED_OUT: 1 },
    abandon_pct_today: 33.33,
    aht_today: 55,
    // c1 within 2 s, c2 not, c3 dropped.
    service_level_today: 33.33,
    success_pct_today: 50,
  });
  const text = await (await h.app.request('/metrics', { headers: tokens.admin })).text();
  expect(text).toContain('centralita_calls_total{disposition="ANSWERED_HUMAN"} 3\n');
  expect(text).toContain('centralita_calls_total{disposition="DROPPED"} 1\n');
  expect(text).toContain('centralita_calls_total{disposition="MACHINE"} 1\n');
  expect(text).toContain('centralita_abandon_ratio_today 0.3333333333333333\n');
  expect(text).toContain('centralita_agents{state="AVAILABLE"} 1\n');
});

it('roles as on SQLite, and a 422 naming the field', async () => {
  expect((await get('/api/metrics/org', 'lead')).status).toBe(403);
  expect((await get('/api/metrics/org', 'ana')).status).toBe(403);
  expect((await get('/api/dashboard', 'lead')).status).toBe(403);
  expect((await get('/api/wallboard', 'ana')).status).toBe(403);
  expect((await h.app.request('/metrics', { headers: tokens.sup })).status).toBe(403);
  const field = async (path: string) => {
    const r = await get(path, 'sup');
    expect(r.status).toBe(422);
    return (r.body as ErrorBody).error.details?.map((x) => x.field);
  };
  expect(await field('/api/metrics/org?group=week')).toContain('group');
  expect(await field('/api/metrics/org?tz=Mars/Olympus')).toContain('tz');
  expect(await field('/api/metrics/org?from=2026-11-02&to=2026-11-01')).toContain('from');
  expect(await field('/api/wallboard?tz=Nowhere/Land')).toContain('tz');
  expect(await field('/api/metrics/org?from=2020-01-01&to=2026-11-01&group=hour')).toContain('group');
});
