/**
 * The managers' CallLog reports on both dialects (#18): GET /api/reports/{daily,hourly,dispositions,agents,campaigns}
 * from the CallLogs as the engine nodes write them (through the dialect's node writer), in REPORT_TIME_ZONE's local days
 * (America/New_York on its 25-hour 1 November 2026), naming the agents and campaigns of the dialect's database. On
 * PostgreSQL the API's SQLite file holds another call, agent and campaign on purpose (every figure below differs if a
 * route reads it), and its XLSX/PDF exports are checked too (SQLite's, with their pages: test/unit/api/reports.test.ts).
 * Roles (supervisors and admins); bad input is a 422 naming the field.
 */
import ExcelJS from 'exceljs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Disposition } from '../../engine/events/index.js';
import { renderPdf } from '../support/pdf-pages.js';
import { ADMIN_PASSWORD, describeApiDialects, type Harness } from '../unit/api/harness.js';
import { writeNodeCall, type NodeCall } from '../support/node-calls.js';

const NY = 'America/New_York';
const Z = (iso: string) => Date.parse(iso);
const NOV1 = Z('2026-11-01T04:00:00Z');
const NOV2 = Z('2026-11-02T05:00:00Z');
const NOW = Z('2026-11-03T15:00:00Z');
const RANGE = 'from=2026-11-01&to=2026-11-02';
const OUT = join(tmpdir(), 'centralita-report-pdf');

type ErrorBody = { error: { code: string; message: string; details?: Array<{ field: string; problem: string }> } };

describeApiDialects('CallLog reports across a DST day', (harness, dialect) => {
  let h: Harness;
  let tokens: Record<'admin' | 'sup' | 'lead' | 'ana', Record<string, string>>;

  /** Bridged calls were answered 4 s after ringing; the others never were. */
  const nodeCall = (id: string, at: number, o: Omit<NodeCall, 'id' | 'at'> & { disposition: Disposition }): Promise<void> =>
    writeNodeCall(h.db.callLogs, { id, at, campaignId: 'k1', nodeId: 'node-2', answered: o.bridgeAfter !== undefined, ...o });

  beforeEach(async () => {
    h = await harness({ config: { NODE_ID: 'node-test', JWT_SECRET: 'x'.repeat(40), ADMIN_PASSWORD, REPORT_TIME_ZONE: NY } });
    h.clock.advanceTo(NOW);
    h.addUser('ana', 'agent', 'north');
    h.addUser('lead', 'teamlead', 'north');
    h.addUser('sup', 'supervisor');
    tokens = {
      admin: h.bearer(await h.login('admin')),
      sup: h.bearer(await h.login('sup')),
      lead: h.bearer(await h.login('lead')),
      ana: h.bearer(await h.login('ana')),
    };
    await h.db.seed.campaign('k1', { name: 'Nodos Otoño' }, NOV1);
    await h.db.campaignCatalog.command('k1', 'start', NOV1);
    await h.db.seed.agent({ id: 'a1', name: 'Ana Node', endpoint: 'PJSIP/a1', team: 'north', userId: null, nodeId: 'node-2', createdAt: NOV1 });
    await h.db.seed.agent({ id: 'a2', name: 'Bob Node', endpoint: 'PJSIP/a2', team: 'south', userId: null, nodeId: 'node-2', createdAt: NOV1 });
    // 10 s of wrap-up for a1 after c1.
    await h.db.seed.agentEvent({ agentId: 'a1', fromState: 'ON_CALL', toState: 'WRAP_UP', at: Z('2026-11-01T05:32:05Z') });
    await h.db.seed.agentEvent({ agentId: 'a1', fromState: 'WRAP_UP', toState: 'AVAILABLE', at: Z('2026-11-01T05:32:15Z') });
    // 01:30 EDT: Ana, 90 s of talk. 01:30 EST: Bob, 30 s. A drop, a machine. 23:59:59.999 EST and midnight.
    await nodeCall('c1', Z('2026-11-01T05:30:00Z'), { disposition: 'ANSWERED_HUMAN', agentId: 'a1', bridgeAfter: 1000, endAfter: 90_000 });
    await nodeCall('c2', Z('2026-11-01T06:30:00Z'), { disposition: 'ANSWERED_HUMAN', agentId: 'a2', bridgeAfter: 1000, endAfter: 30_000 });
    await nodeCall('c3', Z('2026-11-01T06:40:00Z'), { disposition: 'DROPPED' });
    await nodeCall('c4', NOV2 - 1, { disposition: 'MACHINE' });
    await nodeCall('c5', NOV2, { disposition: 'NO_ANSWER', campaignId: 'k2' });

    if (dialect === 'pg') {
      // The API's own SQLite file holds another call, agent and campaign: they must not show.
      h.store.agents.upsert({ id: 'lite', kind: 'human', name: 'Lite', endpoint: 'PJSIP/lite', concurrency: 1, team: 'north', userId: null, campaignIds: null, nodeId: null, createdAt: NOV1 });
      h.store.campaigns.create('k2', { name: 'Lite campaign' }, NOV1);
      h.store.callLogs.create({ id: 'lite-call', campaignId: null, leadId: null, phone: '+12125550199', nodeId: 'node-test', at: Z('2026-11-01T06:00:00Z') });
      h.store.callLogs.markBridged('lite-call', { agentId: 'lite', at: Z('2026-11-01T06:00:05Z') });
      h.store.callLogs.end('lite-call', { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: Z('2026-11-01T06:00:10Z') });
    }
  });
  afterEach(() => h.close());

  const get = async (path: string, who: keyof typeof tokens) => h.json('GET', path, undefined, tokens[who]);
  const body = async (path: string, who: keyof typeof tokens = 'sup') => {
    const res = await get(path, who);
    return { status: res.status, body: (await res.json()) as any };
  };

  it('JSON: daily in REPORT_TIME_ZONE (23:59:59.999 on its day, midnight on the next), agents and campaigns named from its database', async () => {
    const d = await body(`/api/reports/daily?${RANGE}`);
    expect(d.status).toBe(200);
    expect(d.body).toEqual({
      type: 'daily',
      time_zone: NY,
      from: NOV1,
      to: Z('2026-11-03T05:00:00Z'),
      rows: [
        { day: '2026-11-01', calls: 4, humans: 3, machines: 1, drops: 1, abandon_pct: 33.33, talk_s: 120 },
        { day: '2026-11-02', calls: 1, humans: 0, machines: 0, drops: 0, abandon_pct: 0, talk_s: 0 },
      ],
    });
    const a = await body(`/api/reports/agents?${RANGE}`, 'admin');
    expect(a.body.rows).toEqual([
      { agent_id: 'a1', agent: 'Ana Node', calls: 1, connected: 1, talk_s: 90, aht_s: 100 },
      { agent_id: 'a2', agent: 'Bob Node', calls: 1, connected: 1, talk_s: 30, aht_s: 30 },
    ]);
    const c = await body(`/api/reports/campaigns?${RANGE}`);
    expect(c.body.rows.map((r: { campaign_id: string; campaign: string; calls: number; success_pct: number }) => [r.campaign_id, r.campaign, r.calls, r.success_pct])).toEqual([
      ['k1', 'Nodos Otoño', 4, 50],
      // A campaign the database does not know shows its id (on PostgreSQL, though the SQLite file names it).
      ['k2', 'k2', 1, 0],
    ]);
    const disp = await body(`/api/reports/dispositions?${RANGE}&agent_id=a1`);
    expect(disp.body.rows).toEqual([{ disposition: 'ANSWERED_HUMAN', label: 'Answered (human)', calls: 1, pct: 100 }]);
    // An empty range: every hour zero.
    const empty = await body('/api/reports/hourly?from=2026-12-01&to=2026-12-01');
    expect(empty.body.rows.every((r: { calls: number }) => r.calls === 0)).toBe(true);
    expect(empty.body.rows).toHaveLength(24);
  });

  if (dialect === 'pg') {
    it('XLSX and PDF exports from PostgreSQL CallLogs', async () => {
      const x = await get(`/api/reports/campaigns/export?format=xlsx&lang=es&${RANGE}`, 'sup');
      expect(x.status).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(Buffer.from(await x.arrayBuffer()) as unknown as ArrayBuffer);
      const values: unknown[][] = [];
      wb.worksheets[0]!.eachRow((row) => values.push((row.values as unknown[]).slice(1)));
      const k1 = values.find((r) => r[0] === 'Nodos Otoño');
      // Campaign, calls, humans, connected, machines, drops, no answer, busy, failed, abandon %, success %.
      expect(k1?.slice(0, 11)).toEqual(['Nodos Otoño', 4, 3, 2, 1, 1, 0, 0, 0, 33.33, 50]);
      expect(values.flat()).not.toContain('Lite');

      const p = await get(`/api/reports/agents/export?format=pdf&lang=en&${RANGE}&campaign_id=k1`, 'admin');
      expect(p.status).toBe(200);
      expect(p.headers.get('content-type')).toBe('application/pdf');
      const [page] = renderPdf(Buffer.from(await p.arrayBuffer()), OUT, 'calls-agents-pg');
      expect(page!.text).toContain('Agent ranking');
      expect(page!.text).toContain('From 2026-11-01 to 2026-11-02 · Campaign: Nodos Otoño');
      // Talk 1:30 and AHT (90 + 10 wrap-up) 1:40.
      expect(page!.text).toMatch(/Ana Node\s+1\s+1\s+1:30\s+1:40/);
      expect(page!.text).not.toContain('Lite');
    });
  }

  it('roles, and a 422 naming the field', async () => {
    expect((await get(`/api/reports/daily?${RANGE}`, 'lead')).status).toBe(403);
    expect((await get(`/api/reports/daily?${RANGE}`, 'ana')).status).toBe(403);
    expect((await get(`/api/reports/daily/export?format=pdf&${RANGE}`, 'ana')).status).toBe(403);
    const bad = async (path: string) => {
      const r = await body(path);
      expect(r.status, path).toBe(422);
      const e = (r.body as ErrorBody).error;
      return [...(e.details?.map((x) => x.field) ?? []), e.message].join(' ');
    };
    expect(await bad('/api/reports/daily?tz=Mars/Olympus')).toContain('tz');
    expect(await bad('/api/reports/daily?from=2026-13-01')).toContain('from');
    expect(await bad('/api/reports/daily?queue=sales')).toContain('queue');
    expect(await bad('/api/reports/campaigns/export?format=doc')).toContain('format');
  });
}, { prefix: 'pg_twins2_reports' });
