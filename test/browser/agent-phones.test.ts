/**
 * Agent phones on the Agents and phones screen (issue #12): an admin opens a human agent's phone config (the
 * password line a placeholder), asks for a new SIP password, confirms, and sees it once inside the config to copy;
 * reopening shows the placeholder again. A bot has no phone action; a supervisor sees no actions at all.
 * English and Spanish, axe- and CSP-clean. `AGENT_PHONES_SCREENSHOT_DIR` saves screenshots there.
 */
import type { Browser } from 'playwright-core';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, axeViolations, cspViolations, launchBrowser, loginUi, newPage, startRig, USER_PASSWORD, type ProductRig } from './support.js';

let rig: ProductRig;
let browser: Browser;
const shots = process.env['AGENT_PHONES_SCREENSHOT_DIR'];

beforeAll(async () => {
  [rig, browser] = await Promise.all([startRig(), launchBrowser()]);
  expect((await rig.api('POST', '/api/users', { username: 'sup', password: USER_PASSWORD, role: 'supervisor' })).status).toBe(201);
  expect((await rig.api('POST', '/api/agents', { id: 'ana', name: 'Ana Ruiz', endpoint: 'PJSIP/1001' })).status).toBe(201);
  expect((await rig.api('POST', '/api/agents', { id: 'named', name: 'Named phone', endpoint: 'PJSIP/agent101' })).status).toBe(201);
  expect((await rig.api('POST', '/api/agents', { id: 'bot1', kind: 'bot', name: 'Survey bot', endpoint: 'Local/7001@bots' })).status).toBe(201);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
});

describe('Agent phones', () => {
  it('an admin opens a phone config, generates a new SIP password after a confirm and sees it once', async () => {
    const { page, context } = await newPage(browser);
    await loginUi(page, rig.base, 'admin', ADMIN_PASSWORD);
    await page.goto(`${rig.base}/admin/agents`);
    await page.getByRole('heading', { name: 'Agents and phones' }).waitFor();
    const table = page.getByTestId('agents-table');
    expect(await table.getByRole('row', { name: /Survey bot/ }).getByRole('button').count()).toBe(0);
    await table.getByRole('button', { name: 'Phone config of Ana Ruiz' }).click();
    const config = page.getByTestId('agent-phone-config');
    await config.waitFor();
    expect(await config.textContent()).toContain('[1001](agent-endpoint)');
    expect(await config.textContent()).toContain('password = <password shown once when generated>');

    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Generate new SIP password' }).click();
    await dialog.getByText('Generate a new SIP password?').waitFor();
    // Cancel leaves everything as it was; nothing was generated.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await dialog.getByTestId('agent-sip-password').count()).toBe(0);
    // Pushed live: the embedded PBX has no Asterisk to take it, the screen says so and no password was made.
    await dialog.getByRole('button', { name: 'Generate new SIP password' }).click();
    await dialog.getByLabel('Also push it live to Asterisk').check();
    await dialog.getByRole('button', { name: 'Generate', exact: true }).click();
    await dialog.getByText('No Asterisk is configured').waitFor();
    if (shots) await page.screenshot({ path: join(shots, 'agent-phone-push-en.png') });
    expect(await dialog.getByTestId('agent-sip-password').count()).toBe(0);
    await dialog.getByRole('button', { name: 'Generate new SIP password' }).click();
    await dialog.getByLabel('Also push it live to Asterisk').uncheck();
    await dialog.getByRole('button', { name: 'Generate', exact: true }).click();
    const password = (await dialog.getByTestId('agent-sip-password').textContent())!;
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await config.textContent()).toContain(`password = ${password}`);
    await dialog.getByText('shown only this once').waitFor();
    await dialog.getByRole('button', { name: 'Copy config' }).waitFor();
    expect(await axeViolations(page)).toEqual([]);
    if (shots) await page.screenshot({ path: join(shots, 'agent-phone-en.png'), fullPage: true });
    expect(await cspViolations(page)).toEqual([]);

    // Closed and opened again: the password is gone (the server kept none).
    await page.keyboard.press('Escape');
    await config.waitFor({ state: 'hidden' });
    await table.getByRole('button', { name: 'Phone config of Ana Ruiz' }).click();
    await config.waitFor();
    expect(await config.textContent()).toContain('<password shown once when generated>');
    expect(await page.content()).not.toContain(password);
    await page.keyboard.press('Escape');
    await config.waitFor({ state: 'hidden' });

    // A phone the generator has no template for: the server's reason, and nothing to generate.
    await table.getByRole('button', { name: 'Phone config of Named phone' }).click();
    await dialog.getByText('must be PJSIP/<3–6 digits>').waitFor();
    expect(await dialog.getByRole('button', { name: 'Generate new SIP password' }).count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);

  it('in Spanish: the confirm and the config; a supervisor has no phone actions', async () => {
    const { page, context } = await newPage(browser, { lang: 'es' });
    await loginUi(page, rig.base, 'admin', ADMIN_PASSWORD);
    await page.goto(`${rig.base}/admin/agents`);
    await page.getByRole('heading', { name: 'Agentes y teléfonos' }).waitFor();
    await page.getByTestId('agents-table').getByRole('button', { name: 'Configuración del teléfono de Ana Ruiz' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('agent-phone-config').waitFor();
    await dialog.getByRole('button', { name: 'Generar nueva contraseña SIP' }).click();
    await dialog.getByText('¿Generar una nueva contraseña SIP?').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    if (shots) await page.screenshot({ path: join(shots, 'agent-phone-confirm-es.png'), fullPage: true });
    await dialog.getByRole('button', { name: 'Generar', exact: true }).click();
    await dialog.getByText('se muestra solo esta vez').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    if (shots) await page.screenshot({ path: join(shots, 'agent-phone-es.png'), fullPage: true });
    expect(await cspViolations(page)).toEqual([]);
    await context.close();

    const sup = await newPage(browser, { lang: 'es' });
    await loginUi(sup.page, rig.base, 'sup', USER_PASSWORD);
    await sup.page.goto(`${rig.base}/admin/agents`);
    await sup.page.getByTestId('agents-table').getByRole('row', { name: /Ana Ruiz/ }).waitFor();
    expect(await sup.page.getByRole('columnheader', { name: 'Acciones' }).count()).toBe(0);
    expect(await sup.page.getByRole('button', { name: /Configuración del teléfono/ }).count()).toBe(0);
    await sup.context.close();
  }, 60_000);
});
