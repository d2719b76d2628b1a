import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineControl, AgentLiveState } from '../../engine/control/index.js';
import { describeApiDialects, healthReport, type Harness } from '../unit/api/harness.js';

/**
 * GET /api/wallboard over a real SQLite file and over PostgreSQL (#18): calls in every stage written through the CallLog repository the
 * engine uses, agents with live state from an engine control, figures since local midnight, team scoping.
 */
describeApiDialects('wallboard', (harness, dialect) => {
  const T0 = Date.UTC(2026, 0, 5, 9, 0, 0); // the harness clock
  let h: Harness;
  const live: AgentLiveState[] = [];
  const control = {
    agents: { list: () => live, state: (id: string) => live.find((a) => a.id === id) ?? null },
    campaigns: { liveStats: (id: string) => ({ campaignId: id, pacing: { mode: 'predictive/governor', place: 2, level: 1.6, at: T0 } }) },
  } as unknown as EngineControl;

  beforeAll(async () => {
    // /health's recorder figures: 1.5 GB of recordings, 20 GB free of 50 GB, two failed jobs.
    const recordings = { ok: true, dir: '/rec', usedBytes: 1_500_000_000, freeBytes: 20_000_000_000, totalBytes: 50_000_000_000, byState: { ready: 9 }, jobs: { queued: 0, running: 0, failed: 2 }, diskError: null };
    h = await harness({ control, health: () => healthReport({ recordings }) });
    const s = h.db;
    const annaUser = h.addUser('anna', 'agent', 'A');
    h.addUser('lead-a', 'teamlead', 'A');
    h.addUser('sup', 'supervisor');
    await s.seed.agent({ id: 'agent-1', name: 'Anna', endpoint: 'PJSIP/1001', team: 'A', userId: annaUser, createdAt: T0 });
    await s.seed.agent({ id: 'agent-2', name: 'Bruno', endpoint: 'PJSIP/1002', team: 'B', createdAt: T0 });
    await s.seed.campaign('c1', { name: 'Spring', dialMode: 'predictive' }, T0);
    // Paused, as a node leaves it: the board names the state the row holds.
    await s.campaignCatalog.command('c1', 'start', T0 - 60_000);
    await s.campaignCatalog.command('c1', 'pause', T0 - 30_000);
    if (dialect === 'pg') {
      // The SQLite file holds the same campaign id otherwise and a campaign of its own: the board names neither.
      h.store.campaigns.create('c1', { name: 'Lite Spring', dialMode: 'power' }, T0);
      h.store.campaigns.create('k-lite', { name: 'Lite only' }, T0);
    }
    live.push({ id: 'agent-1', kind: 'human', status: 'TALKING', pauseReason: null, legUp: true, calls: ['k-talk'], since: T0 - 30_000 });
    live.push({ id: 'agent-2', kind: 'human', status: 'PAUSED', pauseReason: 'break', legUp: true, calls: [], since: T0 - 400_000 });

    const mk = (id: string, at: number) => s.callLogs.create({ id, campaignId: 'c1', leadId: null, phone: '+15550110001', nodeId: 'n', at });
    // Ended today: two humans (one bridged 1 s after AMD), one machine, one drop.
    await mk('k-h1', T0 - 600_000);
    await s.callLogs.markAnswered('k-h1', T0 - 590_000);
    await s.callLogs.markAmd('k-h1', { status: 'HUMAN', cause: 'HUMAN-1', decisionMs: 900, at: T0 - 589_000 });
    await s.callLogs.markBridged('k-h1', { agentId: 'agent-1', at: T0 - 588_000 });
    await s.callLogs.end('k-h1', { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: T0 - 500_000 });
    await mk('k-h2', T0 - 300_000);
    await s.callLogs.end('k-h2', { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: T0 - 200_000 });
    await mk('k-m', T0 - 240_000);
    await s.callLogs.end('k-m', { disposition: 'MACHINE', hangupCause: 16, at: T0 - 230_000 });
    await mk('k-d', T0 - 120_000);
    await s.callLogs.end('k-d', { disposition: 'DROPPED', hangupCause: 16, at: T0 - 110_000 });
    // Open: ringing, listening (AMD), waiting for an agent, talking to agent-1.
    await mk('k-ring', T0 - 5000);
    await s.callLogs.markRinging('k-ring', T0 - 4000);
    await mk('k-amd', T0 - 9000);
    await s.callLogs.markAnswered('k-amd', T0 - 2000);
    await mk('k-wait', T0 - 9000);
    await s.callLogs.markAnswered('k-wait', T0 - 3000);
    await s.callLogs.markAmd('k-wait', { status: 'HUMAN', cause: 'HUMAN-1', decisionMs: 800, at: T0 - 1000 });
    await mk('k-talk', T0 - 60_000);
    await s.callLogs.markBridged('k-talk', { agentId: 'agent-1', at: T0 - 30_000 });
    // Yesterday: not today's figures.
    await mk('k-old', T0 - 86_400_000);
    await s.callLogs.end('k-old', { disposition: 'DROPPED', hangupCause: 16, at: T0 - 86_300_000 });
  });
  afterAll(() => h.close());

  const get = async (user: string) => {
    const token = await h.login(user);
    return h.app.request('/api/wallboard?tz=UTC', { headers: h.bearer(token) });
  };

  describe('GET /api/wallboard', () => {
    it('supervisors see the organisation: KPIs today, agents with time in state, calls by stage, pacing, charts', async () => {
      const res = await get('sup');
      expect(res.status).toBe(200);
      const b = (await res.json()) as any;
      expect(b.scope).toBe('org');
      expect(b.since).toBe(Date.UTC(2026, 0, 5));
      expect(b.kpis).toMatchObject({ calls_today: 8, humans_today: 2, machines_today: 1, dropped_today: 1, active_calls: 4, agents_by_state: { TALKING: 1, PAUSED: 1 } });
      // US: 1 drop / 3 live answers; Ofcom adds the estimated AMD false positives to both sides, so it is higher.
      expect(b.kpis.abandon_pct_us).toBeCloseTo(33.333, 2);
      expect(b.kpis.abandon_pct_ofcom).toBeGreaterThan(b.kpis.abandon_pct_us);
      // Ofcom = counted · (1 − r) + r, r the assumed AMD false-positive rate, given apart for the tile to label.
      expect(b.kpis.amd_fp_rate_pct).toBe(5);
      expect(b.kpis.abandon_pct_ofcom).toBeCloseTo(b.kpis.abandon_pct_us * 0.95 + 5, 6);
      expect(b.kpis.asa_s).toBe(1);
      const stages = Object.fromEntries(b.calls.map((c: any) => [c.id, c.stage]));
      expect(stages).toEqual({ 'k-ring': 'ringing', 'k-amd': 'amd', 'k-wait': 'waiting', 'k-talk': 'talking' });
      const anna = b.agents.find((a: any) => a.id === 'agent-1');
      expect(anna).toMatchObject({ status: 'TALKING', since: T0 - 30_000, call_id: 'k-talk', campaign_id: 'c1', call_since: T0 - 30_000 });
      expect(b.agents.find((a: any) => a.id === 'agent-2')).toMatchObject({ status: 'PAUSED', pause_reason: 'break', call_id: null });
      expect(b.campaigns).toEqual([{ id: 'c1', name: 'Spring', state: 'paused', dial_mode: 'predictive', pacing: { mode: 'predictive/governor', place: 2, level: 1.6, at: T0 } }]);
      expect(b.per_minute).toHaveLength(60);
      expect(b.per_minute.reduce((s: number, m: any) => s + m.calls, 0)).toBe(8);
      // Local hours since midnight: 00:00 … 09:00; the four ended calls fall in the 08:00 hour.
      expect(b.hourly).toHaveLength(10);
      expect(b.hourly[8]).toEqual({ start: Date.UTC(2026, 0, 5, 8), calls: 4, humans: 2, dropped: 1 });
      // Recording storage from /health's recorder figures.
      expect(b.recordings).toEqual({ ok: true, used_bytes: 1_500_000_000, free_bytes: 20_000_000_000, total_bytes: 50_000_000_000, disk_error: null, failed_jobs: 2 });
    });

    it('team leads see their team only; agents are refused', async () => {
      const res = await get('lead-a');
      expect(res.status).toBe(200);
      const b = (await res.json()) as any;
      expect(b).toMatchObject({ scope: 'team', team: 'A', campaigns: [{ id: 'c1', name: 'Spring', pacing: null }] });
      expect(b.agents.map((a: any) => a.id)).toEqual(['agent-1']);
      expect(b.calls.map((c: any) => c.id)).toEqual(['k-talk']);
      expect(b.kpis.calls_today).toBe(2); // the two calls bridged to agent-1
      expect(b.recordings).toBeNull(); // storage is the organisation board's
      expect((await get('anna')).status).toBe(403);
    });
  });
}, { prefix: 'apipg_wallboard' });
