/**
 * The Trunks screen (Troncales): an admin adds a carrier trunk — a bad field is named next to it — sees it with the
 * dial string campaigns use (offered by the campaign form), and opens its PJSIP configuration; a
 * supervisor sees the list but cannot change it.
 * English and Spanish, axe-clean. `TRUNKS_SCREENSHOT_DIR` saves a screenshot of each language there.
 */
import type { Browser } from 'playwright-core';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, axeViolations, cspViolations, launchBrowser, loginUi, newPage, startRig, USER_PASSWORD, type ProductRig } from './support.js';

let rig: ProductRig;
let browser: Browser;

beforeAll(async () => {
  [rig, browser] = await Promise.all([startRig(), launchBrowser()]);
  expect((await rig.api('POST', '/api/users', { username: 'sup', password: USER_PASSWORD, role: 'supervisor' })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
});

describe('Trunks screen', () => {
  it('an admin adds a trunk (a bad name is named on its field), sees its dial string and opens its PJSIP config', async () => {
    const { page, context } = await newPage(browser);
    await loginUi(page, rig.base, 'admin', ADMIN_PASSWORD);
    await page.getByRole('link', { name: 'Trunks' }).click();
    await page.getByRole('heading', { name: 'Trunks' }).waitFor();
    await page.getByText('No trunks yet.').waitFor();

    await page.getByRole('button', { name: 'New trunk' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Name').fill('carrier one');
    await dialog.getByLabel('Carrier host').fill('sip.example.net:5060');
    await dialog.getByRole('button', { name: 'Add trunk' }).click();
    await dialog.getByText('1–40 letters, digits').waitFor();
    await dialog.getByLabel('Name').fill('carrier');
    await dialog.getByLabel('Auth user').fill('acct-42');
    await dialog.getByLabel('Auth password').fill('s3cr3t!pw');
    await dialog.getByRole('button', { name: 'Add trunk' }).click();
    await page.getByText('Trunk added.').waitFor();

    const row = page.getByTestId('trunks-table').getByRole('row', { name: /carrier/ });
    await row.getByText('PJSIP/{e164}@carrier').waitFor();
    expect(await row.textContent()).not.toContain('s3cr3t');
    await row.getByRole('button', { name: 'PJSIP config of carrier' }).click();
    const config = page.getByTestId('trunk-config');
    await config.waitFor();
    expect(await config.textContent()).toContain('[carrier](trunk-endpoint)');
    expect(await config.textContent()).toContain('password = s3cr3t!pw');
    expect(await axeViolations(page)).toEqual([]);
    if (process.env['TRUNKS_SCREENSHOT_DIR']) await page.screenshot({ path: join(process.env['TRUNKS_SCREENSHOT_DIR'], 'trunks-en.png'), fullPage: true });
    expect(await cspViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    await config.waitFor({ state: 'hidden' });

    // Pushed live: on the embedded PBX there is no Asterisk to take it, and the screen says so.
    await row.getByRole('button', { name: 'Push carrier to Asterisk' }).click();
    await page.getByText('Asterisk did not take the trunk').waitFor();
    await page.getByText('No Asterisk is configured').waitFor();
    // Every action of the row fits on the screen (none pushed off its right edge).
    const del = row.getByRole('button', { name: 'Delete carrier' });
    const box = await del.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(1280);
    if (process.env['TRUNKS_SCREENSHOT_DIR']) {
      await page.waitForTimeout(600); // the notification's slide-in, for the picture only
      await page.screenshot({ path: join(process.env['TRUNKS_SCREENSHOT_DIR'], 'trunks-push-en.png') });
    }

    // The campaign form offers the trunk: one click puts its dial string in.
    await page.goto(`${rig.base}/campaigns/new`);
    const dial = page.getByLabel('Dial string');
    await dial.fill('Local/{digits}@somewhere');
    await page.getByRole('button', { name: 'Use trunk carrier' }).click();
    expect(await dial.inputValue()).toBe('PJSIP/{e164}@carrier');
    expect(await axeViolations(page)).toEqual([]);
    if (process.env['TRUNKS_SCREENSHOT_DIR']) await page.screenshot({ path: join(process.env['TRUNKS_SCREENSHOT_DIR'], 'campaign-trunk-en.png') });
    await context.close();
  }, 60_000);

  it('in Spanish, a supervisor sees Troncales without the admin actions, and the trunk in the campaign form', async () => {
    const { page, context } = await newPage(browser, { lang: 'es' });
    await loginUi(page, rig.base, 'sup', USER_PASSWORD);
    await page.goto(`${rig.base}/admin/trunks`);
    await page.getByRole('heading', { name: 'Troncales' }).waitFor();
    const row = page.getByTestId('trunks-table').getByRole('row', { name: /carrier/ });
    await row.getByText('PJSIP/{e164}@carrier').waitFor();
    expect(await page.getByRole('columnheader', { name: 'Cadena de marcación' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Nueva troncal' }).count()).toBe(0);
    expect(await page.getByRole('columnheader', { name: 'Acciones' }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    if (process.env['TRUNKS_SCREENSHOT_DIR']) await page.screenshot({ path: join(process.env['TRUNKS_SCREENSHOT_DIR'], 'trunks-es.png'), fullPage: true });
    await page.goto(`${rig.base}/campaigns/new`);
    await page.getByRole('button', { name: 'Usar troncal carrier' }).click();
    expect(await page.getByLabel('Cadena de marcación').inputValue()).toBe('PJSIP/{e164}@carrier');
    expect(await axeViolations(page)).toEqual([]);
    if (process.env['TRUNKS_SCREENSHOT_DIR']) await page.screenshot({ path: join(process.env['TRUNKS_SCREENSHOT_DIR'], 'campaign-trunk-es.png') });
    await context.close();
  }, 60_000);
});
