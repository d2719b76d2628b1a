import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiApp } from '../../api/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { pgManualCallLog } from '../../engine/store/pg/index.js';
import { ADMIN_PASSWORD, describeApiDialects, healthReport, type Harness } from '../unit/api/harness.js';

/**
 * The compatibility endpoints, with the exact field names the older tools' scripts rely on; on both dialects (#18).
 * On PostgreSQL the SQLite file holds other manual calls of Ana's on purpose (two ended, 100 s of talk, and one open):
 * every figure, log and 404 below differs if a route reads or writes it instead of PostgreSQL's call_logs.
 */
describeApiDialects('compat routes', (harness, dialect) => {
  let h: Harness;
  let agent: Record<string, string>;
  let ana = '';

  beforeEach(async () => {
    h = await harness();
    ana = h.addUser('ana', 'agent', 'A');
    agent = h.bearer(await h.login('ana'));
    if (dialect === 'pg') {
      const at = h.clock.now() - 3_600_000;
      for (const id of ['lite-1', 'lite-2', 'lite-open']) h.store.manualCalls.startManualCall({ id, userId: ana, phone: '+34600000009', nodeId: 'node-test', at });
      h.store.manualCalls.endManualCall({ id: 'lite-1', at: at + 100_000, disposition: 'ANSWERED_HUMAN' });
      h.store.manualCalls.endManualCall({ id: 'lite-2', at: at + 5_000, disposition: 'NO_ANSWER' });
    }
  });
  afterEach(() => h.close());

  /** The SQLite file's call_logs: on PostgreSQL only the three decoys above, whatever the routes did. */
  const sqliteCalls = () => (h.store.sqlite.prepare('select count(*) as n from call_logs').get() as { n: number }).n;

  async function startCall(headers: Record<string, string>, contact_id: unknown = 42, contact_phone = '+34 600 111 222') {
    const res = await h.json('POST', '/api/calls/start', { contact_id, contact_phone }, headers);
    expect(res.status).toBe(201);
    return (await res.json()) as Record<string, unknown>;
  }

  describe('POST /api/calls/start', () => {
    it('answers 201 with exactly message, call_id, start_time', async () => {
      const body = await startCall(agent);
      expect(Object.keys(body).sort()).toEqual(['call_id', 'message', 'start_time']);
      expect(body.start_time).toBe(new Date(h.clock.now()).toISOString());
      const row = (await h.db.callLogs.get(body.call_id as string))!;
      expect(row).toMatchObject({ kind: 'manual', userId: ana, phone: '+34 600 111 222', leadId: '42', stage: 'bridged', nodeId: 'node-test', endedAt: null });
      if (dialect === 'pg') expect(sqliteCalls()).toBe(3);
    });

    it('names the bad field (422) and needs credentials (401)', async () => {
      const bad = await h.json('POST', '/api/calls/start', { contact_id: 1, contact_phone: 'call me' }, agent);
      expect(bad.status).toBe(422);
      const body = (await bad.json()) as { error: { code: string; details: Array<{ field: string }> } };
      expect(body.error.code).toBe('validation_failed');
      expect(body.error.details.map((d) => d.field)).toEqual(['contact_phone']);
      expect((await h.json('POST', '/api/calls/start', { contact_id: 1, contact_phone: '600111222' })).status).toBe(401);
    });
  });

  describe('POST /api/calls/end', () => {
    it('answers with the exact fields and metrics that change after each end', async () => {
      const first = await startCall(agent);
      h.clock.advance(60_000);
      const r1 = await h.json('POST', '/api/calls/end', { call_id: first.call_id, status: 'COMPLETED', notes: 'interested' }, agent);
      expect(r1.status).toBe(200);
      const b1 = (await r1.json()) as Record<string, unknown>;
      // One call of 60 s: on PostgreSQL the SQLite file's calls (100 s of talk) are not counted.
      expect(b1).toEqual({ message: 'Call ended', call_id: first.call_id, duration_seconds: 60, new_average: 60, calls_made: 1, calls_success: 1, total_talk_time: 60 });
      expect(await h.db.callLogs.get(first.call_id as string)).toMatchObject({ stage: 'ended', disposition: 'ANSWERED_HUMAN', talkMs: 60_000, notes: 'interested' });
      if (dialect === 'pg') expect(sqliteCalls()).toBe(3);

      const second = await startCall(agent, 'c-7');
      h.clock.advance(120_000);
      const b2 = (await (await h.json('POST', '/api/calls/end', { call_id: second.call_id, status: 'COMPLETED', notes: null }, agent)).json()) as Record<string, unknown>;
      // Average recomputed over both successful calls, counters incremented.
      expect(b2).toMatchObject({ duration_seconds: 120, new_average: 90, calls_made: 2, calls_success: 2, total_talk_time: 180 });

      const third = await startCall(agent);
      h.clock.advance(30_000);
      const b3 = (await (await h.json('POST', '/api/calls/end', { call_id: third.call_id, status: 'NO_ANSWER', notes: '' }, agent)).json()) as Record<string, unknown>;
      // A call that did not connect counts as made, not as success, and adds no talk time.
      expect(b3).toMatchObject({ duration_seconds: 30, new_average: 90, calls_made: 3, calls_success: 2, total_talk_time: 180 });

      const me = (await (await h.app.request('/api/metrics/me', { headers: agent })).json()) as Record<string, unknown>;
      expect(me).toMatchObject({ calls_made: 3, calls_success: 2, total_talk_time: 180 });
    });

    it('refuses to end a call twice (409) and an unknown call (404)', async () => {
      const c = await startCall(agent);
      expect((await h.json('POST', '/api/calls/end', { call_id: c.call_id, status: 'FAILED', notes: 'x' }, agent)).status).toBe(200);
      expect((await h.json('POST', '/api/calls/end', { call_id: c.call_id, status: 'FAILED', notes: 'x' }, agent)).status).toBe(409);
      expect((await h.json('POST', '/api/calls/end', { call_id: 'nope', status: 'FAILED', notes: 'x' }, agent)).status).toBe(404);
      if (dialect === 'pg') {
        // A call only the SQLite file has is unknown, and stays open there.
        expect((await h.json('POST', '/api/calls/end', { call_id: 'lite-open', status: 'COMPLETED' }, agent)).status).toBe(404);
        expect(h.store.callLogs.get('lite-open')).toMatchObject({ endedAt: null });
      }
    });

    it('does not let an agent end someone else’s call', async () => {
      h.addUser('bob', 'agent', 'B');
      const bob = h.bearer(await h.login('bob'));
      const c = await startCall(agent);
      expect((await h.json('POST', '/api/calls/end', { call_id: c.call_id, status: 'COMPLETED', notes: 'x' }, bob)).status).toBe(404);
      expect((await h.db.callLogs.get(c.call_id as string))!.endedAt).toBeNull();
      // A supervisor may end anyone's; then it is ended for its agent too.
      h.addUser('sup', 'supervisor');
      expect((await h.json('POST', '/api/calls/end', { call_id: c.call_id, status: 'NO_ANSWER' }, h.bearer(await h.login('sup')))).status).toBe(200);
      const again = await h.json('POST', '/api/calls/end', { call_id: c.call_id, status: 'COMPLETED' }, agent);
      expect(again.status).toBe(409);
      expect(((await again.json()) as { error: { code: string } }).error.code).toBe('conflict');
    });

    it('rejects statuses outside COMPLETED|DROPPED|NO_ANSWER|FAILED naming the field', async () => {
      const c = await startCall(agent);
      const res = await h.json('POST', '/api/calls/end', { call_id: c.call_id, status: 'ANSWERED', notes: 'x' }, agent);
      expect(res.status).toBe(422);
      const body = (await res.json()) as { error: { details: Array<{ field: string }> } };
      expect(body.error.details.map((d) => d.field)).toEqual(['status']);
    });
  });

  describe('GET /api/calls/log', () => {
    it('lists with the old field names, filters by status and date, and accepts X-API-Key', async () => {
      // An API key outlives the 15-minute access token across the simulated day below.
      const key = ((await (await h.json('POST', '/api/auth/api-keys', { name: 'crm' }, agent)).json()) as { key: string }).key;
      const crm = { 'x-api-key': key };
      const a = await startCall(crm, 1);
      h.clock.advance(10_000);
      await h.json('POST', '/api/calls/end', { call_id: a.call_id, status: 'COMPLETED', notes: 'ok' }, crm);
      h.clock.advance(24 * 3600_000);
      const b = await startCall(crm, 2);
      h.clock.advance(5_000);
      await h.json('POST', '/api/calls/end', { call_id: b.call_id, status: 'DROPPED', notes: 'cut' }, crm);
      const get = (qs: string) => h.app.request(`/api/calls/log${qs}`, { headers: crm });

      const all = (await (await get('')).json()) as { calls: Array<Record<string, unknown>>; count: number };
      // Only these two: on PostgreSQL none of the SQLite file's calls of Ana's.
      expect(all.count).toBe(2);
      expect(Object.keys(all.calls[0]!).sort()).toEqual(
        ['call_id', 'contact_id', 'contact_phone', 'duration_seconds', 'end_time', 'notes', 'start_time', 'status', 'user_id'].sort(),
      );
      expect(all.calls[0]).toMatchObject({ call_id: b.call_id, status: 'DROPPED', duration_seconds: 5, contact_id: '2', notes: 'cut' });

      const completed = (await (await get('?status=COMPLETED')).json()) as { calls: Array<{ call_id: string }> };
      expect(completed.calls.map((c) => c.call_id)).toEqual([a.call_id]);

      const firstDay = (await (await get('?start_date=2026-01-05&end_date=2026-01-05')).json()) as { calls: Array<{ call_id: string }> };
      expect(firstDay.calls.map((c) => c.call_id)).toEqual([a.call_id]);

      expect(((await (await get('?limit=1')).json()) as { count: number }).count).toBe(1);
    });

    it('keeps agents to their own log and lets a team lead see the team', async () => {
      const bobId = h.addUser('bob', 'agent', 'A');
      h.addUser('lead', 'teamlead', 'A');
      h.addUser('zoe', 'agent', 'Z');
      const bob = h.bearer(await h.login('bob'));
      const lead = h.bearer(await h.login('lead'));
      const zoe = h.bearer(await h.login('zoe'));
      await startCall(agent);
      await startCall(bob);
      await startCall(zoe);

      const mine = (await (await h.app.request('/api/calls/log', { headers: bob })).json()) as { calls: Array<{ user_id: string }> };
      expect(mine.calls.map((c) => c.user_id)).toEqual([bobId]);
      const other = await h.app.request(`/api/calls/log?user_id=${(await h.app.auth.users.byUsername('ana'))!.id}`, { headers: bob });
      expect(other.status).toBe(403);

      const team = (await (await h.app.request('/api/calls/log', { headers: lead })).json()) as { count: number };
      expect(team.count).toBe(2);
      const admin = h.bearer(await h.login('admin'));
      expect(((await (await h.app.request('/api/calls/log', { headers: admin })).json()) as { count: number }).count).toBe(3);
    });
  });

  if (dialect === 'pg') {
    it('refuses to start with PostgreSQL manual calls and SQLite figures', () => {
      expect(() =>
        createApiApp({ health: async () => healthReport(), store: h.store, clock: h.clock, logger: silentLogger, config: { NODE_ID: 'n', JWT_SECRET: 'x'.repeat(40), ADMIN_PASSWORD }, manualCalls: pgManualCallLog(h.pool!) }),
      ).toThrow('manualCalls (postgres) needs a callMetrics on the same database (got sqlite)');
    });
  }
}, { prefix: 'apipg_compat' });
