/**
 * A supervisor watches the wallboard while the demo campaign dials on the embedded PBX: the numbers move, the
 * board follows the live feed, a server restart shows the "reconnecting" banner and the figures re-sync when the
 * server is back. TV mode, and no critical axe violation.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, launchBrowser, loginUi, newPage, startRig, until, USER_PASSWORD, type ProductRig } from './support.js';

let rig: ProductRig;
let browser: Browser;
let page: Page;

const kpi = async (id: string) => Number((await page.getByTestId(`${id}-value`).innerText()).replace(/[^\d]/g, ''));

/** A test call on the demo campaign (retried while the engine reconnects after a restart). */
async function placeTestCall(): Promise<void> {
  await until(async () => (await rig.api('POST', '/api/campaigns/demo/test-call', { phone: '+50688001234' })).status === 202, 20_000, 'a test call to be accepted');
}

beforeAll(async () => {
  [rig, browser] = await Promise.all([startRig(), launchBrowser()]);
  const created = await rig.api('POST', '/api/users', { username: 'sofia', password: USER_PASSWORD, role: 'supervisor' });
  expect(created.status).toBe(201);
  ({ page } = await newPage(browser));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
});

describe('wallboard (supervisor)', () => {
  it('lands on the wallboard after login and the numbers change while the demo campaign runs', async () => {
    await loginUi(page, rig.base, 'sofia', USER_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/wallboard');
    await page.getByTestId('kpi-calls-today').waitFor();
    const first = await kpi('kpi-calls-today');
    // A call placed now (a test call on the demo campaign) reaches the board over the live feed, without a reload.
    await placeTestCall();
    await until(async () => (await kpi('kpi-calls-today')) > first, 15_000, 'calls today to grow');
    // Calls in progress are listed with their stage; the five simulated agents are on the grid.
    await until(async () => (await page.locator('[data-testid^="agent-tile-"]').count()) === 5, 10_000, 'five agent tiles');
    const stages = await page.getByTestId('stage-counts').innerText();
    expect(stages).toMatch(/Ringing: \d+/i);
    expect(await page.getByTestId('pacing-demo').innerText()).toMatch(/Progressive/);
    expect(await axeViolations(page)).toEqual([]);
  }, 60_000);

  it('shows the reconnecting banner while the server restarts, then re-syncs', async () => {
    const before = await kpi('kpi-calls-today');
    const restarting = rig.restart(2500);
    await page.getByTestId('live-banner').waitFor({ state: 'visible', timeout: 15_000 });
    expect(await page.getByTestId('live-banner').innerText()).toMatch(/reconnecting/i);
    await restarting;
    await page.getByTestId('live-banner').waitFor({ state: 'detached', timeout: 20_000 });
    // Re-synced from the server (same database): at least what was shown before, and live again.
    await until(async () => (await kpi('kpi-calls-today')) >= before, 15_000, 'the figures to come back');
    const after = await kpi('kpi-calls-today');
    await placeTestCall();
    await until(async () => (await kpi('kpi-calls-today')) > after, 15_000, 'calls today to grow after the restart');
  }, 60_000);

  it('TV mode fills the window with large type and Escape leaves it', async () => {
    await page.getByRole('button', { name: 'TV mode' }).click();
    await page.locator('.tv-mode').waitFor();
    const size = parseFloat(await page.getByTestId('kpi-calls-today-value').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(40);
    expect(new URL(page.url()).searchParams.get('tv')).toBe('1');
    await page.keyboard.press('Escape');
    await page.locator('.tv-mode').waitFor({ state: 'detached' });
  }, 30_000);
});
