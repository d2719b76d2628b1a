/**
 * The Queues screen on PostgreSQL (#18): `npm start`'s product on a database of its own follows the queue_log table
 * every node writes, not a file. Two other nodes' lines (node-x, node-y) go into the table after the product started;
 * a supervisor's Queues screen shows the one queue both dialled with both nodes' calls summed, both nodes' agents with
 * a Node column, and the call still talking on node-y with its node. English and Spanish at 1280 px, axe clean.
 * Screenshots go to QUEUES_NODES_SCREENSHOT_DIR when it is set.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueLogColumns } from '../../app/index.js';
import { formatQueueLogLine } from '../../engine/analytics/index.js';
import { PgQueueLog } from '../../engine/store/pg/index.js';
import { startPgNodesRig, type PgNodesRig } from '../support/pg-nodes-rig.js';
import { zoneWithRoom } from '../support/today-with-room.js';
import { axeViolations, launchBrowser, loginUi, newPage } from './support.js';

const shots = process.env['QUEUES_NODES_SCREENSHOT_DIR'];

let rig: PgNodesRig;
let browser: Browser;

beforeAll(async () => {
  // The product on PostgreSQL as node-a (test/support/pg-nodes-rig.ts; no Redis: the other nodes only write lines).
  // Today in UTC, or in Bogotá in UTC's first 30 minutes (the lines need 412 s of today behind them).
  const now = Math.floor(Date.now() / 1000);
  const today = zoneWithRoom(now, 1800, ['UTC', 'America/Bogota']);
  [rig, browser] = await Promise.all([startPgNodesRig('queues-cluster-browser', { redis: false, env: { REPORT_TIME_ZONE: today.zone } }), launchBrowser()]);

  // Two nodes' lines of today, written as their nodes write them, after the product started following the table.
  const t = Math.max(today.dayStart + 1, now - 1200);
  const L = (dt: number, callid: string, queue: string, agent: string, event: string, data: (string | number)[]) => queueLogColumns(formatQueueLogLine(t + dt, callid, queue, agent, event, data))!;
  const table = new PgQueueLog(rig.db.pool);
  await table.append('node-x', [
    L(0, 'NONE', 'NONE', 'Ana', 'AGENTLOGIN', ['Centralita/ag-x']),
    L(10, 'x1', 'Ventas', 'NONE', 'ENTERQUEUE', ['', '50688880001', 1]),
    L(18, 'x1', 'Ventas', 'Ana', 'CONNECT', [8, 'br-x1', 0]),
    L(298, 'x1', 'Ventas', 'Ana', 'COMPLETECALLER', [8, 280, 1]),
    L(300, 'x2', 'Ventas', 'NONE', 'ENTERQUEUE', ['', '50688880002', 1]),
    L(340, 'x2', 'Ventas', 'NONE', 'ABANDON', [1, 1, 40]),
  ].map((l, i) => ({ ...l, seq: i + 1 })));
  await table.append('node-y', [
    L(5, 'NONE', 'NONE', 'Beto', 'AGENTLOGIN', ['Centralita/ag-y']),
    L(400, 'y1', 'Ventas', 'NONE', 'ENTERQUEUE', ['', '50688890001', 1]),
    L(412, 'y1', 'Ventas', 'Beto', 'CONNECT', [12, 'br-y1', 0]),
  ].map((l, i) => ({ ...l, seq: i + 1 })));
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
}, 60_000);

describe('Queues screen on PostgreSQL, two nodes', () => {
  for (const lang of ['en', 'es'] as const) {
    it(`${lang}: one queue summed over both nodes, each agent and the talking call with its node`, async () => {
      const { page, context } = await newPage(browser, { lang, width: 1280, height: 900 });
      try {
        await loginUi(page, rig.base, 'admin', rig.adminPassword, '/queues');
        await page.getByRole('heading', { name: lang === 'en' ? 'Queues' : 'Colas', level: 1 }).waitFor();
        const table = page.getByTestId('queue-table');
        await table.getByRole('button', { name: 'Ventas' }).waitFor({ timeout: 15_000 });
        // Ventas: x1 and x2 (node-x), y1 (node-y): 3 offered, 2 answered, 1 abandoned.
        expect(await table.innerText()).toMatch(/Ventas[\s\S]*?\s3\s+2\s+1\s/);
        const agents = page.getByTestId('queue-agent-table');
        const agentText = await agents.innerText();
        expect(agentText).toContain(lang === 'en' ? 'Node' : 'Nodo');
        expect(agentText).toMatch(/Ana\s+node-x\s+1\s/);
        expect(agentText).toMatch(/Beto\s+node-y\s+1\s/);
        const talking = page.getByTestId('queue-talking-calls');
        await talking.getByText('50688890001').waitFor();
        expect(await talking.innerText()).toMatch(/Ventas\s+50688890001\s+Beto\s+0:12\s+\S+\s+node-y/);
        if (shots) await page.screenshot({ path: join(shots, `queues-nodes-${lang}.png`), fullPage: true });
        expect(await axeViolations(page)).toEqual([]);
      } finally {
        await context.close();
      }
    }, 60_000);
  }
});
