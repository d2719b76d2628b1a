/**
 * The wallboard's Nodes panel (#18): `npm start`'s product on PostgreSQL (a database of its own) with REDIS_URL (a
 * key prefix of its own), in this process on the embedded PBX, and a second node publishing its board to the same
 * Redis (node-b, registered in cluster_nodes with its Asterisk). A supervisor's wallboard shows both nodes with their
 * Asterisk (no credentials), agents and calls and the totals, and node-b's agents and calls in its grid and calls
 * list with their node (a badge, a Node column); node-b stopping shows it down and takes its rows away without a
 * reload. English at 1280 px, Spanish on a narrow screen and at 1280 px. The agent list (Agents and phones) shows
 * node-b's agents with their live state and node, logged out once node-b stops. Screenshots go to
 * WALLBOARD_NODES_SCREENSHOT_DIR when it is set.
 */
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardPublisher } from '../../engine/cluster/index.js';
import { systemClock } from '../../engine/clock/index.js';
import { PgClusterNodes } from '../../engine/store/index.js';
import { startPgNodesRig, type PgNodesRig } from '../support/pg-nodes-rig.js';
import { axeViolations, launchBrowser, loginUi, newPage, until, USER_PASSWORD } from './support.js';

const shots = process.env['WALLBOARD_NODES_SCREENSHOT_DIR'];

let rig: PgNodesRig;
let browser: Browser;
let nodeB: BoardPublisher;
let base: string;

/** node-b's board as `centralita node` publishes it: two agents talking, one ready, one in wrap-up; three calls. */
function publishNodeB(): BoardPublisher {
  return rig.startNodeB(() => ({
    nodeId: 'node-b',
    at: systemClock.now(),
    agents: [
      { id: 'b1', status: 'TALKING', since: t0, calls: ['c1'] },
      { id: 'b2', status: 'TALKING', since: t0, calls: ['c2'] },
      { id: 'b3', status: 'READY', since: t0 },
      { id: 'b4', status: 'WRAP_UP', since: t0 },
    ],
    calls: [
      { id: 'c1', phase: 'bridged', agentId: 'b1', phone: '+12125550101' },
      { id: 'c2', phase: 'bridged', agentId: 'b2', phone: '+12125550102' },
      { id: 'c3', phase: 'ringing', agentId: null, phone: '+12125550103' },
    ],
    campaigns: [],
  }));
}
const t0 = systemClock.now() - 42_000;

beforeAll(async () => {
  // The product on PostgreSQL with Redis as node-a (test/support/pg-nodes-rig.ts), the browser started meanwhile.
  [rig, browser] = await Promise.all([startPgNodesRig('web-cluster-browser'), launchBrowser()]);
  base = rig.base;
  // The second node: in the registry with its Asterisk, its board in Redis as `centralita node` publishes it.
  await new PgClusterNodes(rig.db.pool).register('node-b', 'http://pbx-b.example:8088/', systemClock.now());
  nodeB = publishNodeB();
  const admin = await rig.login('admin', rig.adminPassword);
  expect((await rig.call('POST', '/api/users', admin, { username: 'sofia', password: USER_PASSWORD, role: 'supervisor' })).status).toBe(201);
  // node-b's agents in the agents table (their node's): the grid lists them with the state node-b publishes.
  await rig.addAgents(
    admin,
    ([['b1', 'Berta'], ['b2', 'Bruno'], ['b3', 'Blanca'], ['b4', 'Boris']] as const).map(([id, name]) => ({ id, name, node: 'node-b', ext: `2${id.slice(1).padStart(3, '0')}` })),
  );
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
}, 60_000);

describe('wallboard Nodes panel (PostgreSQL + Redis)', () => {
  it('shows both nodes with their Asterisk, agents and calls and the totals; a node stopping shows down (en, 1280 px)', async () => {
    const { page, context } = await newPage(browser, { width: 1280, height: 900 });
    await loginUi(page, base, 'sofia', USER_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/wallboard');
    // Badges are upper-cased by CSS: their textContent is what the strings say.
    const panel = page.getByTestId('nodes-panel');
    await panel.waitFor({ timeout: 15_000 });
    await until(async () => (await page.getByTestId('node-node-b-state').textContent().catch(() => '')) === 'Up', 10_000, 'node-b up');
    expect(await page.getByTestId('node-node-a-state').textContent()).toBe('Up');
    expect(await page.getByTestId('nodes-up').textContent()).toBe('Up: 2');
    expect(await page.getByTestId('node-node-a-asterisk').innerText()).toBe('Asterisk: embedded PBX (simulator)');
    expect(await page.getByTestId('node-node-b-asterisk').innerText()).toBe('Asterisk: http://pbx-b.example:8088/');
    expect(await page.getByTestId('node-node-b-since').innerText()).toMatch(/^Up since \d/);
    expect(await page.getByTestId('node-node-b-agents-TALKING').textContent()).toBe('Talking: 2');
    expect(await page.getByTestId('node-node-b-calls-talking').textContent()).toBe('Talking: 2');
    // node-a has no agent in PostgreSQL and dials nothing: the totals are node-b's.
    expect(await page.getByTestId('nodes-total-calls').innerText()).toBe('Live calls: 3');
    expect(await page.getByTestId('nodes-total-agents').innerText()).toMatch(/Agents logged in: 4$/);
    // node-b's agents and calls in the wallboard's own lists, with their node.
    const berta = page.getByTestId('agent-tile-b1');
    await until(async () => (await berta.getByTestId('agent-state').textContent().catch(() => '')) === 'Talking', 10_000, 'b1 talking');
    expect(await berta.getByTestId('agent-node').textContent()).toBe('node-b');
    expect(await berta.getByTestId('agent-node').getAttribute('aria-label')).toBe('On node node-b');
    expect(await page.getByTestId('agent-tile-b4').getByTestId('agent-state').textContent()).toBe('Wrap-up');
    expect(await page.getByTestId('agents-TALKING').textContent()).toBe('Talking: 2');
    expect(await page.getByTestId('kpi-active').innerText()).toContain('3');
    expect(await page.getByTestId('stage-count-talking').textContent()).toBe('Talking: 2');
    expect(await page.getByRole('columnheader', { name: 'Node' }).count()).toBe(1);
    expect(await page.getByTestId('call-node').allTextContents()).toEqual(['node-b', 'node-b', 'node-b']);
    expect(await axeViolations(page)).toEqual([]);
    if (shots) {
      await panel.screenshot({ path: join(shots, 'wallboard-nodes-en.png') });
      await page.screenshot({ path: join(shots, 'wallboard-1280-en.png'), fullPage: true });
    }

    await nodeB.close();
    await until(async () => (await page.getByTestId('node-node-b-state').textContent()) === 'Down', 5000, 'node-b down');
    expect(await page.getByTestId('node-node-b').getAttribute('data-state')).toBe('down');
    expect(await page.getByTestId('node-node-b-since').innerText()).toMatch(/^Down since \d/);
    expect(await page.getByTestId('nodes-down').textContent()).toBe('Down: 1');
    expect(await page.getByTestId('nodes-total-calls').innerText()).toBe('Live calls: 0');
    // Its rows left the grid and the list: its agents logged out, no node named any more (one node up).
    await until(async () => (await berta.getByTestId('agent-state').textContent()) === 'Logged out', 5000, 'b1 logged out');
    expect(await page.getByTestId('agent-node').count()).toBe(0);
    expect(await page.getByTestId('kpi-active').innerText()).toContain('0');
    expect(await page.getByRole('columnheader', { name: 'Node' }).count()).toBe(0);
    if (shots) await panel.screenshot({ path: join(shots, 'wallboard-nodes-down-en.png') });
    await context.close();
  }, 60_000);

  it('Spanish on a narrow screen: the panel in "usted" Spanish, one card per row; at 1280 px the node of each agent and call', async () => {
    const { page, context } = await newPage(browser, { lang: 'es', width: 390, height: 900 });
    await loginUi(page, base, 'sofia', USER_PASSWORD);
    await page.getByTestId('nodes-panel').waitFor({ timeout: 15_000 });
    await until(async () => (await page.getByTestId('node-node-b-state').textContent().catch(() => '')) === 'Caído', 10_000, 'node-b caído');
    expect(await page.getByTestId('node-node-a-state').textContent()).toBe('Activo');
    expect(await page.getByTestId('nodes-down').textContent()).toBe('Caídos: 1');
    // Nothing wider than the screen: the cards stack.
    const overflow = await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    const a = await page.getByTestId('node-node-a').boundingBox();
    const b = await page.getByTestId('node-node-b').boundingBox();
    expect(b!.y).toBeGreaterThan(a!.y + a!.height - 1);
    if (shots) await page.getByTestId('nodes-panel').screenshot({ path: join(shots, 'wallboard-nodes-es-narrow.png') });

    // node-b back, at 1280 px: its agents and calls with their node, in Spanish.
    nodeB = publishNodeB();
    await page.setViewportSize({ width: 1280, height: 900 });
    const berta = page.getByTestId('agent-tile-b1');
    await until(async () => (await berta.getByTestId('agent-node').textContent().catch(() => '')) === 'node-b', 10_000, 'b1 en node-b');
    expect(await berta.getByTestId('agent-node').getAttribute('aria-label')).toBe('En el nodo node-b');
    expect(await page.getByRole('columnheader', { name: 'Nodo' }).count()).toBe(1);
    if (shots) {
      // (Scrolled to the top first: the narrow checks left it scrolled, and the fixed header would be drawn mid-page.)
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: join(shots, 'wallboard-1280-es.png'), fullPage: true });
    }
    await context.close();
  }, 60_000);

  it('the agent list: node-b’s agents with their live state and node (en and es, 1280 px), logged out once node-b stops', async () => {
    for (const [lang, talking, onNode, loggedOut] of [
      ['en', 'Talking', 'On node node-b', 'Logged out'],
      ['es', 'Conectado', 'En el nodo node-b', 'Desconectado'],
    ] as const) {
      const { page, context } = await newPage(browser, { lang, width: 1280, height: 720 });
      await loginUi(page, base, 'sofia', USER_PASSWORD);
      await page.goto(`${base}/admin/agents`);
      const berta = page.getByTestId('agents-table').getByRole('row', { name: /Berta/ });
      await until(async () => (await berta.getByTestId('agent-node').textContent().catch(() => '')) === 'node-b', 10_000, `b1 on node-b (${lang})`);
      expect(await berta.getByTestId('agent-node').getAttribute('aria-label')).toBe(onNode);
      expect(await berta.textContent()).toContain(talking);
      expect(await page.getByTestId('agent-node').count()).toBe(4);
      if (lang === 'en') expect(await axeViolations(page)).toEqual([]);
      if (shots) await page.screenshot({ path: join(shots, `agents-nodes-1280-${lang}.png`), fullPage: true });
      if (lang === 'es') {
        await nodeB.close();
        await until(async () => {
          await page.reload();
          return ((await berta.textContent().catch(() => '')) ?? '').includes(loggedOut);
        }, 10_000, 'b1 desconectado');
        expect(await page.getByTestId('agent-node').count()).toBe(0);
      }
      await context.close();
    }
  }, 60_000);
});
