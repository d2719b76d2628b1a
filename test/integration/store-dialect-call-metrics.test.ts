/**
 * The supervisors' call figures (engine/store `CallMetrics`, #18: what the metrics, wallboard, dashboard and Prometheus
 * routes read), one body on SQLite and on PostgreSQL (test/support/store-dialects.ts, the PostgreSQL database sorting
 * text linguistically). The same CallLogs are written on both as an engine node writes them (`NodeStore.callLogs`:
 * create, ringing, answer, AMD, bridge, end), the same agent events appended as a node appends them
 * (`NodeStore.agentEvents`); every figure is asserted against one
 * literal, so a dialect that differs fails. Chosen to catch what differs between the two SQL dialects: local hour/day
 * buckets in a named zone across a DST change (America/New_York's 25-hour 1 November 2026) and a half-hour zone
 * (Asia/Kolkata), the local-midnight boundary (23:59:59.999 vs 00:00), integer minute buckets, sums PostgreSQL
 * returns as numerics, a mean rounded, empty windows (no bucket, zeros, a null mean), ties in byte order.
 */
import { expect, it } from 'vitest';
import type { Disposition } from '../../engine/events/index.js';
import { describeDialects, type DialectHarness } from '../support/store-dialects.js';
import { writeNodeCall } from '../support/node-calls.js';

const NY = 'America/New_York';
const Z = (iso: string) => Date.parse(iso);
/** Local midnights in New York: 1 Nov 2026 (EDT, UTC-4) lasts 25 hours; 2 Nov starts at 05:00 UTC (EST). */
const NOV1 = Z('2026-11-01T04:00:00Z');
const NOV2 = Z('2026-11-02T05:00:00Z');
const NOV3 = Z('2026-11-03T05:00:00Z');

interface Call {
  id: string;
  at: number;
  disposition: Disposition | null;
  agentId?: string;
  answered?: boolean;
  /** ms after the answer the AMD decided (HUMAN, or MACHINE when the disposition is MACHINE). */
  amdAfter?: number;
  /** ms after recognition (AMD, else answer) the agent was bridged. */
  bridgeAfter?: number;
  /** ms after the bridge (or the last stamp) the call ended. */
  endAfter?: number;
}

const CALLS: Call[] = [
  // 01:30 EDT: a human, bridged 1.5 s after AMD, a minute of talk.
  { id: 'c1', at: Z('2026-11-01T05:30:00Z'), disposition: 'ANSWERED_HUMAN', agentId: 'a1', answered: true, amdAfter: 2000, bridgeAfter: 1500, endAfter: 60_000 },
  // 01:30 EST (the clock went back): the same local hour, the next bucket. 3.001 s to an agent: outside the 2 s level.
  { id: 'c2', at: Z('2026-11-01T06:30:00Z'), disposition: 'ANSWERED_HUMAN', agentId: 'a2', answered: true, amdAfter: 2000, bridgeAfter: 3001, endAfter: 30_500 },
  { id: 'c3', at: Z('2026-11-01T06:45:00Z'), disposition: 'DROPPED', answered: true, amdAfter: 2500, endAfter: 2000 },
  { id: 'c4', at: Z('2026-11-01T07:10:00Z'), disposition: 'MACHINE', answered: true, amdAfter: 3000, endAfter: 100 },
  { id: 'c5', at: Z('2026-11-01T07:20:00Z'), disposition: 'NO_ANSWER', endAfter: 30_000 },
  // The last millisecond of 1 Nov in New York (already 2 Nov in UTC): no AMD, bridged 0.5 s after the answer.
  { id: 'c6', at: NOV2 - 1, disposition: 'ANSWERED_HUMAN', agentId: 'a1', answered: true, bridgeAfter: 500, endAfter: 10_000 },
  // Local midnight of 2 Nov exactly.
  { id: 'c7', at: NOV2, disposition: 'DROPPED', answered: true, amdAfter: 1000, endAfter: 1000 },
  // Still open, created at the same moment: ids that byte order and a linguistic collation sort differently.
  { id: 'oa', at: Z('2026-11-02T05:10:00Z'), disposition: null, answered: true },
  { id: 'oB', at: Z('2026-11-02T05:10:00Z'), disposition: null },
];

const write = (h: DialectHarness, c: Call): Promise<void> => writeNodeCall(h.callLogs, { ...c, phone: `+3491${c.id.length}000000` });

async function seed(h: DialectHarness): Promise<void> {
  await h.seed.agent({ id: 'a1', name: 'Ana', userId: 'u1', team: 'north' });
  await h.seed.agent({ id: 'a2', name: 'Bob', team: 'south' });
  for (const c of CALLS) await write(h, c);
  // c5 was a manual call of user u9.
  await h.seed.callUser('c5', 'u9');
  // Through the node's writer (`NodeStore.agentEvents`), as an engine node appends them on either dialect.
  const ev = (agentId: string, from: string, to: string, at: string) => h.agentEvents.append({ agentId, from, to, at: Z(at) });
  await ev('a1', 'LOGGED_OUT', 'AVAILABLE', '2026-11-01T05:00:00Z');
  await ev('a1', 'ON_CALL', 'WRAP_UP', '2026-11-01T05:31:08.500Z');
  await ev('a1', 'WRAP_UP', 'AVAILABLE', '2026-11-01T05:31:38.500Z');
  await ev('a2', 'LOGGED_OUT', 'AVAILABLE', '2026-11-01T06:00:00Z');
  await ev('a2', 'ON_CALL', 'WRAP_UP', '2026-11-01T06:30:41.001Z');
  // Two events at one instant: the later id wins, as the event log is read (at, id).
  await ev('a2', 'WRAP_UP', 'PAUSED', '2026-11-01T06:31:00Z');
  await ev('a2', 'PAUSED', 'WRAP_UP', '2026-11-01T06:31:00Z');
}

const agg = (made: number, success: number, dropped: number, talkMs: number) => ({ made, success, dropped, talkMs });
const entries = (m: Map<number, unknown>) => [...m].sort((x, y) => x[0] - y[0]).map(([k, v]) => [new Date(k).toISOString(), v]);

describeDialects(
  'call metrics',
  (h) => {
    it('totals ended calls of a window, the whole organisation or a team (its users or its agents)', async () => {
      await seed(h);
      expect(entries(await h.callMetrics.aggregate(undefined, { from: NOV1, to: NOV3 }))).toEqual([['1970-01-01T00:00:00.000Z', agg(7, 3, 2, 100_500)]]);
      // No `from`: since the first CallLog.
      expect(entries(await h.callMetrics.aggregate(undefined, { to: NOV2 }))).toEqual([['1970-01-01T00:00:00.000Z', agg(6, 3, 1, 100_500)]]);
      expect(entries(await h.callMetrics.aggregate({ userIds: ['u9'], agentIds: ['a2'] }, { from: NOV1, to: NOV3 }))).toEqual([['1970-01-01T00:00:00.000Z', agg(2, 1, 0, 30_500)]]);
      expect(entries(await h.callMetrics.aggregate({ userIds: [], agentIds: ['a1'] }, { from: NOV1, to: NOV3 }, 'day', NY))).toEqual([['2026-11-01T04:00:00.000Z', agg(2, 2, 0, 70_000)]]);
    });

    it('buckets by local day and hour in a named zone: the 25-hour day, 23:59:59.999 and midnight apart', async () => {
      await seed(h);
      expect(entries(await h.callMetrics.aggregate(undefined, { from: NOV1, to: NOV3 }, 'day', NY))).toEqual([
        ['2026-11-01T04:00:00.000Z', agg(6, 3, 1, 100_500)],
        ['2026-11-02T05:00:00.000Z', agg(1, 0, 1, 0)],
      ]);
      // The same calls by UTC day: c6 moves to 2 November.
      expect(entries(await h.callMetrics.aggregate(undefined, { from: NOV1, to: NOV3 }, 'day', 'UTC'))).toEqual([
        ['2026-11-01T00:00:00.000Z', agg(5, 2, 1, 90_500)],
        ['2026-11-02T00:00:00.000Z', agg(2, 1, 1, 10_000)],
      ]);
      // 01:30 EDT and 01:30 EST are two hours; the day's last hour is its 25th (04:00 UTC on 2 Nov).
      expect(entries(await h.callMetrics.aggregate(undefined, { from: NOV1, to: NOV3 }, 'hour', NY))).toEqual([
        ['2026-11-01T05:00:00.000Z', agg(1, 1, 0, 60_000)],
        ['2026-11-01T06:00:00.000Z', agg(2, 1, 1, 30_500)],
        ['2026-11-01T07:00:00.000Z', agg(2, 0, 0, 0)],
        ['2026-11-02T04:00:00.000Z', agg(1, 1, 0, 10_000)],
        ['2026-11-02T05:00:00.000Z', agg(1, 0, 1, 0)],
      ]);
      // India's hours start at half past the UTC hour: 04:59:59.999Z and 05:00Z share 10:00–11:00 IST.
      expect(entries(await h.callMetrics.aggregate(undefined, { from: Z('2026-11-02T00:00:00Z'), to: NOV3 }, 'hour', 'Asia/Kolkata'))).toEqual([
        ['2026-11-02T04:30:00.000Z', agg(2, 1, 1, 10_000)],
      ]);
      // A window that starts mid-hour keys its first bucket by that hour's start.
      expect(entries(await h.callMetrics.aggregate(undefined, { from: Z('2026-11-01T06:40:00Z'), to: Z('2026-11-01T07:15:00Z') }, 'hour', NY))).toEqual([
        ['2026-11-01T06:00:00.000Z', agg(1, 0, 1, 0)],
        ['2026-11-01T07:00:00.000Z', agg(1, 0, 0, 0)],
      ]);
    });

    it('service level, calls created, day figures (mean ASA rounded), per minute (integer minutes), ended by disposition', async () => {
      await seed(h);
      // Humans c1 c2 c3 c6 c7; within 2 s of recognition: c1 (1.5 s after AMD) and c6 (0.5 s after the answer).
      expect(await h.callMetrics.serviceLevel(NOV1, NOV3, 2000)).toEqual({ humans: 5, within: 2 });
      expect(await h.callMetrics.serviceLevel(NOV1, NOV3, 3001)).toEqual({ humans: 5, within: 3 });
      expect(await h.callMetrics.countCreated(NOV1, NOV3)).toBe(9);
      expect(await h.callMetrics.countCreated(NOV1, NOV2)).toBe(6);
      // ASA: (1500 + 3001 + 500) / 3 = 1667.0 → 1667; (1500 + 3001) / 2 = 2250.5 → 2251.
      expect(await h.callMetrics.dayFigures(NOV1, NOV3)).toEqual({ calls: 9, ended: 7, humans: 3, machines: 1, dropped: 2, liveAnswers: 5, asaMs: 1667 });
      expect(await h.callMetrics.dayFigures(NOV1, Z('2026-11-01T07:00:00Z'))).toEqual({ calls: 3, ended: 3, humans: 2, machines: 0, dropped: 1, liveAnswers: 3, asaMs: 2251 });
      expect(await h.callMetrics.dayFigures(NOV1, NOV3, { userIds: ['u9'], agentIds: [] })).toEqual({ calls: 1, ended: 1, humans: 0, machines: 0, dropped: 0, liveAnswers: 0, asaMs: null });
      const minutes = await h.callMetrics.perMinute(Z('2026-11-02T04:59:00Z'), Z('2026-11-02T05:12:00Z') + 1);
      expect(minutes).toHaveLength(14);
      expect(minutes.filter((m) => m.calls > 0).map((m) => [new Date(m.start).toISOString(), m.calls, m.humans])).toEqual([
        ['2026-11-02T04:59:00.000Z', 1, 1],
        ['2026-11-02T05:00:00.000Z', 1, 0],
        ['2026-11-02T05:10:00.000Z', 2, 0],
      ]);
      expect((await h.callMetrics.perMinute(Z('2026-11-02T04:59:00Z'), Z('2026-11-02T05:12:00Z'), { userIds: [], agentIds: ['a1'] })).filter((m) => m.calls > 0)).toEqual([
        { start: Z('2026-11-02T04:59:00Z'), calls: 1, humans: 1 },
      ]);
      expect(await h.callMetrics.endedByDisposition(NOV1, NOV3)).toEqual([
        { disposition: 'ANSWERED_HUMAN', n: 3 },
        { disposition: 'DROPPED', n: 2 },
        { disposition: 'MACHINE', n: 1 },
        { disposition: 'NO_ANSWER', n: 1 },
      ]);
    });

    it('open calls oldest first, ties by id in byte order, with their stage; a team sees its own', async () => {
      await seed(h);
      const open = await h.callMetrics.openCalls(NOV1);
      expect(open.map((o) => [o.id, o.stage, o.answeredAt !== null])).toEqual([
        ['oB', 'ringing', false],
        ['oa', 'answered', true],
      ]);
      expect(open[1]).toEqual({
        id: 'oa',
        campaignId: null,
        phone: '+34912000000',
        agentId: null,
        stage: 'answered',
        createdAt: Z('2026-11-02T05:10:00Z'),
        ringingAt: Z('2026-11-02T05:10:01Z'),
        answeredAt: Z('2026-11-02T05:10:05Z'),
        amdAt: null,
        amdTreatedAs: null,
        bridgedAt: null,
        // The node that holds the call (the wallboard names it, and leaves out a down node's calls).
        nodeId: 'node-1',
      });
      expect(await h.callMetrics.openCalls(NOV1, { userIds: ['u1'], agentIds: ['a1'] })).toEqual([]);
      expect(await h.callMetrics.openCalls(Z('2026-11-02T05:10:00.001Z'))).toEqual([]);
    });

    it('wrap-up per window and last states from the agent event log; a user’s metrics over their agents', async () => {
      await seed(h);
      const H = (iso: string) => Z(iso);
      expect(
        await h.callMetrics.wrapMsPer(['a1', 'a2'], [
          [H('2026-11-01T05:00:00Z'), H('2026-11-01T06:00:00Z')],
          [H('2026-11-01T06:00:00Z'), H('2026-11-01T06:31:10Z')],
        ]),
      ).toEqual([30_000, 18_999 + 10_000]);
      // A window opening inside a wrap-up counts it from the window's start.
      expect(await h.callMetrics.wrapMsPer(['a1'], [[H('2026-11-01T05:31:18.500Z'), H('2026-11-01T06:00:00Z')]])).toEqual([20_000]);
      expect(await h.callMetrics.wrapMsPer([], [[NOV1, NOV3]])).toEqual([0]);
      expect([...(await h.callMetrics.lastAgentStates(['a2', 'a1', 'nobody'], H('2026-11-01T06:31:00.001Z')))]).toEqual([
        ['a2', 'WRAP_UP'],
        ['a1', 'AVAILABLE'],
        ['nobody', 'LOGGED_OUT'],
      ]);
      expect([...(await h.callMetrics.lastAgentStates(['a2'], H('2026-11-01T06:31:00Z')))]).toEqual([['a2', 'WRAP_UP']]);

      // u1 owns a1: before 06:00 only c1 (60 s) and 30 s of wrap-up; over both days c6 (10 s) too.
      const to = H('2026-11-01T06:00:00Z');
      expect(await h.callMetrics.userMetrics('u1', { from: NOV1, to })).toEqual({
        calls_made: 1,
        calls_success: 1,
        calls_failed: 0,
        total_talk_time: 60,
        avg_call_duration: 60,
        aht: 90,
        success_pct: 100,
        time_in_state: { AVAILABLE: 3570, WRAP_UP: 30 },
      });
      const all = await h.callMetrics.userMetrics('u1', { from: NOV1, to: NOV3 });
      expect({ ...all, time_in_state: undefined }).toEqual({
        calls_made: 2,
        calls_success: 2,
        calls_failed: 0,
        total_talk_time: 70,
        avg_call_duration: 35,
        aht: 50,
        success_pct: 100,
        time_in_state: undefined,
      });
      // u9's manual call, no agent: no time in state.
      expect(await h.callMetrics.userMetrics('u9', { from: NOV1, to: NOV3 })).toMatchObject({ calls_made: 1, calls_success: 0, calls_failed: 1, success_pct: 0, aht: 0, time_in_state: {} });
    });

    it('empty windows and scopes: no bucket, zeros, a null mean, LOGGED_OUT', async () => {
      // Nothing stored at all.
      expect(entries(await h.callMetrics.aggregate(undefined, { to: NOV3 }))).toEqual([]);
      expect(entries(await h.callMetrics.aggregate(undefined, { to: NOV3 }, 'hour', NY))).toEqual([]);
      await seed(h);
      const before = Z('2026-10-01T00:00:00Z');
      const after = Z('2026-10-02T00:00:00Z');
      expect(entries(await h.callMetrics.aggregate(undefined, { from: before, to: after }))).toEqual([]);
      expect(entries(await h.callMetrics.aggregate(undefined, { from: before, to: after }, 'day', NY))).toEqual([]);
      expect(entries(await h.callMetrics.aggregate({ userIds: [], agentIds: [] }, { from: NOV1, to: NOV3 }))).toEqual([]);
      expect(entries(await h.callMetrics.aggregate({ userIds: ['nobody'], agentIds: [] }, { from: NOV1, to: NOV3 }, 'hour', NY))).toEqual([]);
      expect(await h.callMetrics.serviceLevel(before, after, 2000)).toEqual({ humans: 0, within: 0 });
      expect(await h.callMetrics.countCreated(before, after)).toBe(0);
      expect(await h.callMetrics.dayFigures(before, after)).toEqual({ calls: 0, ended: 0, humans: 0, machines: 0, dropped: 0, liveAnswers: 0, asaMs: null });
      expect(await h.callMetrics.dayFigures(NOV1, NOV3, { userIds: [], agentIds: [] })).toEqual({ calls: 0, ended: 0, humans: 0, machines: 0, dropped: 0, liveAnswers: 0, asaMs: null });
      expect(await h.callMetrics.perMinute(before, before + 120_000)).toEqual([
        { start: before, calls: 0, humans: 0 },
        { start: before + 60_000, calls: 0, humans: 0 },
      ]);
      expect(await h.callMetrics.endedByDisposition(before, after)).toEqual([]);
      expect(await h.callMetrics.openCalls(NOV1, { userIds: [], agentIds: [] })).toEqual([]);
      expect(await h.callMetrics.wrapMsPer(['a1'], [])).toEqual([]);
      expect(await h.callMetrics.userMetrics('nobody', { from: NOV1, to: NOV3 })).toEqual({
        calls_made: 0,
        calls_success: 0,
        calls_failed: 0,
        total_talk_time: 0,
        avg_call_duration: 0,
        aht: 0,
        success_pct: 0,
        time_in_state: {},
      });
    });
  },
  { prefix: 'h_metrics_pg' },
);
