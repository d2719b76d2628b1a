import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ControlError, type CampaignLiveStats, type EngineControl } from '../../engine/control/types.js';
import { describeApiDialects, healthReport, type Harness } from '../unit/api/harness.js';

/** GET /metrics: who may scrape, the text format, and the figures from the store, health probe and control; on both dialects (#18). */
describeApiDialects('prometheus', (harness, dialect) => {
  const stats = (campaignId: string): CampaignLiveStats => ({
    campaignId,
    state: 'running',
    pacing: { mode: 'predictive/governor', place: 4, level: 1.75, at: 0 },
    calls: { ringing: 3, amd: 1, waiting: 0, connected: 2 },
    agents: { ready: 1, talk: 2, wrap: 0, paused: 0, loggedIn: 3 },
    today: { placed: 10, answered: 5, humans: 4, machines: 1, dropped: 0, abandonPct: 0 },
    leads: {},
  });

  const control: EngineControl = {
    campaigns: {
      start: () => Promise.reject(new Error('n/a')),
      pause: () => Promise.reject(new Error('n/a')),
      stop: () => Promise.reject(new Error('n/a')),
      testCall: () => Promise.reject(new Error('n/a')),
      applySettings: () => Promise.reject(new Error('n/a')),
      liveStats: (id) => {
        if (id !== 'camp-live') throw new ControlError('not_found', 'not run here');
        return stats(id);
      },
    },
    agents: {
      login: () => {},
      ready: () => {},
      pause: () => {},
      logout: () => {},
      upsert: () => {},
      remove: () => {},
      state: () => null,
      list: () => [
        { id: 'a1', kind: 'human', status: 'READY', pauseReason: null, legUp: true, calls: [], since: 0 },
        { id: 'a2', kind: 'human', status: 'TALKING', pauseReason: null, legUp: true, calls: ['c'], since: 0 },
        { id: 'a3', kind: 'bot', status: 'TALKING', pauseReason: null, legUp: true, calls: ['d'], since: 0 },
      ],
    },
  };

  let h: Harness;
  beforeEach(async () => {
    h = await harness({ control, health: () => healthReport({ media: { activeSessions: 7 }, calls: { active: 6 }, redis: { configured: true, ok: true } }) });
    h.addUser('sup', 'supervisor');
    await h.db.seed.campaign('camp-live', { name: 'live' }, h.clock.now());
    await h.db.seed.campaign('camp-draft', { name: 'draft' }, h.clock.now());
    await h.db.seed.campaign('camp-paused', { name: 'paused' }, h.clock.now());
    await h.db.campaignCatalog.command('camp-paused', 'start', h.clock.now());
    await h.db.campaignCatalog.command('camp-paused', 'pause', h.clock.now());
    // On PostgreSQL the SQLite file holds a campaign of its own: the scrape does not name it.
    if (dialect === 'pg') h.store.campaigns.create('k-lite', { name: 'Lite only' }, h.clock.now());
    const logs = h.db.callLogs;
    const at = h.clock.now();
    // Ended before this process started: not in the since-start counter.
    await logs.create({ id: 'c0', campaignId: 'camp-live', leadId: null, phone: '+50688880000', nodeId: 'n', at: at - 3600_000 });
    await logs.end('c0', { disposition: 'BUSY', hangupCause: 17, at: at - 3590_000 });
    for (const [id, d] of [
      ['c1', 'ANSWERED_HUMAN'],
      ['c2', 'ANSWERED_HUMAN'],
      ['c3', 'DROPPED'],
      ['c4', 'MACHINE'],
    ] as const) {
      await logs.create({ id, campaignId: 'camp-live', leadId: null, phone: '+50688880000', nodeId: 'n', at });
      await logs.end(id, { disposition: d, hangupCause: 16, at: at + 1000 });
    }
    await logs.create({ id: 'c5', campaignId: 'camp-live', leadId: null, phone: '+50688880000', nodeId: 'n', at }); // still up
  });
  afterEach(() => h.close());

  const scrape = (headers: Record<string, string> = {}) => h.app.request('/metrics', { headers });

  /** Parses the exposition text strictly enough to catch format slips: HELP+TYPE before each family's samples. */
  function parse(text: string): Map<string, number> {
    expect(text.endsWith('\n')).toBe(true);
    const samples = new Map<string, number>();
    const typed = new Set<string>();
    for (const line of text.trimEnd().split('\n')) {
      const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
      if (meta) {
        if (meta[1] === 'TYPE') {
          expect(['gauge', 'counter']).toContain(meta[3]);
          typed.add(meta[2]!);
        }
        continue;
      }
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/.exec(line);
      expect(m, `bad sample line: ${line}`).not.toBeNull();
      expect(typed.has(m![1]!), `${m![1]} sampled before its TYPE`).toBe(true);
      samples.set(`${m![1]}${m![2] ?? ''}`, Number(m![3]));
    }
    return samples;
  }

  describe('GET /metrics', () => {
    it('is refused without credentials (401) and to non-admins (403), JWT or API key', async () => {
      expect((await scrape()).status).toBe(401);
      expect((await scrape({ authorization: 'Bearer ck_forged' })).status).toBe(401);
      const sup = await h.login('sup');
      expect((await scrape(h.bearer(sup))).status).toBe(403);
      const supKey = (await h.db.auth.apiKeys.create((await h.app.auth.users.byUsername('sup'))!.id, 'prom', h.clock.now())).key;
      expect((await scrape({ authorization: `Bearer ${supKey}` })).status).toBe(403);
      expect((await scrape({ 'x-api-key': supKey })).status).toBe(403);
    });

    it('answers an admin JWT, an admin API key in X-API-Key, and one as a bearer credential (Prometheus)', async () => {
      const adminId = (await h.app.auth.users.byUsername('admin'))!.id;
      const key = (await h.db.auth.apiKeys.create(adminId, 'prometheus', h.clock.now())).key;
      for (const headers of [h.bearer(await h.login('admin')), { 'x-api-key': key }, { authorization: `Bearer ${key}` }]) {
        const res = await scrape(headers);
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      }
    });

    it('reports engine, store and HTTP figures in the text exposition format', async () => {
      const admin = h.bearer(await h.login('admin'));
      // Some traffic for the HTTP counter: a 200, a 404 on a parameterised route, a 401, an unmatched path.
      await h.app.request('/api/agents', { headers: admin });
      await h.app.request('/api/agents/nope', { headers: admin });
      await h.app.request('/api/agents/nope');
      await h.app.request('/not/a/route');
      const res = await scrape(admin);
      const text = await res.text();
      const m = parse(text);

      expect(m.get('centralita_up')).toBe(1);
      expect(m.get('centralita_ari_connected')).toBe(1);
      expect(m.get('centralita_redis_ok')).toBe(1);
      expect(m.get('centralita_media_sessions')).toBe(7);
      expect(m.get('centralita_calls_active')).toBe(6);
      expect(m.get('centralita_calls_active_by_phase{campaign="camp-live",phase="ringing"}')).toBe(3);
      expect(m.get('centralita_calls_active_by_phase{campaign="camp-live",phase="connected"}')).toBe(2);
      expect(m.get('centralita_pacing_level{campaign="camp-live",mode="predictive/governor"}')).toBe(1.75);
      expect(m.get('centralita_pacing_place{campaign="camp-live",mode="predictive/governor"}')).toBe(4);
      expect(m.get('centralita_campaign_state{campaign="camp-draft",state="draft"}')).toBe(1);
      expect(m.get('centralita_campaign_state{campaign="camp-draft",state="running"}')).toBe(0);
      expect(m.get('centralita_campaign_state{campaign="camp-paused",state="paused"}')).toBe(1);
      expect(m.get('centralita_campaign_state{campaign="camp-paused",state="draft"}')).toBe(0);
      expect(text.split('\n').filter((l) => l.startsWith('centralita_campaign_state{') && !/campaign="camp-(live|draft|paused)"/.test(l))).toEqual([]);
      expect(m.get('centralita_agents{state="TALKING"}')).toBe(2);
      expect(m.get('centralita_agents{state="READY"}')).toBe(1);
      expect(m.get('centralita_calls_total{disposition="ANSWERED_HUMAN"}')).toBe(2);
      expect(m.get('centralita_calls_total{disposition="DROPPED"}')).toBe(1);
      expect(m.get('centralita_abandon_ratio_today')).toBeCloseTo(1 / 3, 6);
      expect(m.get('centralita_http_requests_total{method="GET",route="/api/agents",status="200"}')).toBe(1);
      expect(m.get('centralita_http_requests_total{method="GET",route="/api/agents/:id",status="404"}')).toBe(1);
      expect(m.get('centralita_http_requests_total{method="GET",route="/api/agents/:id",status="401"}')).toBe(1);
      expect(m.get('centralita_http_requests_total{method="GET",route="unmatched",status="404"}')).toBe(1);
      expect(m.get('centralita_event_loop_lag_seconds{quantile="0.99"}')).toBeGreaterThanOrEqual(0);

      // The scrape itself is counted on the next one.
      const again = parse(await (await scrape(admin)).text());
      expect(again.get('centralita_http_requests_total{method="GET",route="/metrics",status="200"}')).toBe(1);
      expect(again.has('centralita_calls_total{disposition="BUSY"}')).toBe(false);

      // Minutes later: the settled rows are kept, new ones are added, nothing is counted twice.
      h.clock.advance(5 * 60_000);
      await h.db.callLogs.end('c5', { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: h.clock.now() - 1000 });
      const later = parse(await (await scrape(h.bearer(await h.login('admin')))).text());
      expect(later.get('centralita_calls_total{disposition="ANSWERED_HUMAN"}')).toBe(3);
      expect(later.get('centralita_calls_total{disposition="DROPPED"}')).toBe(1);
      h.clock.advance(5 * 60_000);
      const settled = parse(await (await scrape(h.bearer(await h.login('admin')))).text());
      expect(settled.get('centralita_calls_total{disposition="ANSWERED_HUMAN"}')).toBe(3);
    });

    it('without an engine control it still answers, with agent states from the event log', async () => {
      await h.app.ready; // (on PostgreSQL `bare` starts over the same database, emptied)
      const bare = await harness();
      try {
        await bare.db.seed.agent({ id: 'x1', name: 'x', endpoint: 'PJSIP/x', team: null, userId: null, createdAt: 0 });
        const m = parse(await (await bare.app.request('/metrics', { headers: bare.bearer(await bare.login('admin')) })).text());
        expect(m.get('centralita_agents{state="LOGGED_OUT"}')).toBe(1);
        expect([...m.keys()].some((k) => k.startsWith('centralita_calls_active_by_phase'))).toBe(false);
        expect(m.has('centralita_redis_ok')).toBe(false);
      } finally {
        bare.close();
      }
    });
  });
}, { prefix: 'apipg_prometheus' });
