/**
 * The date filter of the queue figures (/api/queues*, /api/reports/queues and its export): local days of the
 * center's zone, both included; figures counted on the day of the line that carries them; a pause across
 * midnight split between its two days; bad days refused naming the field.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueueLogAnalysis } from '../../../engine/analytics/index.js';
import type { QueueStatsSource } from '../../../api/index.js';
import { harness, type Harness } from './harness.js';

const D1 = Date.UTC(2026, 0, 1) / 1000;
const D2 = Date.UTC(2026, 0, 2) / 1000;
const H = 3600;
const LOG = [
  `${D1 + 9 * H}|NONE|sales|Ana|ADDMEMBER|`,
  `${D1 + 10 * H}|c1|sales|NONE|ENTERQUEUE||5550001|1`,
  `${D1 + 10 * H + 10}|c1|sales|Ana|CONNECT|10|c1b|3`,
  `${D1 + 10 * H + 130}|c1|sales|Ana|COMPLETECALLER|10|120|1`,
  `${D1 + 11 * H}|c2|sales|NONE|ENTERQUEUE||5550002|1`,
  `${D1 + 11 * H + 30}|c2|sales|NONE|ABANDON|1|1|30`,
  `${D1 + 23 * H}|NONE|sales|Ana|PAUSE|Lunch`,
  `${D2 + 1 * H}|NONE|sales|Ana|UNPAUSE|`,
  `${D2 + 10 * H}|c3|sales|NONE|ENTERQUEUE||5550003|1`,
  `${D2 + 10 * H + 40}|c3|sales|Ana|CONNECT|40|c3b|5`,
  `${D2 + 10 * H + 100}|c3|sales|Ana|COMPLETEAGENT|40|60|1`,
  `${D2 + 12 * H}|c4|support|NONE|ENTERQUEUE||5550004|1`,
  `${D2 + 12 * H + 5}|c4|support|Bea|CONNECT|5|c4b|2`,
  `${D2 + 12 * H + 35}|c4|support|Bea|COMPLETEAGENT|5|30|1`,
].join('\n');

let h: Harness;
let sup: string;

beforeAll(async () => {
  const a = new QueueLogAnalysis({ serviceLevel: () => 20, timeZone: 'UTC' });
  a.push(Buffer.from(`${LOG}\n`));
  a.end();
  const asOf = D2 + 13 * H;
  const source: QueueStatsSource = {
    result: (range) => a.result(asOf, range),
    openCalls: () => a.aggregator.openCalls(),
    status: () => ({ file: 'queue_log', following: false, offset: 0, line: 0, rotations: 0, truncations: 0, lastPollAt: null, lastError: null }),
  };
  h = harness({ queues: source });
  h.addUser('sup1', 'supervisor');
  sup = await h.login('sup1');
});
afterAll(() => h.close());

const get = async (path: string) => {
  const res = await h.json('GET', path, undefined, h.bearer(sup));
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
type Q = { name: string; offered: number; answered: number; abandoned: number; max_wait_answered_s: number; by_day?: Array<{ day: string }> };
type A = { name: string; calls_answered: number; talk_s: number; pause_s_by_reason: Record<string, number>; logged_in_s: number };

describe('queue figures by date range', () => {
  it('without a range: the whole log', async () => {
    const { body } = await get('/api/queues');
    expect((body.queues as Q[]).map((q) => [q.name, q.offered, q.answered, q.abandoned, q.max_wait_answered_s])).toEqual([
      ['sales', 3, 2, 1, 40],
      ['support', 1, 1, 0, 5],
    ]);
  });

  it('one day: only what its lines carry; queues and agents with nothing that day are left out', async () => {
    const { status, body } = await get('/api/queues?from=2026-01-01&to=2026-01-01');
    expect(status).toBe(200);
    expect((body.queues as Q[]).map((q) => [q.name, q.offered, q.answered, q.abandoned, q.max_wait_answered_s])).toEqual([['sales', 2, 1, 1, 10]]);
    const agents = (await get('/api/queues/agents?from=2026-01-01&to=2026-01-01')).body.agents as A[];
    // Ana: member from 09:00, the pause from 23:00 to 01:00 gives this day its first hour.
    expect(agents).toMatchObject([{ name: 'Ana', calls_answered: 1, talk_s: 120, pause_s_by_reason: { Lunch: H }, logged_in_s: 15 * H }]);
    expect((await get('/api/queues/support?from=2026-01-01&to=2026-01-01')).status).toBe(404);
  });

  it('from a day on: the second day, the pause’s other hour, the open session up to now', async () => {
    const one = (await get('/api/queues/sales?from=2026-01-02')).body as unknown as Q;
    expect(one).toMatchObject({ offered: 1, answered: 1, abandoned: 0, max_wait_answered_s: 40 });
    expect(one.by_day!.map((d) => d.day)).toEqual(['2026-01-02']);
    const agents = (await get('/api/queues/agents?from=2026-01-02')).body.agents as A[];
    expect(agents.map((a) => [a.name, a.calls_answered, a.pause_s_by_reason, a.logged_in_s])).toEqual([
      ['Ana', 1, { Lunch: H }, 13 * H],
      ['Bea', 1, {}, 0],
    ]);
  });

  it('the queue report and its XLSX take the same days', async () => {
    const rep = (await get('/api/reports/queues?from=2026-01-02&to=2026-01-02')).body as { queues: Q[] };
    expect(rep.queues.map((q) => [q.name, q.offered])).toEqual([
      ['sales', 1],
      ['support', 1],
    ]);
    const res = await h.json('GET', '/api/reports/queues/export?format=xlsx&from=2026-01-01&to=2026-01-01', undefined, h.bearer(sup));
    expect(res.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    expect(sheet.rowCount).toBe(2);
    expect([sheet.getRow(2).getCell(1).value, sheet.getRow(2).getCell(2).value]).toEqual(['sales', 2]);
  });

  it('refuses bad days naming the field', async () => {
    for (const [path, field] of [
      ['/api/queues?from=2026-02-30', 'from'],
      ['/api/queues?from=yesterday', 'from'],
      ['/api/queues/agents?to=2026-1-2', 'to'],
      ['/api/queues?from=2026-01-02&to=2026-01-01', 'to'],
      ['/api/reports/queues?from=2026-01-01T00:00:00Z', 'from'],
      ['/api/reports/queues/export?format=pdf&to=2026-13-01', 'to'],
      ['/api/reports/queues?from=2026-01-02&to=2026-01-01', 'to'],
    ] as const) {
      const { status, body } = await get(path);
      expect(status, path).toBe(422);
      expect(JSON.stringify(body), path).toMatch(new RegExp(`\\b${field}\\b`));
    }
  });
});
