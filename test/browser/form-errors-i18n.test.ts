/**
 * A form the API refuses shows the problem next to the field in the user's language: the API's 422 carries the zod
 * code and its parameters, and the web words them (not zod's English "Too small: expected string…").
 * A 409 about one field (the new agent would serve two running power/predictive campaigns) is worded in the user's
 * language under that field (Campaigns), naming the campaigns and the agent — not under the Name field; choosing
 * one of them there creates the agent.
 * Axe- and CSP-clean. `FORM_ERRORS_SCREENSHOT_DIR` saves a screenshot of each language there.
 */
import type { Browser } from 'playwright-core';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, axeViolations, createCampaign, cspViolations, launchBrowser, loginUi, newPage, startRig, until, type ProductRig } from './support.js';

let rig: ProductRig;
let browser: Browser;
/** A running power campaign the agents case leaves (Ventas Norte), for the start refusal after it. */
let north: string;

beforeAll(async () => {
  [rig, browser] = await Promise.all([startRig(), launchBrowser()]);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
});

const LONG_TEAM = 'x'.repeat(65); // the API allows 64

describe('form errors from the API, localized', () => {
  it('in Spanish, a new agent without a name and with a too-long team shows the problems in Spanish next to each field', async () => {
    const { page, context } = await newPage(browser, { lang: 'es' });
    await loginUi(page, rig.base, 'admin', ADMIN_PASSWORD);
    await page.goto(`${rig.base}/admin/agents`);
    await page.getByRole('heading', { name: 'Agentes y teléfonos' }).waitFor();
    await page.getByRole('button', { name: 'Nuevo agente' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Equipo').fill(LONG_TEAM);
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/agents') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: 'Crear agente' }).click();
    expect((await refused).status()).toBe(422);

    const name = dialog.getByLabel('Nombre');
    await dialog.getByText('Obligatorio').waitFor();
    // Mantine ties the error to its input (aria-describedby), so a screen reader reads it with the field.
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    const nameError = await page.locator(`#${(await name.getAttribute('aria-describedby'))!.split(' ').find((id) => id.endsWith('-error'))}`).textContent();
    expect(nameError).toBe('Obligatorio');
    await dialog.getByText('Debe tener como máximo 64 caracteres').waitFor();
    const text = (await dialog.textContent()) ?? '';
    expect(text).not.toMatch(/Too small|Too big|expected string/);

    expect(await axeViolations(page)).toEqual([]);
    if (process.env['FORM_ERRORS_SCREENSHOT_DIR']) await page.screenshot({ path: join(process.env['FORM_ERRORS_SCREENSHOT_DIR'], 'agent-form-errors-es.png') });
    expect(await cspViolations(page)).toEqual([]);

    // Fixed, the same form goes through.
    await name.fill('Ana');
    await dialog.getByLabel('Equipo').fill('ventas');
    await dialog.getByRole('button', { name: 'Crear agente' }).click();
    await page.getByText('Agente creado.').waitFor();
    await context.close();
  }, 60_000);

  it('in Spanish, a rule whose English the API author wrote (the trunk name and secret patterns) reads in Spanish', async () => {
    const { page, context } = await newPage(browser, { lang: 'es' });
    await loginUi(page, rig.base, 'admin', ADMIN_PASSWORD);
    await page.goto(`${rig.base}/admin/trunks`);
    await page.getByRole('button', { name: 'Nueva troncal' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Nombre').fill('operador uno');
    await dialog.getByLabel('Host del operador').fill('sip.example.net');
    await dialog.getByLabel('Usuario de autenticación').fill('cuenta-42');
    await dialog.getByRole('button', { name: 'Agregar troncal' }).click();
    await dialog.getByText('De 1 a 40 letras, dígitos, «_» o «-» (el nombre del endpoint PJSIP)').waitFor();
    // The form sends the empty password; its first problem is the secret's pattern.
    await dialog.getByText('De 1 a 128 caracteres imprimibles, sin espacios ni «;»').waitFor();
    expect((await dialog.textContent()) ?? '').not.toMatch(/letters, digits|printable|required with/);
    expect(await axeViolations(page)).toEqual([]);
    if (process.env['FORM_ERRORS_SCREENSHOT_DIR']) await page.screenshot({ path: join(process.env['FORM_ERRORS_SCREENSHOT_DIR'], 'trunk-form-errors-es.png') });
    expect(await cspViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);

  it('in English, the same refusal reads in English', async () => {
    const { page, context } = await newPage(browser);
    await loginUi(page, rig.base, 'admin', ADMIN_PASSWORD);
    await page.goto(`${rig.base}/admin/agents`);
    await page.getByRole('button', { name: 'New agent' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Team').fill(LONG_TEAM);
    await dialog.getByRole('button', { name: 'Create agent' }).click();
    await dialog.getByText('Required', { exact: true }).waitFor();
    await dialog.getByText('Must have at most 64 characters').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    if (process.env['FORM_ERRORS_SCREENSHOT_DIR']) await page.screenshot({ path: join(process.env['FORM_ERRORS_SCREENSHOT_DIR'], 'agent-form-errors-en.png') });
    expect(await cspViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);

  // Last: it stops the demo campaign and runs two of its own.
  it('in Spanish, a new agent that would serve two running power/predictive campaigns: told under Campaigns, then created with one', async () => {
    expect((await rig.api('POST', '/api/campaigns/demo/stop')).status).toBe(200);
    north = await createCampaign(rig, 'Ventas Norte', { dialMode: 'power', dialRatio: 2 });
    const south = await createCampaign(rig, 'Ventas Sur', { dialMode: 'predictive' });
    // Disjoint teams (the demo's agents and those the cases above created), so both may run; a new agent with no
    // campaigns would serve both.
    const agents = (await rig.api('GET', '/api/agents')).json.items as Array<{ id: string }>;
    for (const [i, a] of agents.entries()) {
      expect((await rig.api('PATCH', `/api/agents/${a.id}`, { campaign_ids: [i % 2 === 0 ? north : south] })).status).toBe(200);
    }
    for (const id of [north, south]) expect((await rig.api('POST', `/api/campaigns/${id}/start`)).status).toBe(200);
    const { page, context } = await newPage(browser, { lang: 'es' });
    await loginUi(page, rig.base, 'admin', ADMIN_PASSWORD);
    await page.goto(`${rig.base}/admin/agents`);
    await page.getByRole('button', { name: 'Nuevo agente' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Nombre').fill('Marta Solís');
    await dialog.getByLabel('Teléfono (endpoint)').fill('PJSIP/1010');
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/agents') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: 'Crear agente' }).click();
    expect((await refused).status()).toBe(409);
    const campaigns = dialog.getByLabel('Campañas', { exact: true });
    await dialog.getByText('Ventas Norte y Ventas Sur están en marcha con marcación power o predictiva, y Marta Solís las atendería a la vez: elija campañas de solo una de ellas').waitFor();
    expect(await campaigns.getAttribute('aria-invalid')).toBe('true');
    expect(await dialog.getByLabel('Nombre').getAttribute('aria-invalid')).not.toBe('true');
    expect(await dialog.getByRole('alert').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    if (process.env['FORM_ERRORS_SCREENSHOT_DIR']) await page.screenshot({ path: join(process.env['FORM_ERRORS_SCREENSHOT_DIR'], 'agent-overlap-es.png') });
    // One of the two: the agent is created, and the list says which campaign it serves.
    await campaigns.click();
    await page.getByRole('option', { name: 'Ventas Norte' }).click();
    await page.keyboard.press('Escape');
    const created = page.waitForResponse((r) => r.url().endsWith('/api/agents') && r.request().method() === 'POST');
    await dialog.getByRole('button', { name: 'Crear agente' }).click();
    const body = (await (await created).json()) as { id: string; campaignIds: string[] | null };
    expect(body.campaignIds).toEqual([north]);
    await page.getByTestId(`agent-campaigns-${body.id}`).getByText('Ventas Norte', { exact: true }).waitFor();
    if (process.env['FORM_ERRORS_SCREENSHOT_DIR']) await page.screenshot({ path: join(process.env['FORM_ERRORS_SCREENSHOT_DIR'], 'agent-created-es.png') });
    expect(await cspViolations(page)).toEqual([]);
    await context.close();
  }, 60_000);

  it('in Spanish, starting a power campaign that shares an agent with a running one: the dialog says why, by name; an edit, under Dial mode', async () => {
    const east = await createCampaign(rig, 'Ventas Este', { dialMode: 'power', dialRatio: 2 });
    // Demo agent 1001 serves Ventas Norte (running) and now Ventas Este too (not running yet: allowed).
    expect((await rig.api('PATCH', '/api/agents/agent-1001', { campaign_ids: [north, east] })).status).toBe(200);
    const { page, context } = await newPage(browser, { lang: 'es' });
    await loginUi(page, rig.base, 'admin', ADMIN_PASSWORD);
    await page.goto(`${rig.base}/campaigns/${east}`);
    await page.getByRole('button', { name: 'Iniciar', exact: true }).click();
    const refused = page.waitForResponse((r) => r.url().endsWith(`/api/campaigns/${east}/start`));
    await page.getByTestId('confirm-command').click();
    expect((await refused).status()).toBe(409);
    const alert = page.getByRole('dialog').getByRole('alert');
    await alert.getByText('La acción ha fallado').waitFor();
    expect(await alert.textContent()).toContain(
      'Ventas Norte está en marcha con marcación power o predictiva y comparte agentes con esta campaña: Demo agent 1001. Dos campañas así solo pueden ir a la vez con agentes distintos',
    );
    expect(await axeViolations(page)).toEqual([]);
    if (process.env['FORM_ERRORS_SCREENSHOT_DIR']) await page.screenshot({ path: join(process.env['FORM_ERRORS_SCREENSHOT_DIR'], 'campaign-start-refused-es.png') });
    expect((await rig.api('GET', `/api/campaigns/${east}`)).json.state).toBe('draft');
    expect(await cspViolations(page)).toEqual([]);

    // The same rule on a running campaign's edit: a progressive one over that agent made predictive is refused under
    // its dial mode, in Spanish; nothing is stored.
    const west = await createCampaign(rig, 'Ventas Oeste');
    expect((await rig.api('PATCH', '/api/agents/agent-1001', { campaign_ids: [north, east, west] })).status).toBe(200);
    expect((await rig.api('POST', `/api/campaigns/${west}/start`)).status).toBe(200);
    await page.goto(`${rig.base}/campaigns/${west}/edit`);
    await page.getByLabel('Modo de marcación').first().click();
    await page.getByRole('option', { name: 'Marcación predictiva' }).click();
    const edited = page.waitForResponse((r) => r.url().endsWith(`/api/campaigns/${west}`) && r.request().method() === 'PATCH');
    await page.getByRole('button', { name: 'Guardar', exact: true }).click();
    expect((await edited).status()).toBe(409);
    await page.getByText('Ventas Norte está en marcha con marcación power o predictiva y comparte agentes con esta campaña: Demo agent 1001.', { exact: false }).waitFor();
    expect(await page.getByLabel('Modo de marcación').first().getAttribute('aria-invalid')).toBe('true');
    // Saved from the bottom of the form, the refusal is brought into view: the dial mode field is on screen.
    // (The scroll runs in an effect after the error renders: polled for a moment, not read once.)
    const onScreen = async () => {
      const box = await page.getByLabel('Modo de marcación').first().boundingBox();
      return box !== null && box.y >= 0 && box.y + box.height <= page.viewportSize()!.height;
    };
    await until(onScreen, 3_000, 'the dial mode field on screen').catch(async () => {
      throw new Error(`the dial mode field is off screen: ${JSON.stringify(await page.getByLabel('Modo de marcación').first().boundingBox())}`);
    });
    if (process.env['FORM_ERRORS_SCREENSHOT_DIR']) await page.screenshot({ path: join(process.env['FORM_ERRORS_SCREENSHOT_DIR'], 'campaign-edit-refused-es.png') });
    expect((await rig.api('GET', `/api/campaigns/${west}`)).json.dialMode).toBe('progressive');
    await context.close();
  }, 60_000);
});
