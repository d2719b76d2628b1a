/**
 * /api/reports/{type}: CallLog reports (daily, hourly, dispositions, agents, campaigns) with hand-computed figures
 * on a small seeded SQLite, days and hours in the center's time zone; XLSX and PDF exports (the PDFs rendered to
 * PNG with pdftoppm: page count, ink on every page, header repeated, page numbers); the queue report's PDF.
 * The PNGs stay in $TMPDIR/centralita-report-pdf for people to look at.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../engine/clock/index.js';
import { QueueLogAnalysis, QueueLogTail, parseQueuesConf, serviceLevelResolver } from '../../../engine/analytics/index.js';
import type { Disposition } from '../../../engine/events/index.js';
import { writeReportPdf, type ReportDocument } from '../../../engine/reports/index.js';
import { harness, type Harness } from './harness.js';
import { inkShare, renderPdf } from '../../support/pdf-pages.js';

const FIX = fileURLToPath(new URL('../../fixtures/queuelog/', import.meta.url));
const OUT = join(tmpdir(), 'centralita-report-pdf');
const CR = 'America/Costa_Rica'; // UTC-6, no DST

let h: Harness;
let tail: QueueLogTail;
let sup: string;
let lead: string;
let dir: string;

/** Local Costa Rica wall time → epoch ms. */
const cr = (d: string, hm: string): number => Date.parse(`${d}T${hm}:00-06:00`);

function call(id: string, campaignId: string, at: number, disposition: Disposition | null, o: { agentId?: string; bridgeAfterS?: number; endAfterS: number }): void {
  h.store.callLogs.create({ id, campaignId, leadId: null, phone: '+15550110001', nodeId: 'n', at });
  if (o.agentId !== undefined) h.store.callLogs.markBridged(id, { agentId: o.agentId, at: at + (o.bridgeAfterS ?? 0) * 1000 });
  if (disposition !== null) h.store.callLogs.end(id, { disposition, hangupCause: 16, at: at + o.endAfterS * 1000 });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reports-api-'));
  mkdirSync(OUT, { recursive: true });
  const file = join(dir, 'queue_log');
  copyFileSync(join(FIX, 'queue_log'), file);
  const sl = serviceLevelResolver({}, parseQueuesConf(readFileSync(join(FIX, 'queues.conf'), 'utf8')).serviceLevels, {}, 20);
  tail = new QueueLogTail({
    file,
    checkpointFile: join(dir, 'queue_log.checkpoint'),
    clock: new VirtualClock(0),
    createAnalysis: (state) => new QueueLogAnalysis({ serviceLevel: sl, timeZone: CR, state }),
  });
  await tail.start();
  h = harness({ queues: { result: (range) => tail.analysis.result(undefined, range), openCalls: () => tail.analysis.aggregator.openCalls(), status: () => tail.status() } });
  h.addUser('sup1', 'supervisor');
  h.addUser('lead1', 'teamlead', 'A');
  sup = await h.login('sup1');
  lead = await h.login('lead1');
  const s = h.store;
  const T0 = cr('2026-01-01', '00:00');
  s.agents.upsert({ id: 'agent-1', kind: 'human', name: 'Anna', endpoint: 'PJSIP/1001', team: 'A', createdAt: T0 });
  s.agents.upsert({ id: 'agent-2', kind: 'human', name: 'Bruno', endpoint: 'PJSIP/1002', team: 'B', createdAt: T0 });
  s.campaigns.create('c1', { name: 'Spring', dialMode: 'predictive' }, T0);
  s.campaigns.create('c2', { name: 'Summer', dialMode: 'predictive' }, T0);
  // 2026-01-03 (local): a connected call (talk 60 s), a machine, and at 23:30 local (05:30 UTC on the 4th) a drop.
  call('k1', 'c1', cr('2026-01-03', '10:00'), 'ANSWERED_HUMAN', { agentId: 'agent-1', bridgeAfterS: 10, endAfterS: 70 });
  call('k2', 'c1', cr('2026-01-03', '10:30'), 'MACHINE', { endAfterS: 20 });
  call('k3', 'c1', cr('2026-01-03', '23:30'), 'DROPPED', { endAfterS: 15 });
  // 2026-01-04 (local): Bruno talks 120 s at 00:15, Anna 30 s at 10:05, a no-answer at 11:00, one call still open.
  call('k4', 'c2', cr('2026-01-04', '00:15'), 'ANSWERED_HUMAN', { agentId: 'agent-2', bridgeAfterS: 5, endAfterS: 125 });
  call('k5', 'c2', cr('2026-01-04', '10:05'), 'ANSWERED_HUMAN', { agentId: 'agent-1', bridgeAfterS: 5, endAfterS: 35 });
  call('k6', 'c2', cr('2026-01-04', '11:00'), 'NO_ANSWER', { endAfterS: 30 });
  call('k7', 'c1', cr('2026-01-04', '12:00'), null, { endAfterS: 0 });
  // Before the range.
  call('k8', 'c1', cr('2026-01-02', '12:00'), 'ANSWERED_HUMAN', { agentId: 'agent-2', bridgeAfterS: 1, endAfterS: 11 });
  // Anna wraps up 20 s after k5.
  s.agentEvents.append({ agentId: 'agent-1', from: 'TALKING', to: 'WRAP_UP', at: cr('2026-01-04', '10:05') + 35_000 });
  s.agentEvents.append({ agentId: 'agent-1', from: 'WRAP_UP', to: 'IDLE', at: cr('2026-01-04', '10:05') + 55_000 });
});
afterAll(async () => {
  await tail.stop();
  h.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, token = sup) => h.json('GET', path, undefined, h.bearer(token));
const RANGE = `from=2026-01-03&to=2026-01-04&tz=${encodeURIComponent(CR)}`;
async function rows<T>(path: string): Promise<T[]> {
  const res = await get(path);
  expect(res.status, path).toBe(200);
  return ((await res.json()) as { rows: T[] }).rows;
}

describe('CallLog reports as JSON', () => {
  it('daily: calls, humans, machines, drops, abandon %, talk per local day', async () => {
    expect(await rows(`/api/reports/daily?${RANGE}`)).toEqual([
      { day: '2026-01-03', calls: 3, humans: 2, machines: 1, drops: 1, abandon_pct: 50, talk_s: 60 },
      { day: '2026-01-04', calls: 3, humans: 2, machines: 0, drops: 0, abandon_pct: 0, talk_s: 150 },
    ]);
    // In UTC the 23:30 drop belongs to the 4th.
    const utc = await rows<{ day: string; calls: number }>('/api/reports/daily?from=2026-01-03&to=2026-01-04&tz=UTC');
    expect(utc.map((r) => [r.day, r.calls])).toEqual([['2026-01-03', 2], ['2026-01-04', 4]]);
    const c2 = await rows<{ day: string; calls: number }>(`/api/reports/daily?${RANGE}&campaign_id=c2`);
    expect(c2.map((r) => [r.day, r.calls])).toEqual([['2026-01-03', 0], ['2026-01-04', 3]]);
  });

  it('hourly: 24 local hours', async () => {
    const r = await rows<{ hour: number; calls: number; humans: number; machines: number; drops: number; abandon_pct: number; talk_s: number }>(`/api/reports/hourly?${RANGE}`);
    expect(r).toHaveLength(24);
    expect(r.filter((x) => x.calls > 0)).toEqual([
      { hour: 0, calls: 1, humans: 1, machines: 0, drops: 0, abandon_pct: 0, talk_s: 120 },
      { hour: 10, calls: 3, humans: 2, machines: 1, drops: 0, abandon_pct: 0, talk_s: 90 },
      { hour: 11, calls: 1, humans: 0, machines: 0, drops: 0, abandon_pct: 0, talk_s: 0 },
      { hour: 23, calls: 1, humans: 1, machines: 0, drops: 1, abandon_pct: 100, talk_s: 0 },
    ]);
    const anna = await rows<{ hour: number; calls: number; talk_s: number }>(`/api/reports/hourly?${RANGE}&agent_id=agent-1`);
    expect(anna.filter((x) => x.calls > 0)).toMatchObject([{ hour: 10, calls: 2, talk_s: 90 }]);
  });

  it('dispositions, agents (ranking with AHT) and campaigns', async () => {
    expect(await rows(`/api/reports/dispositions?${RANGE}&lang=es`)).toEqual([
      { disposition: 'ANSWERED_HUMAN', label: 'Atendida (persona)', calls: 3, pct: 50 },
      { disposition: 'MACHINE', label: 'Contestador', calls: 1, pct: 16.67 },
      { disposition: 'NO_ANSWER', label: 'Sin respuesta', calls: 1, pct: 16.67 },
      { disposition: 'DROPPED', label: 'Abandonada', calls: 1, pct: 16.67 },
    ]);
    // Without dates: from the first CallLog (k8, the 2nd) to now; the open k7 is not counted.
    const all = await rows<{ disposition: string; calls: number }>(`/api/reports/dispositions?tz=${encodeURIComponent(CR)}`);
    expect(all.map((r) => [r.disposition, r.calls])).toEqual([['ANSWERED_HUMAN', 4], ['MACHINE', 1], ['NO_ANSWER', 1], ['DROPPED', 1]]);
    // Anna: k1 (60 s) + k5 (30 s) + 20 s wrap-up over 2 connected → AHT 55 s. Bruno: k4, 120 s.
    expect(await rows(`/api/reports/agents?${RANGE}`)).toEqual([
      { agent_id: 'agent-1', agent: 'Anna', calls: 2, connected: 2, talk_s: 90, aht_s: 55 },
      { agent_id: 'agent-2', agent: 'Bruno', calls: 1, connected: 1, talk_s: 120, aht_s: 120 },
    ]);
    expect(await rows(`/api/reports/campaigns?${RANGE}`)).toEqual([
      { campaign_id: 'c1', campaign: 'Spring', calls: 3, humans: 2, connected: 1, machines: 1, drops: 1, no_answer: 0, busy: 0, failed: 0, abandon_pct: 50, success_pct: 33.33, talk_s: 60 },
      { campaign_id: 'c2', campaign: 'Summer', calls: 3, humans: 2, connected: 2, machines: 0, drops: 0, no_answer: 1, busy: 0, failed: 0, abandon_pct: 0, success_pct: 66.67, talk_s: 150 },
    ]);
  });

  it('supervisors and admins only; bad fields and filters that do not apply are refused by name', async () => {
    expect((await h.json('GET', '/api/reports/daily', undefined)).status).toBe(401);
    expect((await get('/api/reports/daily', lead)).status).toBe(403);
    for (const [path, field] of [
      ['/api/reports/weekly', 'type'],
      ['/api/reports/daily?from=yesterday', 'from'],
      ['/api/reports/daily?to=2026-13-45', 'to'],
      ['/api/reports/daily?tz=Mars/Base', 'tz'],
      ['/api/reports/daily?colour=red', 'colour'],
      ['/api/reports/daily?queue=sales', 'queue'],
      ['/api/reports/queues?campaign_id=c1', 'campaign_id'],
      ['/api/reports/daily/export?format=csv', 'format'],
    ] as const) {
      const bad = await get(path);
      expect(bad.status, path).toBeGreaterThanOrEqual(400);
      expect(bad.status, path).toBeLessThan(500);
      expect(await bad.text(), path).toContain(field);
    }
  });
});

describe('exports', () => {
  it('XLSX of a CallLog report, headed in Spanish', async () => {
    const res = await get(`/api/reports/campaigns/export?format=xlsx&lang=es&${RANGE}`);
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.name).toBe('Resultados por campaña');
    expect(ws.getRow(1).values).toEqual([undefined, 'Campaña', 'Llamadas', 'Personas', 'Conectadas', 'Contestadores', 'Abandonadas', 'Sin respuesta', 'Ocupado', 'Fallidas', 'Abandono %', 'Éxito %', 'Conversación']);
    expect((ws.getRow(3).values as unknown[]).slice(0, 12)).toEqual([undefined, 'Summer', 3, 2, 2, 0, 0, 1, 0, 0, 0, 66.67]);
    // 150 s as an Excel time: a reader sees 0:02:30 (exceljs reads the time back as a date on Excel's day 0).
    expect(ws.getRow(3).getCell(12).value).toEqual(new Date(Date.UTC(1899, 11, 30, 0, 2, 30)));
    // Talk is an Excel time (sums in Excel) shown like the screen's 2:30, not 150 seconds as a bare number.
    expect(ws.getRow(3).getCell(12).numFmt).toBe('[h]:mm:ss');
    expect(ws.getRow(3).getCell(11).numFmt).toBeUndefined();
  });

  it('time-axis tables leave out days and hours without calls (the JSON and the chart keep them)', async () => {
    const res = await get(`/api/reports/hourly/export?format=xlsx&${RANGE}`);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(1).values).toEqual([undefined, 'Hour', 'Calls', 'Humans', 'Machines', 'Drops', 'Abandon %', 'Talk']);
    expect([2, 3, 4, 5].map((r) => ws.getRow(r).getCell(1).value)).toEqual(['00:00', '10:00', '11:00', '23:00']);
    expect(ws.rowCount).toBe(5);
    const c2 = await get(`/api/reports/daily/export?format=xlsx&${RANGE}&campaign_id=c2`);
    const wb2 = new ExcelJS.Workbook();
    await wb2.xlsx.load(Buffer.from(await c2.arrayBuffer()) as unknown as ArrayBuffer);
    expect(wb2.worksheets[0]!.getSheetValues().slice(2).map((r) => (r as unknown[])[1])).toEqual(['2026-01-04']);
  });

  it('PDF of every CallLog report: title, filters, inked pages, page numbers', async () => {
    for (const type of ['daily', 'hourly', 'dispositions', 'agents', 'campaigns'] as const) {
      const res = await get(`/api/reports/${type}/export?format=pdf&${RANGE}&campaign_id=c2`);
      expect(res.status, type).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      const pages = renderPdf(Buffer.from(await res.arrayBuffer()), OUT, `calls-${type}-en`);
      expect(pages.length, type).toBe(1);
      for (const [i, p] of pages.entries()) {
        expect(inkShare(p.image), p.png).toBeGreaterThan(0.003);
        expect(p.text, p.png).toContain(`Page ${i + 1} of ${pages.length}`);
      }
      expect(pages[0]!.text).toContain('From 2026-01-03 to 2026-01-04 · Campaign: Summer');
    }
    const es = await get(`/api/reports/agents/export?format=pdf&lang=es&${RANGE}`);
    const [p] = renderPdf(Buffer.from(await es.arrayBuffer()), OUT, 'calls-agents-es');
    expect(p!.text).toContain('Ranking de agentes');
    // Talk 90 s and AHT 55 s as durations, like the screen's tiles.
    expect(p!.text).toMatch(/Anna\s+2\s+2\s+1:30\s+0:55/);
    expect(p!.text).toContain('Página 1 de 1');
  });

  it('PDF of the queue report in Spanish: paginated with the header on every page, a chart, page numbers', async () => {
    const res = await get('/api/reports/queues/export?format=pdf&lang=es');
    expect(res.status).toBe(200);
    const pages = renderPdf(Buffer.from(await res.arrayBuffer()), OUT, 'queues-es');
    for (const [i, p] of pages.entries()) {
      expect(inkShare(p.image), p.png).toBeGreaterThan(0.003);
      expect(p.text).toContain(`Página ${i + 1} de ${pages.length}`);
    }
    expect(pages[0]!.text).toContain('Estadísticas de colas');
    expect(pages[0]!.text).toContain('Llamadas por cola');
    // Only the hours with calls; talk and waits as m:ss.
    const all = pages.map((p) => p.text).join('\n');
    expect(all).toMatch(/Por hora\s+Cola\s+Hora\s+Ofrecidas/);
    expect(all).not.toMatch(/sales\s+00:00\s+0\s+0\s+0/);
    // Decimals with the Spanish comma (sales: ASA 15.67 s is a duration; SL 66.67 %, app_queue SL2 57.14 %).
    expect(all).toContain('66,67');
    expect(all).toContain('57,14');
    expect(all).not.toMatch(/\d\.\d\d(?!\d)/);
    const en = await get('/api/reports/queues/export?format=pdf&lang=en&queue=sales');
    const enPages = renderPdf(Buffer.from(await en.arrayBuffer()), OUT, 'queues-en');
    expect(enPages[0]!.text).toContain('Queue statistics');
    expect(enPages[0]!.text).toContain('Queue: sales');
    expect(enPages.map((p) => p.text).join('\n')).toContain('66.67');
  });

  it('a long table runs onto more pages with its header repeated; durations as h:mm:ss', async () => {
    const doc: ReportDocument = {
      lang: 'en',
      title: 'Long table',
      filters: 'All data',
      generated: 'Generated now',
      tables: [{ title: 'Rows', columns: [{ label: 'Row', align: 'left' }, { label: 'Calls' }, { label: 'Talk', kind: 'duration' }], rows: Array.from({ length: 90 }, (_, i) => [`r${i}`, i, 3600 + 5 * i]) }],
    };
    const chunks: Buffer[] = [];
    const { PassThrough } = await import('node:stream');
    const out = new PassThrough();
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeReportPdf(doc, out);
    const pages = renderPdf(Buffer.concat(chunks), OUT, 'long-table-en');
    expect(pages.length).toBeGreaterThanOrEqual(3);
    for (const p of pages.slice(1)) expect(p.text).toMatch(/^\s*Row\s+Calls\s+Talk/);
    expect(pages[0]!.text).toMatch(/r1\s+1\s+1:00:05/);
  });
});
