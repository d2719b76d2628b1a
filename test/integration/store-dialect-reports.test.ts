/**
 * The managers' CallLog reports (`/api/reports/{daily,hourly,dispositions,agents,campaigns}`, engine/reports
 * `buildCallReport`) over both dialects (#18): the same CallLogs written on SQLite and on PostgreSQL as an engine node
 * writes them, the same agents, campaigns and agent events seeded, and each report's rows (and its document's table
 * cells and filters line) asserted against one literal, so a dialect whose sums, buckets, rounding or order differ
 * fails. Chosen to catch what differs between the two: local days and hours of America/New_York across its 25-hour
 * 1 November 2026 and of Asia/Kolkata (a half-hour zone), the local-midnight boundary (23:59:59.999 vs 00:00), sums
 * PostgreSQL returns as numerics, percentages rounded to 2 places, an empty range (every hour and day zero, no
 * disposition, agent or campaign), agents tied on every figure and on their name ordered by id in byte order (a
 * linguistic collation — the PostgreSQL database here sorts en-US — would put `ea` before `eB`).
 */
import { expect, it } from 'vitest';
import type { Disposition } from '../../engine/events/index.js';
import { buildCallReport, type CallReportQuery, type CallReportSource } from '../../engine/reports/index.js';
import { describeDialects, type DialectHarness } from '../support/store-dialects.js';

const NY = 'America/New_York';
const Z = (iso: string) => Date.parse(iso);
/** Local midnights in New York: 1 Nov 2026 (EDT, UTC-4) lasts 25 hours; 2 Nov starts at 05:00 UTC (EST). */
const NOV1 = Z('2026-11-01T04:00:00Z');
const NOV2 = Z('2026-11-02T05:00:00Z');
const NOV3 = Z('2026-11-03T05:00:00Z');

interface Call {
  id: string;
  at: number;
  campaignId: string | null;
  disposition: Disposition | null;
  agentId?: string;
  answered?: boolean;
  amdAfter?: number;
  bridgeAfter?: number;
  endAfter?: number;
}

const CALLS: Call[] = [
  // 01:30 EDT and 01:30 EST: the same local hour twice.
  { id: 'c1', at: Z('2026-11-01T05:30:00Z'), campaignId: 'k1', disposition: 'ANSWERED_HUMAN', agentId: 'a1', answered: true, amdAfter: 2000, bridgeAfter: 1500, endAfter: 60_000 },
  { id: 'c2', at: Z('2026-11-01T06:30:00Z'), campaignId: 'k1', disposition: 'ANSWERED_HUMAN', agentId: 'a2', answered: true, amdAfter: 2000, bridgeAfter: 3001, endAfter: 30_500 },
  { id: 'c3', at: Z('2026-11-01T06:45:00Z'), campaignId: 'k2', disposition: 'DROPPED', answered: true, amdAfter: 2500, endAfter: 2000 },
  { id: 'c4', at: Z('2026-11-01T07:10:00Z'), campaignId: 'k2', disposition: 'MACHINE', answered: true, amdAfter: 3000, endAfter: 100 },
  { id: 'c5', at: Z('2026-11-01T07:20:00Z'), campaignId: null, disposition: 'NO_ANSWER', endAfter: 30_000 },
  { id: 'c8', at: Z('2026-11-01T07:25:00Z'), campaignId: 'k1', disposition: 'BUSY', endAfter: 1000 },
  // The last millisecond of 1 Nov in New York (already 2 Nov in UTC), and local midnight of 2 Nov exactly.
  { id: 'c6', at: NOV2 - 1, campaignId: 'k1', disposition: 'ANSWERED_HUMAN', agentId: 'a1', answered: true, bridgeAfter: 500, endAfter: 10_000 },
  { id: 'c7', at: NOV2, campaignId: 'k2', disposition: 'DROPPED', answered: true, amdAfter: 1000, endAfter: 1000 },
  // Two agents named alike with the same figures: ids that byte order ('eB' < 'ea') and en-US order apart.
  { id: 'e1', at: Z('2026-11-02T06:00:00Z'), campaignId: 'k2', disposition: 'ANSWERED_HUMAN', agentId: 'ea', answered: true, bridgeAfter: 1000, endAfter: 7000 },
  { id: 'e2', at: Z('2026-11-02T06:00:00Z'), campaignId: 'k2', disposition: 'ANSWERED_HUMAN', agentId: 'eB', answered: true, bridgeAfter: 1000, endAfter: 7000 },
  // Still open: never in a report.
  { id: 'o1', at: Z('2026-11-02T05:10:00Z'), campaignId: 'k1', disposition: null, answered: true },
];

async function write(h: DialectHarness, c: Call): Promise<void> {
  await h.callLogs.create({ id: c.id, campaignId: c.campaignId, leadId: null, phone: `+3491${c.id.length}000000`, nodeId: 'node-1', at: c.at });
  let t = c.at + 1000;
  await h.callLogs.markRinging(c.id, t);
  if (c.answered) {
    t += 4000;
    await h.callLogs.markAnswered(c.id, t);
  }
  if (c.amdAfter !== undefined) {
    t += c.amdAfter;
    const machine = c.disposition === 'MACHINE';
    await h.callLogs.markAmd(c.id, { status: machine ? 'MACHINE' : 'HUMAN', cause: machine ? 'LONGGREETING' : 'HUMAN-200', decisionMs: c.amdAfter, treatedAs: machine ? 'MACHINE' : 'HUMAN', at: t });
  }
  if (c.bridgeAfter !== undefined) {
    t += c.bridgeAfter;
    await h.callLogs.markBridged(c.id, { agentId: c.agentId!, at: t });
  }
  if (c.disposition !== null) await h.callLogs.end(c.id, { disposition: c.disposition, hangupCause: 16, at: t + (c.endAfter ?? 0) });
}

async function seed(h: DialectHarness): Promise<void> {
  await h.seed.campaign('k1', { name: 'Summer' }, NOV1);
  await h.seed.campaign('k2', { name: 'autumn' }, NOV1);
  await h.seed.agent({ id: 'a1', name: 'Ana' });
  await h.seed.agent({ id: 'a2', name: 'Bob' });
  await h.seed.agent({ id: 'ea', name: 'Eve' });
  await h.seed.agent({ id: 'eB', name: 'Eve' });
  for (const c of CALLS) await write(h, c);
  // a1 wraps up 30 s after c1; a2 20 s after c2.
  const ev = (agentId: string, fromState: string, toState: string, at: string) => h.seed.agentEvent({ agentId, fromState, toState, at: Z(at) });
  await ev('a1', 'ON_CALL', 'WRAP_UP', '2026-11-01T05:31:08.500Z');
  await ev('a1', 'WRAP_UP', 'AVAILABLE', '2026-11-01T05:31:38.500Z');
  await ev('a2', 'ON_CALL', 'WRAP_UP', '2026-11-01T06:30:41.001Z');
  await ev('a2', 'WRAP_UP', 'AVAILABLE', '2026-11-01T06:31:01.001Z');
}

function source(h: DialectHarness): CallReportSource {
  return {
    metrics: h.callMetrics,
    agentName: async (id) => (await h.agentDirectory.get(id))?.name,
    campaignName: async (id) => (await h.campaignCatalog.get(id))?.name,
  };
}

const report = (h: DialectHarness, q: Partial<CallReportQuery> & Pick<CallReportQuery, 'type'>) =>
  buildCallReport(source(h), { from: NOV1, to: NOV3, timeZone: NY, lang: 'en', at: NOV3, ...q });

const fig = (calls: number, humans: number, machines: number, drops: number, abandon_pct: number, talk_s: number) => ({ calls, humans, machines, drops, abandon_pct, talk_s });
const ZERO = fig(0, 0, 0, 0, 0, 0);

describeDialects(
  'CallLog reports',
  (h) => {
    it('daily: local days of New York (23:59:59.999 on its day, midnight on the next), and of UTC', async () => {
      await seed(h);
      const r = await report(h, { type: 'daily' });
      expect(r.rows).toEqual([
        { day: '2026-11-01', ...fig(7, 4, 1, 1, 25, 100.5) },
        { day: '2026-11-02', ...fig(3, 3, 0, 1, 33.33, 14) },
      ]);
      expect(r.document.tables[0]!.rows).toEqual([
        ['2026-11-01', 7, 4, 1, 1, 25, 100.5],
        ['2026-11-02', 3, 3, 0, 1, 33.33, 14],
      ]);
      const utc = await report(h, { type: 'daily', from: Z('2026-11-01T00:00:00Z'), to: Z('2026-11-03T00:00:00Z'), timeZone: 'UTC' });
      expect(utc.rows).toEqual([
        { day: '2026-11-01', ...fig(6, 3, 1, 1, 33.33, 90.5) },
        { day: '2026-11-02', ...fig(4, 4, 0, 1, 25, 24) },
      ]);
    });

    it('hourly: both 01:00 hours of the 25-hour day in one local hour; India\'s half-hour offset', async () => {
      await seed(h);
      const r = await report(h, { type: 'hourly' });
      const busy = (rows: typeof r.rows) => rows.filter((x) => (x as { calls: number }).calls > 0);
      // 01:30 EDT, 01:30 and 01:45 EST (Nov 1) and 01:00 EST (Nov 2) are all the local hour 1.
      expect(busy(r.rows)).toEqual([
        { hour: 0, ...fig(1, 1, 0, 1, 100, 0) },
        { hour: 1, ...fig(5, 5, 0, 1, 20, 104.5) },
        { hour: 2, ...fig(3, 0, 1, 0, 0, 0) },
        { hour: 23, ...fig(1, 1, 0, 0, 0, 10) },
      ]);
      expect(r.rows).toHaveLength(24);
      // 04:59:59.999Z and 05:00Z (10:29:59.999 and 10:30 IST) share 10:00–11:00 IST; e1/e2 (06:00Z) are 11:30 IST.
      const india = await report(h, { type: 'hourly', from: Z('2026-11-02T00:00:00Z'), to: NOV3, timeZone: 'Asia/Kolkata' });
      expect(busy(india.rows)).toEqual([
        { hour: 10, ...fig(2, 2, 0, 1, 50, 10) },
        { hour: 11, ...fig(2, 2, 0, 0, 0, 14) },
      ]);
    });

    it('dispositions, agents (AHT with wrap-up; ties by id in byte order), campaigns (named from the same database)', async () => {
      await seed(h);
      const d = await report(h, { type: 'dispositions' });
      expect(d.rows).toEqual([
        { disposition: 'ANSWERED_HUMAN', label: 'Answered (human)', calls: 5, pct: 50 },
        { disposition: 'DROPPED', label: 'Dropped (abandoned)', calls: 2, pct: 20 },
        { disposition: 'MACHINE', label: 'Answering machine', calls: 1, pct: 10 },
        { disposition: 'NO_ANSWER', label: 'No answer', calls: 1, pct: 10 },
        { disposition: 'BUSY', label: 'Busy', calls: 1, pct: 10 },
      ]);
      const a = await report(h, { type: 'agents' });
      expect(a.rows).toEqual([
        // (60 + 10 + 30) s / 2 = 50 s.
        { agent_id: 'a1', agent: 'Ana', calls: 2, connected: 2, talk_s: 70, aht_s: 50 },
        // (30.5 + 20) s / 1.
        { agent_id: 'a2', agent: 'Bob', calls: 1, connected: 1, talk_s: 30.5, aht_s: 50.5 },
        { agent_id: 'eB', agent: 'Eve', calls: 1, connected: 1, talk_s: 7, aht_s: 7 },
        { agent_id: 'ea', agent: 'Eve', calls: 1, connected: 1, talk_s: 7, aht_s: 7 },
      ]);
      const c = await report(h, { type: 'campaigns' });
      expect(c.rows).toEqual([
        { campaign_id: null, campaign: '(none)', ...fig(1, 0, 0, 0, 0, 0), connected: 0, no_answer: 1, busy: 0, failed: 0, success_pct: 0 },
        { campaign_id: 'k1', campaign: 'Summer', ...fig(4, 3, 0, 0, 0, 100.5), connected: 3, no_answer: 0, busy: 1, failed: 0, success_pct: 75 },
        { campaign_id: 'k2', campaign: 'autumn', ...fig(5, 4, 1, 2, 50, 14), connected: 2, no_answer: 0, busy: 0, failed: 0, success_pct: 40 },
      ]);
      // One campaign and one agent: the filters line names them from the same database.
      const one = await report(h, { type: 'daily', campaignId: 'k1', agentId: 'a1', fromText: '2026-11-01', toText: '2026-11-02' });
      expect(one.rows).toEqual([
        { day: '2026-11-01', ...fig(2, 2, 0, 0, 0, 70) },
        { day: '2026-11-02', ...ZERO },
      ]);
      expect(one.document.filters).toBe('From 2026-11-01 to 2026-11-02 · Campaign: Summer · Agent: Ana');
    });

    it('an empty range: zero days and hours, no disposition, agent or campaign; no `from` starts at the first call', async () => {
      await seed(h);
      const empty = { from: Z('2026-12-01T05:00:00Z'), to: Z('2026-12-02T05:00:00Z') };
      expect((await report(h, { type: 'daily', ...empty })).rows).toEqual([{ day: '2026-12-01', ...ZERO }]);
      expect((await report(h, { type: 'hourly', ...empty })).rows).toEqual(Array.from({ length: 24 }, (_, hour) => ({ hour, ...ZERO })));
      for (const type of ['dispositions', 'agents', 'campaigns'] as const) expect((await report(h, { type, ...empty })).rows, type).toEqual([]);
      const open = await buildCallReport(source(h), { type: 'daily', to: NOV2, timeZone: NY, lang: 'en', at: NOV3 });
      expect(open.from).toBeNull();
      expect(open.rows).toEqual([{ day: '2026-11-01', ...fig(7, 4, 1, 1, 25, 100.5) }]);
    });
  },
  { prefix: 'h_reports_pg' },
);
