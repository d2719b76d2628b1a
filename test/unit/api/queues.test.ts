/**
 * /api/queues/*: the figures of a queue_log followed by the live tail (real files, virtual clock), behind auth
 * and the `metrics.org` role; new lines show on the next poll; 503 without a followed queue_log.
 */
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../engine/clock/index.js';
import { QueueLogAnalysis, QueueLogTail, parseQueuesConf, serviceLevelResolver } from '../../../engine/analytics/index.js';
import type { QueueStatsSource } from '../../../api/index.js';
import { harness, type Harness } from './harness.js';

const FIX = fileURLToPath(new URL('../../fixtures/queuelog/', import.meta.url));

let h: Harness;
let tail: QueueLogTail;
let sup: string;
let agent: string;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'queues-api-'));
  const file = join(dir, 'queue_log');
  copyFileSync(join(FIX, 'queue_log'), file);
  const sl = serviceLevelResolver({}, parseQueuesConf(readFileSync(join(FIX, 'queues.conf'), 'utf8')).serviceLevels, {}, 20);
  tail = new QueueLogTail({
    file,
    checkpointFile: join(dir, 'queue_log.checkpoint'),
    clock: new VirtualClock(0),
    createAnalysis: (state) => new QueueLogAnalysis({ serviceLevel: sl, timeZone: 'America/Costa_Rica', state }),
  });
  await tail.start();
  const source: QueueStatsSource = { result: (range) => tail.analysis.result(undefined, range), openCalls: () => tail.analysis.aggregator.openCalls(), status: () => tail.status() };
  h = harness({ queues: source });
  h.addUser('sup1', 'supervisor');
  h.addUser('agent1', 'agent', 'A');
  sup = await h.login('sup1');
  agent = await h.login('agent1');
});
afterAll(async () => {
  await tail.stop();
  h.close();
  rmSync(dir, { recursive: true, force: true });
});

const get = (path: string, token?: string) => h.json('GET', path, undefined, token ? h.bearer(token) : {});

describe('/api/queues', () => {
  it('answers 401 without auth and 403 to an agent', async () => {
    expect((await get('/api/queues')).status).toBe(401);
    expect((await get('/api/queues', agent)).status).toBe(403);
  });

  it('lists every queue with the issue’s figures and app_queue’s own, and the source’s state', async () => {
    const res = await get('/api/queues', sup);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { queues: Array<Record<string, unknown>>; source: Record<string, unknown>; open_calls: number };
    expect(body.queues.map((q) => q.name)).toEqual(['sales', 'support']);
    expect(body.queues[0]).toMatchObject({ offered: 8, answered: 3, abandoned: 1, asa_s: 15.67, sl_pct_of_answered: 66.67, servicelevel_s: 20, app_queue: { sl2_pct: 57.14 } });
    expect(body.queues[0]).not.toHaveProperty('by_hour');
    expect(body.source).toMatchObject({ lines: 58, kept: 51, malformed: 7, unknown_events: { AGENTCALLBACKLOGIN: 1 } });
    expect(body.open_calls).toBe(1);
    expect(body).toMatchObject({ in_queue: 1 });
  });

  it('gives one queue by hour and day, agents, and the callers waiting now', async () => {
    const one = (await (await get('/api/queues/support', sup)).json()) as { by_hour: Array<{ hour: number; offered: number }>; by_day: unknown[] };
    expect(one.by_hour[4]).toMatchObject({ hour: 4, offered: 3 });
    expect(one.by_day).toEqual([{ day: '2026-01-01', offered: 4, answered: 1, abandoned: 1, answered_within_sl: 1, talk_s: 60 }]);
    const agents = (await (await get('/api/queues/agents', sup)).json()) as { agents: Array<{ name: string; calls_answered: number; pause_s_by_reason: Record<string, number> }> };
    expect(agents.agents.find((a) => a.name === 'Ana')).toMatchObject({ calls_answered: 2, pause_s_by_reason: { Lunch: 600 } });
    const calls = (await (await get('/api/queues/calls?queue=support', sup)).json()) as { calls: Array<{ callid: string; state: string }> };
    expect(calls.calls.map((c) => [c.callid, c.state])).toEqual([['c12', 'waiting']]);
    expect((await get('/api/queues/nope', sup)).status).toBe(404);
  });

  it('names a bad query field', async () => {
    const res = await get('/api/queues/calls?queue=', sup);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await res.text()).toContain('queue');
  });

  it('shows new lines after the next poll (live)', async () => {
    appendFileSync(tail.status().file, '1767265400|c12|support|Carla|CONNECT|100|c12c|2\n');
    await tail.poll();
    const body = (await (await get('/api/queues/support', sup)).json()) as { answered: number; max_wait_answered_s: number };
    expect(body).toMatchObject({ answered: 2, max_wait_answered_s: 100 });
    // c12 is answered: still an open call, talking to Carla, no longer in the queue.
    const list = (await (await get('/api/queues', sup)).json()) as { open_calls: number; in_queue: number };
    expect(list).toMatchObject({ open_calls: 1, in_queue: 0 });
    const calls = (await (await get('/api/queues/calls?queue=support', sup)).json()) as { calls: Array<{ callid: string; state: string; agent: string | null }> };
    expect(calls.calls).toEqual([expect.objectContaining({ callid: 'c12', state: 'talking', agent: 'Carla' })]);
  });

  it('reports queue statistics as JSON and as XLSX in Spanish; unknown report types and formats are refused naming the field', async () => {
    const rep = (await (await get('/api/reports/queues?queue=sales', sup)).json()) as { queues: Array<{ name: string; offered: number }>; agents: unknown[] };
    expect(rep.queues.map((q) => [q.name, q.offered])).toEqual([['sales', 8]]);
    const res = await get('/api/reports/queues/export?format=xlsx&lang=es', sup);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Colas', 'Por hora', 'Por día', 'Agentes']);
    const colas = wb.getWorksheet('Colas')!;
    expect(colas.getRow(1).getCell(2).value).toBe('Ofrecidas');
    expect(colas.getRow(1).getCell(16).value).toBe('NS de app_queue %');
    expect([2, 3].map((r) => [colas.getRow(r).getCell(1).value, colas.getRow(r).getCell(2).value, colas.getRow(r).getCell(17).value])).toEqual([
      ['sales', 8, 57.14],
      ['support', 4, 66.67],
    ]);
    // Hours without activity are left out (as on the screen and in the PDF); ASA is an Excel time.
    const hours = wb.getWorksheet('Por hora')!;
    expect(hours.rowCount).toBeLessThan(1 + 2 * 24);
    expect(hours.getRow(2).getCell(3).value).toBeGreaterThan(0);
    expect(colas.getRow(2).getCell(9).numFmt).toBe('[h]:mm:ss');
    expect(colas.getRow(1).getCell(9).value).toBe('ASA');
    for (const [path, field] of [['/api/reports/weekly', 'type'], ['/api/reports/queues/export?format=csv', 'format']] as const) {
      const bad = await get(path, sup);
      expect(bad.status, path).toBeGreaterThanOrEqual(400);
      expect(bad.status, path).toBeLessThan(500);
      expect(await bad.text(), path).toContain(field);
    }
  });

  it('answers 503 when no queue_log is followed', async () => {
    const bare = harness();
    bare.addUser('sup2', 'supervisor');
    const t = await bare.login('sup2');
    expect((await bare.json('GET', '/api/queues', undefined, bare.bearer(t))).status).toBe(503);
    bare.close();
  });
});
