/**
 * Roles in the browser: an agent who opens the admin or wallboard screens is sent back to the console with a
 * notice, and the API refuses the same data (403). An expired session returns to login and, after signing in
 * again, to the page it was on. The generated first admin must choose a password before anything else. The call
 * history a manager reads in Spanish shows all its columns at 1280 px, no sideways scroll, and finds a call by the digits
 * of its number.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, axeViolations, launchBrowser, loginUi, newPage, startRig, until, USER_PASSWORD, type ProductRig } from './support.js';

let rig: ProductRig;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  [rig, browser] = await Promise.all([startRig(), launchBrowser()]);
  const ana = await rig.api('POST', '/api/users', { username: 'ana', password: USER_PASSWORD, role: 'agent' });
  expect(ana.status).toBe(201);
  expect((await rig.api('PATCH', '/api/agents/agent-1001', { user_id: ana.json.id })).status).toBe(200);
  ({ page } = await newPage(browser));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
});

describe('roles and sessions', () => {
  it('an agent cannot open the admin or wallboard screens: redirected, and the API says 403', async () => {
    await loginUi(page, rig.base, 'ana', USER_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/agent');
    // The navigation offers neither.
    expect(await page.getByRole('link', { name: 'Wallboard' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Users' }).count()).toBe(0);
    for (const path of ['/admin/users', '/wallboard', '/admin/audit']) {
      await page.goto(`${rig.base}${path}`);
      await page.waitForURL((u) => u.pathname === '/agent');
      await page.getByText('Your role cannot open').first().waitFor();
    }
    const token = await rig.login('ana', USER_PASSWORD);
    expect((await rig.api('GET', '/api/users', undefined, token)).status).toBe(403);
    expect((await rig.api('GET', '/api/wallboard', undefined, token)).status).toBe(403);
    expect((await rig.api('GET', '/api/audit', undefined, token)).status).toBe(403);
    expect(await axeViolations(page)).toEqual([]);
  }, 60_000);

  it('an expired session goes back to login and then to the page it was on', async () => {
    await page.goto(`${rig.base}/calls`);
    await page.getByRole('heading', { name: 'Calls' }).waitFor();
    // Both tokens die (as after a long absence): the next request cannot be refreshed.
    await page.evaluate(`(() => {
      const s = JSON.parse(localStorage.getItem('centralita.session'));
      localStorage.setItem('centralita.session', JSON.stringify({ ...s, accessToken: 'expired.token.x', refreshToken: 'rt_gone', expiresAt: Date.now() + 3600000 }));
    })()`);
    await page.reload();
    await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === '/calls');
    await page.getByText('Your session expired').waitFor();
    await page.locator('input[name=username]').fill('ana');
    await page.locator('input[name=password]').fill(USER_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => u.pathname === '/calls');
  }, 30_000);

  it('admins see the administration screens', async () => {
    const { page: admin, context } = await newPage(browser, { lang: 'es' });
    try {
      await loginUi(admin, rig.base, 'admin', ADMIN_PASSWORD, '/admin/users');
      await admin.getByTestId('users-table').waitFor();
      expect(await admin.getByTestId('users-table').innerText()).toContain('ana');
      expect(await admin.getByRole('heading', { level: 1 }).innerText()).toBe('Usuarios');
      await admin.getByRole('link', { name: 'Registro de auditoría' }).click();
      await until(async () => (await admin.getByTestId('audit-table').count()) === 1, 10_000, 'the audit log');
      expect(await admin.getByTestId('audit-table').innerText()).toContain('user.create');
      expect(await axeViolations(admin)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 30_000);

  it('the call history shows all its columns at 1280 px in Spanish, the longest results included, and finds calls by phone digits', async () => {
    const { page: es, context } = await newPage(browser, { lang: 'es' });
    try {
      // The demo campaign's calls, each given the longest Spanish wordings (result, detection, outcome) and an hour
      // of talk: the layout must hold for any of them, whatever the demo happened to dial.
      await es.route(/\/api\/calls\?/, async (route) => {
        const res = await route.fetch();
        const body = (await res.json()) as { items: Array<Record<string, unknown>> };
        body.items = body.items.map((c) => ({ ...c, disposition: 'HUNG_UP_DURING_AMD', amdStatus: 'MACHINE', outcome: 'wrong_number', talkMs: 3_725_000 }));
        await route.fulfill({ response: res, json: body });
      });
      await loginUi(es, rig.base, 'admin', ADMIN_PASSWORD, '/calls');
      const table = es.getByTestId('calls-table');
      await until(async () => (await table.count()) === 1 && (await table.innerText()).includes('Colgó durante la detección'), 30_000, 'calls in the list');
      expect(es.viewportSize()?.width).toBe(1280);
      const widths = (await es.evaluate(`(() => {
        const table = document.querySelector('[data-testid=calls-table]');
        const box = table.closest('.mantine-TableScrollContainer-scrollContainer') ?? table.parentElement;
        return { table: table.scrollWidth, box: box.clientWidth, ths: [...table.querySelectorAll('th')].map((th) => th.textContent + ':' + Math.round(th.getBoundingClientRect().width)) };
      })()`)) as { table: number; box: number; ths: string[] };
      expect(widths.table, JSON.stringify(widths)).toBeLessThanOrEqual(widths.box + 1);
      expect(widths.ths.map((th) => th.split(':')[0])).toEqual(['Cuándo', 'Teléfono', 'Campaña', 'Agente', 'Resultado', 'Detección', 'Tipificación', 'Conversación']);
      expect(await axeViolations(es)).toEqual([]);
      if (process.env['CALLS_SCREENSHOT_DIR']) await es.screenshot({ path: `${process.env['CALLS_SCREENSHOT_DIR']}/calls-longest-es.png` });

      // Found by the digits of its number, typed as people write them: the API is asked for those digits.
      const phone = (await table.locator('tbody tr').first().locator('td').nth(1).innerText()).trim();
      const digits = phone.replace(/\D/g, '').slice(-8);
      const asked = es.waitForRequest((r) => new URL(r.url()).pathname === '/api/calls' && new URL(r.url()).searchParams.get('phone') === digits);
      await es.getByTestId('call-phone-filter').fill(`${digits.slice(0, 4)}-${digits.slice(4)}`);
      await asked;
      await until(async () => {
        const rows = await table.locator('tbody tr').allInnerTexts();
        return rows.length > 0 && rows.every((r) => r.replace(/\D/g, '').includes(digits));
      }, 15_000, `only calls of ${phone}`);
      await es.getByTestId('call-phone-filter').fill('84a');
      await es.getByText('Solo dígitos, espacios y + ( ) . -').waitFor();
      expect(await axeViolations(es)).toEqual([]);
      if (process.env['CALLS_SCREENSHOT_DIR']) await es.screenshot({ path: `${process.env['CALLS_SCREENSHOT_DIR']}/calls-phone-es.png` });
    } finally {
      await context.close();
    }
  }, 60_000);
});
