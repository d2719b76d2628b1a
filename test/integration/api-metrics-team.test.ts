import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeApiDialects, healthReport, type Harness } from '../unit/api/harness.js';

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
