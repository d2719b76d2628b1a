import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeNodeCall, type NodeCall } from '../support/node-calls.js';
import { ADMIN_PASSWORD, describeApiDialects, healthReport, type Harness } from '../unit/api/harness.js';

/** Team and organisation metrics, their hour/day breakdowns and the dashboard summary over real CallLogs. */
describeApiDialects('team and organisation metrics', (harness) => {
  const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
  const S = 1000;
  const H = 3600_000;

  let h: Harness;
  let ids: { ana: string; zoe: string };

  /** A call that a human answered at +5 s, AMD said human at +7 s, bridged `bridgeAfterS` after AMD, talked `talkS`. */
  async function human(h: Harness, id: string, at: number, agentId: string | null, bridgeAfterS: number, talkS: number) {
    const logs = h.db.callLogs;
    await logs.create({ id, campaignId: 'k1', leadId: null, phone: '+50688880000', nodeId: 'n', at });
    await logs.markAnswered(id, at + 5 * S);
    await logs.markAmd(id, { status: 'HUMAN', cause: 'test', decisionMs: 2000, at: at + 7 * S });
    if (agentId === null) {
      await logs.end(id, { disposition: 'DROPPED', hangupCause: 16, at: at + 9 * S });
      return;
    }
    const bridgedAt = at + 7 * S + bridgeAfterS * S;
    await logs.markBridged(id, { agentId, at: bridgedAt });
    await logs.end(id, { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: bridgedAt + talkS * S, agentId });
  }

  async function seed(h: Harness) {
    await h.db.seed.agent({ id: 'a-red', name: 'Red', endpoint: 'PJSIP/1', team: 'red', userId: ids.ana, createdAt: 0 });
    await h.db.seed.agent({ id: 'a-blue', name: 'Blue', endpoint: 'PJSIP/2', team: 'blue', userId: ids.zoe, createdAt: 0 });
    await human(h, 'k1', T0, 'a-red', 1, 60); // served within 2 s
    await human(h, 'k2', T0 + H, 'a-red', 5, 30); // served late
    await human(h, 'k3', T0 + H + 600 * S, null, 0, 0); // dropped (abandoned)
    await h.db.callLogs.create({ id: 'k4', campaignId: 'k1', leadId: null, phone: '+50688880001', nodeId: 'n', at: T0 + 2 * H });
    await h.db.callLogs.end('k4', { disposition: 'NO_ANSWER', hangupCause: 19, at: T0 + 2 * H + 30 * S });
    await human(h, 'k5', T0 + 2 * H, 'a-blue', 1, 20);
    await human(h, 'k6', T0 + 24 * H, 'a-red', 1, 10); // the next day
    // a-red wraps up for 10 s after k1, then is READY.
    const k1End = T0 + 68 * S;
    await h.db.agentEvents.append({ agentId: 'a-red', from: 'LOGGED_OUT', to: 'READY', at: T0 - H });
    await h.db.agentEvents.append({ agentId: 'a-red', from: 'TALKING', to: 'WRAP_UP', at: k1End });
    await h.db.agentEvents.append({ agentId: 'a-red', from: 'WRAP_UP', to: 'READY', at: k1End + 10 * S });
  }

  beforeEach(async () => {
    h = await harness();
    ids = { ana: h.addUser('ana', 'agent', 'red'), zoe: h.addUser('zoe', 'agent', 'blue') };
    h.addUser('lead', 'teamlead', 'red');
    h.addUser('sup', 'supervisor');
    await seed(h);
  });
  afterEach(() => h.close());

  const get = async (who: string, path: string) => h.app.request(path, { headers: h.bearer(await h.login(who)) });
  const body = async (who: string, path: string) => {
    const res = await get(who, path);
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    return (await res.json()) as Record<string, unknown> & { breakdown?: Array<Record<string, number>> };
  };

  describe('GET /api/metrics/teams/:team', () => {
    it('sums the team’s calls, talk time, AHT (talk + wrap-up) and success; team leads see only their team', async () => {
      h.clock.advance(2 * 24 * H);
      const red = await body('lead', '/api/metrics/teams/red');
      expect(red).toMatchObject({
        team: 'red',
        calls_made: 3,
        calls_success: 3,
        calls_failed: 0,
        total_talk_time: 100,
        aht: 36.67, // (100 s talk + 10 s wrap) / 3
        success_pct: 100,
        abandon_pct: 0,
        from: null,
        group: null,
      });
      expect(red.breakdown).toBeUndefined();
      expect((await get('lead', '/api/metrics/teams/blue')).status).toBe(404);
      expect(await body('sup', '/api/metrics/teams/blue')).toMatchObject({ calls_made: 1, total_talk_time: 20 });
      expect((await get('sup', '/api/metrics/teams/nobody')).status).toBe(404);
      expect((await get('ana', '/api/metrics/teams/red')).status).toBe(403);
    });

    it('breaks down by hour over a day (zero-filled buckets)', async () => {
      h.clock.advance(2 * 24 * H);
      const r = await body('sup', '/api/metrics/teams/red?from=2026-01-05&to=2026-01-05&group=hour');
      expect(r.breakdown).toHaveLength(24);
      const made = r.breakdown!.map((b) => b['calls_made']);
      expect(made[9]).toBe(1);
      expect(made[10]).toBe(1);
      expect(made.reduce((a, b) => a! + b!, 0)).toBe(2);
      expect(r.breakdown![9]).toMatchObject({ start: T0, aht: 70, total_talk_time: 60 });
      expect(r.breakdown![10]).toMatchObject({ start: T0 + H, aht: 30 });
    });
  });

  describe('GET /api/metrics/org', () => {
    it('counts every call, abandon % = dropped / humans answered, and breaks down by day', async () => {
      h.clock.advance(2 * 24 * H);
      const org = await body('sup', '/api/metrics/org');
      expect(org).toMatchObject({ calls_made: 6, calls_success: 4, calls_failed: 2, humans: 5, dropped: 1, abandon_pct: 20, total_talk_time: 120, aht: 32.5, success_pct: 66.67 });
      const byDay = await body('admin', '/api/metrics/org?from=2026-01-05&to=2026-01-06&group=day');
      expect(byDay.breakdown!.map((b) => [b['start'], b['calls_made'], b['abandon_pct']])).toEqual([
        [T0 - 9 * H, 5, 25],
        [T0 + 15 * H, 1, 0],
      ]);
      expect(byDay['time_zone']).toBe('UTC');
      // A Costa Rica center's days begin at 06:00 UTC, and its "2026-01-05" is its own calendar day.
      const crDays = await body('admin', '/api/metrics/org?from=2026-01-05&to=2026-01-06&group=day&tz=America/Costa_Rica');
      expect(crDays).toMatchObject({ time_zone: 'America/Costa_Rica', from: Date.UTC(2026, 0, 5, 6), to: Date.UTC(2026, 0, 7, 6) });
      expect(crDays.breakdown!.map((b) => [b['start'], b['calls_made']])).toEqual([
        [Date.UTC(2026, 0, 5, 6), 5],
        [Date.UTC(2026, 0, 6, 6), 1],
      ]);
      // An ISO date-time stays the instant it names, whatever the zone.
      const instant = await body('admin', '/api/metrics/org?from=2026-01-05T10:00:00Z&to=2026-01-05T12:00:00Z&tz=America/Costa_Rica');
      expect(instant).toMatchObject({ from: T0 + H, to: T0 + 3 * H, calls_made: 4 });
      expect((await get('sup', '/api/metrics/org?group=day&tz=Mars/Olympus')).status).toBe(422);
      // Default window for a breakdown: the last 24 hours by hour.
      const recent = await body('sup', '/api/metrics/org?group=hour');
      expect(recent.breakdown).toHaveLength(24);
      expect((await get('lead', '/api/metrics/org')).status).toBe(403);
      expect((await get('sup', '/api/metrics/org?group=week')).status).toBe(422);
      expect((await get('sup', '/api/metrics/org?from=2026-01-06&to=2026-01-05')).status).toBe(422);
      expect((await get('sup', '/api/metrics/org?from=2020-01-01&to=2026-01-05&group=hour')).status).toBe(422);
    });
  });

  describe('GET /api/dashboard', () => {
    it('summarises today: calls, abandon %, AHT, service level (humans bridged within 2 s), agents by state', async () => {
      h.clock.advance(3 * H); // 12:00 the same day; k6 (tomorrow) is not today
      const d = await body('sup', '/api/dashboard');
      expect(d).toMatchObject({
        calls_today: 5,
        active_calls: null, // the harness health probe has no engine figures
        abandon_pct_today: 25, // 1 dropped of 4 humans
        service_level_today: 50, // k1 and k5 within 2 s, k2 late, k3 dropped
        agents_source: 'store',
        agents_by_state: { READY: 1, LOGGED_OUT: 1 },
      });
      expect(d['aht_today']).toBe(40); // (60 + 30 + 20 s talk + 10 s wrap) / 3
      expect(d).toMatchObject({ time_zone: 'UTC', since: Date.UTC(2026, 0, 5) });
      // Kiritimati (UTC+14) is already on 6 January at 12:00 UTC: its today began at 10:00 UTC, after k1.
      const kiritimati = await body('sup', '/api/dashboard?tz=Pacific/Kiritimati');
      expect(kiritimati).toMatchObject({ time_zone: 'Pacific/Kiritimati', since: Date.UTC(2026, 0, 5, 10), calls_today: 4 });
      expect((await get('lead', '/api/dashboard')).status).toBe(403);
    });

    it('takes active calls from the health probe', async () => {
      await h.settled(); // (on PostgreSQL `other` starts over the same database, emptied)
      const other = await harness({ health: () => healthReport({ calls: { active: 3 }, media: { activeSessions: 2 } }) });
      try {
        other.addUser('sup', 'supervisor');
        const res = await other.app.request('/api/dashboard', { headers: other.bearer(await other.login('sup')) });
        expect(await res.json()).toMatchObject({ active_calls: 3, calls_today: 0, service_level_today: null, abandon_pct_today: 0 });
      } finally {
        other.close();
      }
    });
  });

  describe('route table', () => {
    it('every route of this work carries its permission in the OpenAPI document', async () => {
      const doc = (await (await h.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { 'x-permission'?: string }>> };
      const perm = (path: string, method: string) => doc.paths[path]?.[method]?.['x-permission'];
      expect(perm('/api/metrics/teams/{team}', 'get')).toBe('metrics.team');
      expect(perm('/api/metrics/org', 'get')).toBe('metrics.org');
      expect(perm('/api/dashboard', 'get')).toBe('metrics.org');
      expect(perm('/metrics', 'get')).toBe('metrics.scrape');
      expect(perm('/api/agents', 'get')).toBe('agents.read');
      expect(perm('/api/agents', 'post')).toBe('agents.manage');
      expect(perm('/api/agents/{id}', 'patch')).toBe('agents.manage');
      expect(perm('/api/agents/{id}', 'delete')).toBe('agents.manage');
      expect(perm('/api/agents/{id}/state', 'get')).toBe('agents.read');
      for (const verb of ['login', 'ready', 'pause', 'logout']) expect(perm(`/api/agents/{id}/${verb}`, 'post')).toBe('agents.control');
    });
  });
}, { prefix: 'apipg_metrics_team' });

/**
 * The supervisors' figures in REPORT_TIME_ZONE's local hours and days (America/New_York on its 25-hour 1 November
 * 2026), on both dialects (#18): GET /api/metrics/*, /api/wallboard, /api/dashboard and the Prometheus scrape from the
 * CallLogs as the engine nodes write them (through the dialect's node writer), with the agents of its directory and
 * the wrap-up of its agent event log. On PostgreSQL the API's SQLite file holds another call and agent on purpose:
 * every figure below differs if a route reads it. Roles; bad input is a 422 naming the field.
 */
describeApiDialects('metrics across a DST day', (harness, dialect) => {
  const NY = 'America/New_York';
  const Z = (iso: string) => Date.parse(iso);
  /** Local midnight of 1 Nov 2026 in New York (EDT); the day lasts 25 hours (the clocks go back at 02:00 EDT). */
  const NOV1 = Z('2026-11-01T04:00:00Z');
  /** "Now": 02:30 EST, the 4th local hour of that day. */
  const NOW = Z('2026-11-01T07:30:00Z');
  type ErrorBody = { error: { code: string; details?: Array<{ field: string; problem: string }> } };

  let h: Harness;
  let tokens: Record<'admin' | 'sup' | 'lead' | 'ana', Record<string, string>>;

  /** One CallLog as a node writes it: created, ringing, answered, AMD, bridged, ended (each step when given). */
  const nodeCall = (id: string, at: number, o: Omit<NodeCall, 'id' | 'at'> = {}): Promise<void> =>
    writeNodeCall(h.db.callLogs, { id, at, campaignId: 'k1', nodeId: 'node-2', ...o });

  beforeEach(async () => {
    h = await harness({ config: { NODE_ID: 'node-test', JWT_SECRET: 'x'.repeat(40), ADMIN_PASSWORD, REPORT_TIME_ZONE: NY } });
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
    // The directory: Ana's agent (team north, her user id), and Bob's (team south).
    await h.db.seed.agent({ id: 'a1', name: 'Ana', endpoint: 'PJSIP/a1', team: 'north', userId: ana, nodeId: 'node-2', createdAt: NOV1 });
    await h.db.seed.agent({ id: 'a2', name: 'Bob', endpoint: 'PJSIP/a2', team: 'south', userId: null, nodeId: 'node-2', createdAt: NOV1 });
    // Wrap-up in the agent event log: 20 s for a1 after its call.
    await h.db.seed.agentEvent({ agentId: 'a1', fromState: 'ON_CALL', toState: 'WRAP_UP', at: Z('2026-11-01T05:31:08Z') });
    await h.db.seed.agentEvent({ agentId: 'a1', fromState: 'WRAP_UP', toState: 'AVAILABLE', at: Z('2026-11-01T05:31:28Z') });

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

    if (dialect === 'pg') {
      // The API's own SQLite file holds another call and agent: they must not show.
      h.store.agents.upsert({ id: 'lite', kind: 'human', name: 'Lite', endpoint: 'PJSIP/lite', concurrency: 1, team: 'north', userId: null, campaignIds: null, nodeId: null, createdAt: NOV1 });
      h.store.callLogs.create({ id: 'lite-call', campaignId: null, leadId: null, phone: '+12125550199', nodeId: 'node-test', at: Z('2026-11-01T06:00:00Z') });
      h.store.callLogs.end('lite-call', { disposition: 'DROPPED', hangupCause: 16, at: Z('2026-11-01T06:00:10Z') });
    }
  });
  afterEach(() => h.close());

  const get = async (path: string, who: keyof typeof tokens) => {
    const res = await h.json('GET', path, undefined, tokens[who]);
    return { status: res.status, body: (await res.json()) as any };
  };

  it('organisation metrics: totals and the 25 local hours of 1 November, in REPORT_TIME_ZONE', async () => {
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

  it('team and user metrics: the team is the directory’s agents; a team lead sees only their team', async () => {
    const north = await get('/api/metrics/teams/north?from=2026-11-01&to=2026-11-01', 'lead');
    expect(north.status).toBe(200);
    // Ana's c1 only (on PostgreSQL the SQLite agent "lite" of team north is not in the directory).
    expect(north.body).toMatchObject({ team: 'north', calls_made: 1, calls_success: 1, total_talk_time: 60, aht: 80 });
    expect((await get('/api/metrics/teams/south', 'lead')).status).toBe(404);
    expect((await get('/api/metrics/teams/south?from=2026-11-01&to=2026-11-01', 'sup')).body).toMatchObject({ team: 'south', calls_made: 1, total_talk_time: 30, aht: 30 });
    expect((await get('/api/metrics/teams/nowhere', 'sup')).status).toBe(404);
    // Ana's own metrics: her agent's calls since 1 Nov (c1; the live one has not ended) and its wrap-up.
    const me = await get(`/api/metrics/me?from=2026-11-01T04:00:00Z`, 'ana');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ calls_made: 1, calls_success: 1, total_talk_time: 60, aht: 80, time_in_state: { WRAP_UP: 20 } });
  });

  it('the wallboard: today’s KPIs, the agent grid, calls in progress and hourly counts', async () => {
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

    // The team lead's board: north's agents (the directory's), their calls.
    const team = await get('/api/wallboard', 'lead');
    expect(team.body).toMatchObject({ scope: 'team', team: 'north' });
    expect(team.body.agents.map((a: { id: string }) => a.id)).toEqual(['a1']);
    expect(team.body.calls.map((c: { id: string }) => c.id)).toEqual(['oa']);
    expect(team.body.kpis).toMatchObject({ calls_today: 2, humans_today: 1, dropped_today: 0 });
  });

  it('the dashboard and the Prometheus scrape count the CallLogs; agent states from the event log', async () => {
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

  it('roles, and a 422 naming the field', async () => {
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
}, { prefix: 'pg_twins2_metrics_dst' });
