/**
 * Agent phones on the Agents and phones screen (issue #12): an admin opens a human agent's phone config (the
 * password line a placeholder), asks for a new SIP password, confirms, and sees it once inside the config to copy;
 * reopening shows the placeholder again. A bot has no phone action; a supervisor may edit agents but sees no phone
 * action. An agent is edited in the same form it was created with (its campaigns too), and the list shows the change.
 * The list filters by name or phone (accents ignored), team, campaign served and state, and says when none matches.
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
    // A bot has no phone: its only action is Edit.
    expect(await table.getByRole('row', { name: /Survey bot/ }).getByRole('button').allTextContents()).toEqual(['Edit']);
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
    // Supervisors manage agents (the API's agents.manage) but not their SIP passwords.
    await sup.page.getByRole('button', { name: 'Editar a Ana Ruiz' }).waitFor();
    expect(await sup.page.getByRole('button', { name: /Configuración del teléfono/ }).count()).toBe(0);
    await sup.context.close();
  }, 60_000);

  it('an admin edits an agent in its form: team and campaigns, shown in the list; the form opens with what is stored', async () => {
    const campaign = await rig.api('POST', '/api/campaigns', { name: 'Renovaciones', dialMode: 'progressive' });
    expect(campaign.status).toBe(201);
    const { page, context } = await newPage(browser, { lang: 'es' });
    await loginUi(page, rig.base, 'admin', ADMIN_PASSWORD);
    await page.goto(`${rig.base}/admin/agents`);
    const table = page.getByTestId('agents-table');
    await table.getByRole('button', { name: 'Editar a Named phone' }).click();
    const dialog = page.getByRole('dialog', { name: 'Editar el agente Named phone' });
    expect(await dialog.getByLabel('Nombre').inputValue()).toBe('Named phone');
    expect(await dialog.getByLabel('Teléfono (endpoint)').inputValue()).toBe('PJSIP/agent101');
    await dialog.getByLabel('Equipo').fill('Norte');
    await dialog.getByLabel('Campañas', { exact: true }).click();
    await page.getByRole('option', { name: 'Renovaciones' }).click();
    await page.keyboard.press('Escape');
    expect(await axeViolations(page)).toEqual([]);
    if (shots) await page.screenshot({ path: join(shots, 'agent-edit-es.png') });
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/agents/named') && r.request().method() === 'PATCH');
    await dialog.getByRole('button', { name: 'Guardar' }).click();
    expect((await saved).status()).toBe(200);
    await page.getByText('Agente guardado.').waitFor();
    await page.getByTestId('agent-campaigns-named').getByText('Renovaciones', { exact: true }).waitFor();
    expect(await table.getByRole('row', { name: /Named phone/ }).getByText('Norte', { exact: true }).count()).toBe(1);
    if (shots) await page.screenshot({ path: join(shots, 'agents-list-es.png'), fullPage: true });
    // The list, with its campaigns column and two actions a row, fits 1280 px: the page does not scroll sideways.
    expect(await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
    // No state is cut ("DESCONECTA…"): each badge's text fits it.
    const cut = await page.evaluate(`[...document.querySelectorAll('[data-testid=agents-table] .mantine-Badge-label')].filter((e) => e.scrollWidth > e.getBoundingClientRect().width + 1).map((e) => e.textContent)`);
    expect(cut).toEqual([]);
    expect((await rig.api('GET', '/api/agents/named')).json).toMatchObject({ team: 'Norte', campaignIds: [campaign.json.id], endpoint: 'PJSIP/agent101' });
    // Opened again, the form holds what was stored.
    await table.getByRole('button', { name: 'Editar a Named phone' }).click();
    await page.getByRole('dialog', { name: 'Editar el agente Named phone' }).getByText('Renovaciones').waitFor();
    expect(await page.getByRole('dialog').getByLabel('Equipo').inputValue()).toBe('Norte');
    expect(await cspViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);
  it('the list filters by name or phone, team, campaign served and state; none matching says so and clears', async () => {
    const other = await rig.api('POST', '/api/campaigns', { name: 'Cobros', dialMode: 'progressive' });
    expect(other.status).toBe(201);
    expect((await rig.api('POST', '/api/agents', { id: 'eva', name: 'Eva Núñez', endpoint: 'PJSIP/1005', team: 'Sur', campaign_ids: [other.json.id] })).status).toBe(201);
    const total = ((await rig.api('GET', '/api/agents')).json.items as unknown[]).length;
    const { page, context } = await newPage(browser);
    await loginUi(page, rig.base, 'admin', ADMIN_PASSWORD);
    await page.goto(`${rig.base}/admin/agents`);
    const table = page.getByTestId('agents-table');
    await table.getByRole('row', { name: /Eva Núñez/ }).waitFor();
    const names = async () => (await table.locator('tbody tr').allTextContents()).map((r) => (/Ana Ruiz|Named phone|Survey bot|Eva Núñez/.exec(r) ?? [r])[0]);
    const count = page.getByTestId('agents-count');
    expect(await count.count()).toBe(0);

    // Words of the name, without the accent; then the phone.
    await page.getByLabel('Search').fill('eva nunez');
    await count.getByText(`1 of ${total} agents`).waitFor();
    expect(await names()).toEqual(['Eva Núñez']);
    await page.getByLabel('Search').fill('7001@');
    await count.getByText(`1 of ${total} agents`).waitFor();
    expect(await names()).toEqual(['Survey bot']);
    await page.getByLabel('Search').fill('');

    await page.getByRole('combobox', { name: 'Team' }).click();
    await page.getByRole('option', { name: 'Norte' }).click();
    await count.getByText(`1 of ${total} agents`).waitFor();
    expect(await names()).toEqual(['Named phone']);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await count.waitFor({ state: 'hidden' });

    // Renovaciones: Named phone is assigned to it, agents with no campaign serve it too; Eva serves only Cobros.
    await page.getByRole('combobox', { name: 'Serves campaign' }).click();
    await page.getByRole('option', { name: 'Renovaciones' }).click();
    await count.waitFor();
    const serving = await names();
    expect(serving).toEqual(expect.arrayContaining(['Ana Ruiz', 'Named phone', 'Survey bot']));
    expect(serving).not.toContain('Eva Núñez');
    expect(serving).toHaveLength(total - 1);
    // Eva serves only Cobros: none left, and the screen says so.
    await page.getByLabel('Search').fill('eva');
    await page.getByTestId('agents-none').getByText('No agent matches these filters.').waitFor();
    expect(await table.count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    if (shots) await page.screenshot({ path: join(shots, 'agents-filter-none-en.png') });
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await count.waitFor({ state: 'hidden' });

    // Ana has no phone logged in: logged out, not ready.
    await page.getByLabel('Search').fill('ruiz');
    await page.getByRole('combobox', { name: 'State' }).click();
    await page.getByRole('option', { name: 'Logged out' }).click();
    await count.getByText(`1 of ${total} agents`).waitFor();
    expect(await names()).toEqual(['Ana Ruiz']);
    await page.getByRole('combobox', { name: 'State' }).click();
    await page.getByRole('option', { name: 'Ready' }).click();
    await page.getByTestId('agents-none').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await table.waitFor();
    expect(await table.locator('tbody tr').count()).toBe(total);
    await context.close();

    const es = await newPage(browser, { lang: 'es' });
    await loginUi(es.page, rig.base, 'admin', ADMIN_PASSWORD);
    await es.page.goto(`${rig.base}/admin/agents`);
    await es.page.getByLabel('Buscar').fill('RUIZ');
    await es.page.getByTestId('agents-count').getByText(`1 de ${total} agentes`).waitFor();
    await es.page.getByRole('combobox', { name: 'Atiende la campaña' }).waitFor();
    expect(await axeViolations(es.page)).toEqual([]);
    if (shots) await es.page.screenshot({ path: join(shots, 'agents-filter-es.png') });
    expect(await es.page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true);
    expect(await cspViolations(es.page)).toEqual([]);
    await es.context.close();
  }, 60_000);
});
