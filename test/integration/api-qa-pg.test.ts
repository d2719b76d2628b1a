/**
 * The QA routes over PostgreSQL (#18): an API app built with `qaStore: pgQaStore(pool)` and `callHistory:
 * pgCallHistory(pool)` keeps scorecards and scores in PostgreSQL's qa_scorecards/qa_scores and scores the calls an
 * engine node wrote there (seeded through the node port, `pgNodeStore(pool).callLogs`: create → ringing → answered →
 * AMD → bridged → end), with the roles and visibility of the SQLite API: supervisors define scorecards, team leads
 * score their team's calls, agents read the scores of their own calls; bad input is a 4xx naming the field. Users are
 * still the API's SQLite users (authentication is not moved here); a call in the SQLite file only is not found.
 * The recordings' list and detail (`recordingCatalog: pgRecordingCatalog(pool)`) read PostgreSQL's `recordings` rows
 * of those calls with the same visibility. Without the ports these routes read SQLite and find none of the node's
 * calls (404) or recordings (an empty list).
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseCampaignSettings } from '../../engine/campaigns/index.js';
import { campaignSettingsToRow } from '../../engine/store/index.js';
import { pgCallHistory, pgNodeStore, pgQaStore, pgRecordingCatalog } from '../../engine/store/pg/index.js';
import type { PgPool } from '../../engine/store/pg/index.js';
import * as pgs from '../../engine/store/schema-pg/index.js';
import { emptyTables, openMigratedTestDatabase, type MigratedTestDatabase } from '../support/pg-database.js';
import { harness, type Harness } from '../unit/api/harness.js';

/** Monday 5 January 2026, 09:00 UTC. */
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const WEEK = Date.UTC(2026, 0, 5);

let db: MigratedTestDatabase;
let pool: PgPool;
let h: Harness;
let users: { ana: string; bob: string; zoe: string; lead: string; sup: string };

beforeAll(async () => {
  ({ pool } = db = await openMigratedTestDatabase('h_qa_pg_http'));
}, 60_000);
afterAll(() => db?.close());

const CRITERIA = [
  { id: 'greet', label: 'Greets by name', type: 'yesno', weight: 1 },
  { id: 'tone', label: 'Tone', type: 'scale5', weight: 1 },
  { id: 'script', label: 'Script', type: 'points', weight: 2, max: 10 },
];

beforeEach(async () => {
  await emptyTables(pool);
  h = harness({ callHistory: pgCallHistory(pool), qaStore: pgQaStore(pool), recordingCatalog: pgRecordingCatalog(pool) });
  users = { ana: h.addUser('ana', 'agent', 'A'), bob: h.addUser('bob', 'agent', 'A'), zoe: h.addUser('zoe', 'agent', 'Z'), lead: h.addUser('lead', 'teamlead', 'A'), sup: h.addUser('sup', 'supervisor') };

  const pdb = drizzle(pool);
  await pdb.insert(pgs.campaigns).values({ id: 'k1', state: 'running', stateReason: null, createdAt: T0, updatedAt: T0, ...campaignSettingsToRow(parseCampaignSettings({ name: 'Norte PG' })) });
  for (const [id, userId] of [
    ['agent-ana', users.ana],
    ['agent-zoe', users.zoe],
  ] as const)
    await pdb.insert(pgs.agents).values({ id, kind: 'human', name: id, endpoint: `PJSIP/${id}`, userId, nodeId: 'node-2', team: null, createdAt: 0 });

  // What a node writes for two answered calls bridged to Ana and to Zoe.
  const logs = pgNodeStore(pool).callLogs;
  for (const [id, agentId, at] of [
    ['p1', 'agent-ana', T0],
    ['p2', 'agent-zoe', T0 + 3600_000],
  ] as const) {
    await logs.create({ id, campaignId: 'k1', leadId: null, phone: '+50688880000', nodeId: 'node-2', channelId: `ch-${id}`, at });
    await logs.markRinging(id, at + 1_000);
    await logs.markAnswered(id, at + 5_000);
    await logs.markAmd(id, { status: 'HUMAN', cause: 'X', decisionMs: 1_000, at: at + 6_000 });
    await logs.markBridged(id, { agentId, bridgeId: `br-${id}`, at: at + 6_500 });
    await logs.end(id, { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: at + 66_500 });
    // Its recording's row, as a recorder writes it beside the CallLog.
    await pdb.insert(pgs.recordings).values({ callId: id, name: id, campaignId: 'k1', agentId, bridgeId: `br-${id}`, state: 'ready', startedAt: at + 6_500, endedAt: at + 66_500, durationMs: 60_000, wavPath: `/nowhere/${id}.wav`, wavBytes: 960_000, peaks: [0.1, 0.9], peaksPerSecond: 10, pauses: [], nodeId: 'node-2', updatedAt: at + 70_000 });
  }
  // A call in the API's SQLite file only: not a call of the PostgreSQL history.
  h.store.callLogs.create({ id: 'lite-1', campaignId: 'k1', leadId: null, phone: '+1', nodeId: 'node-test', userId: users.ana, at: T0 });
});
afterEach(() => h.close());

const as = async (who: string) => h.bearer(await h.login(who));
const card = async (): Promise<string> => {
  const res = await h.json('POST', '/api/qa/scorecards', { name: 'Ventas', criteria: CRITERIA }, await as('sup'));
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
};

describe('QA routes over PostgreSQL', () => {
  it('supervisors define scorecards in PostgreSQL; team leads list them; others may not; bad criteria name the field', async () => {
    expect((await h.json('POST', '/api/qa/scorecards', { name: 'X', criteria: CRITERIA }, await as('lead'))).status).toBe(403);
    expect((await h.app.request('/api/qa/scorecards', { headers: await as('ana') })).status).toBe(403);
    const bad = await h.json('POST', '/api/qa/scorecards', { name: 'X', criteria: [{ id: 'a', label: 'A', type: 'points', weight: 1 }] }, await as('sup'));
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain('criteria.0.max');

    const id = await card();
    const rows = await drizzle(pool).select().from(pgs.qaScorecards);
    expect(rows).toEqual([expect.objectContaining({ id, name: 'Ventas', criteria: CRITERIA, createdBy: users.sup, archived: false })]);
    // Nothing went to the SQLite file.
    expect(h.store.qa.scorecards(true)).toEqual([]);
    const listed = await h.app.request('/api/qa/scorecards', { headers: await as('lead') });
    expect(listed.status).toBe(200);
    expect(((await listed.json()) as { items: Array<{ id: string; name: string }> }).items).toEqual([expect.objectContaining({ id, name: 'Ventas' })]);

    const renamed = await h.json('PATCH', `/api/qa/scorecards/${id}`, { name: 'Ventas 2', archived: true }, await as('sup'));
    expect(renamed.status).toBe(200);
    expect(await renamed.json()).toMatchObject({ name: 'Ventas 2', archived: true });
    expect((await h.json('PATCH', '/api/qa/scorecards/nope', { name: 'x' }, await as('sup'))).status).toBe(404);
  });

  it("scores a call a node wrote to PostgreSQL with its agent and campaign; its team's lead may, others 404/403", async () => {
    const id = await card();
    const lead = await as('lead');
    // Answers that do not fit the scorecard: 422 naming each field.
    const wrong = await h.json('PUT', '/api/recordings/p1/scores', { scorecardId: id, answers: { greet: 3, nope: 1 } }, lead);
    expect(wrong.status).toBe(422);
    const fields = ((await wrong.json()) as { error: { details: Array<{ field: string }> } }).error.details.map((d) => d.field);
    expect(fields).toEqual(['answers.greet', 'answers.nope']);
    expect((await h.json('PUT', '/api/recordings/p1/scores', { scorecardId: 'nope', answers: {} }, lead)).status).toBe(404);
    // Zoe's call is not the A team's; the SQLite-only call is no call of this history; agents do not score.
    expect((await h.json('PUT', '/api/recordings/p2/scores', { scorecardId: id, answers: { greet: 1 } }, lead)).status).toBe(404);
    expect((await h.json('PUT', '/api/recordings/lite-1/scores', { scorecardId: id, answers: { greet: 1 } }, await as('sup'))).status).toBe(404);
    expect((await h.json('PUT', '/api/recordings/p1/scores', { scorecardId: id, answers: { greet: 1 } }, await as('ana'))).status).toBe(403);

    const s1 = await h.json('PUT', '/api/recordings/p1/scores', { scorecardId: id, answers: { greet: 1, tone: 5, script: 5 }, notes: 'bien' }, lead);
    expect(s1.status).toBe(200);
    // (1 + 1 + 2 × 0.5) / 4 = 75 %, with the CallLog's agent and campaign.
    expect(await s1.json()).toMatchObject({ callId: 'p1', scorecardId: id, reviewerId: users.lead, reviewerName: 'lead', percent: 75, agentId: 'agent-ana', campaignId: 'k1', notes: 'bien' });
    const stored = await drizzle(pool).select().from(pgs.qaScores);
    expect(stored).toEqual([expect.objectContaining({ callId: 'p1', reviewerId: users.lead, percent: 75, agentId: 'agent-ana', campaignId: 'k1', callAt: T0 })]);
    expect(h.store.qa.scoresOf('p1')).toEqual([]);

    const s2 = await h.json('PUT', '/api/recordings/p1/scores', { scorecardId: id, answers: { greet: 0, tone: 1, script: 0 } }, await as('sup'));
    expect(s2.status).toBe(200);

    // Ana reads the scores of her call; Bob (same team, not his call) does not see it.
    const mine = await h.app.request('/api/recordings/p1/scores', { headers: await as('ana') });
    expect(mine.status).toBe(200);
    expect(((await mine.json()) as { items: Array<{ reviewerName: string; percent: number }> }).items.map((s) => [s.reviewerName, s.percent])).toEqual([
      ['lead', 75],
      ['sup', 0],
    ]);
    expect((await h.app.request('/api/recordings/p1/scores', { headers: await as('bob') })).status).toBe(404);

    // Calibration: the lead sees p1 (two reviewers, 75 points apart); averages per agent and campaign.
    const cal = await h.app.request('/api/qa/calibration?call_id=p1&scorecard_id=' + id, { headers: lead });
    expect(cal.status).toBe(200);
    const calBody = (await cal.json()) as { calls: unknown[]; scores: Array<{ reviewerName: string }> };
    expect(calBody.calls).toEqual([{ callId: 'p1', scorecardId: id, reviewers: 2, spread: 75 }]);
    expect(calBody.scores.map((s) => s.reviewerName)).toEqual(['lead', 'sup']);
    const from = new Date(WEEK).toISOString();
    const to = new Date(WEEK + 7 * 86_400_000).toISOString();
    const avg = await h.app.request(`/api/qa/averages?by=campaign&from=${from}&to=${to}`, { headers: await as('sup') });
    expect(avg.status).toBe(200);
    expect(await avg.json()).toEqual({ items: [{ key: 'k1', period: WEEK, average: 37.5, scores: 2 }] });
    expect((await h.app.request(`/api/qa/averages?by=campaign&from=${from}&to=${to}`, { headers: await as('ana') })).status).toBe(403);

    // An archived scorecard scores no more.
    await h.json('PATCH', `/api/qa/scorecards/${id}`, { archived: true }, await as('sup'));
    expect((await h.json('PUT', '/api/recordings/p1/scores', { scorecardId: id, answers: { greet: 1 } }, lead)).status).toBe(404);
  });
});

describe('recordings list and detail over PostgreSQL', () => {
  it("lists the node's recordings with their calls and campaign names, by role; the detail with peaks and jobs", async () => {
    const list = async (who: string, qs = '') => {
      const res = await h.app.request(`/api/recordings${qs}`, { headers: await as(who) });
      expect(res.status).toBe(200);
      return (await res.json()) as { items: Array<{ callId: string; call: { campaignName: string | null; agentId: string | null; userId: string | null } }>; total: number };
    };
    const all = await list('sup');
    expect(all.items.map((i) => i.callId)).toEqual(['p2', 'p1']);
    expect(all.total).toBe(2);
    expect(all.items[1]!.call).toMatchObject({ campaignName: 'Norte PG', agentId: 'agent-ana', userId: users.ana });
    expect((await list('sup', '?agent_id=agent-zoe')).items.map((i) => i.callId)).toEqual(['p2']);
    expect((await list('lead')).items.map((i) => i.callId)).toEqual(['p1']);
    expect((await list('bob')).items).toEqual([]);
    const bad = await h.app.request('/api/recordings?amd_status=LOUD', { headers: await as('sup') });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(await bad.json())).toContain('amd_status');

    const detail = await h.app.request('/api/recordings/p1', { headers: await as('ana') });
    expect(detail.status).toBe(200);
    expect(await detail.json()).toMatchObject({ callId: 'p1', state: 'ready', durationMs: 60_000, peaks: [0.1, 0.9], peaksPerSecond: 10, jobs: [], call: { campaignName: 'Norte PG' } });
    expect((await h.app.request('/api/recordings/p1', { headers: await as('bob') })).status).toBe(404);
    expect((await h.app.request('/api/recordings/lite-1', { headers: await as('sup') })).status).toBe(404);
  });
});
