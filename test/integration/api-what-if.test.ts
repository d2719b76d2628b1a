import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeApiDialects, type Harness } from '../unit/api/harness.js';

/**
 * POST /api/campaigns/{id}/what-if: the real simulator in a worker thread, with the campaign's settings; on both dialects
 * (#18). On PostgreSQL the SQLite file holds the same campaign id at power 1.5:1 and a campaign of its own, on purpose:
 * the simulation reads PostgreSQL's settings and a campaign only the SQLite file has is a 404.
 */
describeApiDialects('what-if', (harness, dialect) => {
  let h: Harness;
  let token: string;
  beforeAll(async () => {
    h = await harness();
    await h.db.seed.campaign('c1', { name: 'Spring', dialMode: 'predictive', dialRatio: 2.5, wrapUpS: 20 }, h.clock.now());
    if (dialect === 'pg') {
      h.store.campaigns.create('c1', { name: 'Lite Spring', dialMode: 'power', dialRatio: 1.5 }, h.clock.now());
      h.store.campaigns.create('k-lite', { name: 'Lite only' }, h.clock.now());
    }
    h.addUser('sup', 'supervisor');
    h.addUser('ana', 'agent');
    token = await h.login('sup');
  });
  afterAll(() => h.close());

  describe('POST /api/campaigns/{id}/what-if', () => {
    it('compares every algorithm for this campaign (its power ratio included) without blocking the event loop', async () => {
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 10);
      const res = await h.json('POST', '/api/campaigns/c1/what-if', { agents: 8, hours: 0.5, seeds: 1 }, h.bearer(token));
      clearInterval(ticker);
      expect(res.status).toBe(200);
      const b = (await res.json()) as { agents: number; target_pct: number; results: Array<{ name: string; abandon_us_pct: number; talk_min_per_agent_hour: number }>; elapsed_ms: number };
      expect(b.agents).toBe(8);
      expect(b.target_pct).toBe(3);
      expect(b.results.map((r) => r.name)).toEqual(['progressive', 'power 2.5:1', 'vicidial ADAPT_TAPERED', 'vicidial ADAPT_TAPERED avail-only', 'centralita predictive', 'oracle']);
      // Progressive never abandons; every algorithm keeps agents talking some of the time.
      expect(b.results[0]!.abandon_us_pct).toBe(0);
      for (const r of b.results) expect(r.talk_min_per_agent_hour).toBeGreaterThan(0);
      // The main thread kept ticking while the worker simulated (10 ms timer ≈ elapsed / 10 ticks when free).
      expect(ticks).toBeGreaterThan(b.elapsed_ms / 10 / 4);
    }, 60_000);

    it('validates the request, names the field, and is closed to agents', async () => {
      const bad = await h.json('POST', '/api/campaigns/c1/what-if', { agents: 0 }, h.bearer(token));
      expect(bad.status).toBe(422);
      expect(((await bad.json()) as { error: { details: Array<{ field: string }> } }).error.details[0]?.field).toBe('agents');
      expect((await h.json('POST', '/api/campaigns/nope/what-if', { agents: 5 }, h.bearer(token))).status).toBe(404);
      if (dialect === 'pg') expect((await h.json('POST', '/api/campaigns/k-lite/what-if', { agents: 5 }, h.bearer(token))).status).toBe(404);
      expect((await h.json('POST', '/api/campaigns/c1/what-if', { agents: 5 }, h.bearer(await h.login('ana')))).status).toBe(403);
    });
  });
}, { prefix: 'apipg_what_if' });
