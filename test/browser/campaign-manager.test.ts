/**
 * A campaign manager creates a campaign (a bad setting is named next to its field), imports a CSV with bad rows
 * through the column-mapping preview, sees the rejected rows and downloads them as a report, then starts the
 * campaign and the engine dials its leads on the embedded PBX.
 */
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, cspViolations, launchBrowser, loginUi, newPage, startRig, until, USER_PASSWORD, type ProductRig } from './support.js';

let rig: ProductRig;
let browser: Browser;
let page: Page;
let campaignId: string;

const CSV = [
  'Teléfono,Nombre,Ciudad,Plan',
  '+14155552671,Ana Ruiz,San Francisco,Gold',
  '12345,Bad Number,Nowhere,Silver',
  '+12125550123,Carlos Díaz,New York,Gold',
  ',No Phone,Boston,Bronze',
  '+14155550199,Eva Soto,Oakland,Silver',
].join('\n');

beforeAll(async () => {
  [rig, browser] = await Promise.all([startRig(), launchBrowser()]);
  // The demo campaign's simulated agents serve every campaign; pausing it leaves them to ours.
  expect((await rig.api('POST', '/api/campaigns/demo/pause')).status).toBe(200);
  expect((await rig.api('POST', '/api/users', { username: 'marta', password: USER_PASSWORD, role: 'supervisor' })).status).toBe(201);
  ({ page } = await newPage(browser));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
});

describe('campaign manager', () => {
  it('creates a campaign; an invalid setting is explained next to its field', async () => {
    await loginUi(page, rig.base, 'marta', USER_PASSWORD, '/campaigns');
    await page.getByRole('link', { name: 'New campaign' }).click();
    await page.getByLabel('Name').fill('Summer renewals');
    await page.getByLabel('Dial string').fill('PJSIP/trunk');
    await page.getByLabel('Calling hours start').fill('00:00');
    await page.getByLabel('Calling hours end').fill('24:00');
    await page.getByLabel('Default time zone').fill('America/New_York');
    await page.getByLabel('Default country (ISO)').fill('US');
    await page.getByLabel('Sun').check();
    await page.getByRole('button', { name: 'Save' }).click();
    const field = page.getByLabel('Dial string');
    await until(async () => (await field.getAttribute('aria-invalid')) === 'true', 10_000, 'the dial string to be flagged');
    // The API names the rule (params.rule dial_placeholder_missing); the web words it (web/src/api/problems.ts).
    expect(await page.getByText('Must contain {e164}, {digits} or {national}', { exact: true }).count()).toBe(1);
    expect(await axeViolations(page)).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);
    await field.fill('PJSIP/{e164}@trunk');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('campaign-state').waitFor();
    campaignId = new URL(page.url()).pathname.split('/').pop()!;
    expect(await page.getByTestId('campaign-state').innerText()).toMatch(/draft/i);
  }, 60_000);

  it('imports a CSV with bad rows: mapping preview, progress, rejected rows shown and downloadable', async () => {
    await page.getByRole('link', { name: 'Import leads' }).click();
    await page.locator('input[type=file]').setInputFiles({ name: 'leads.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    await page.getByTestId('mapping-preview').waitFor();
    // Spanish headers are recognised: Teléfono → phone, Nombre → name, Ciudad → city; Plan stays a custom field.
    expect(await page.getByTestId('mapping-preview').innerText()).toContain('Ana Ruiz');
    expect(await page.getByLabel('Phone', { exact: true }).first().inputValue()).toBe('Teléfono');
    expect(await page.getByLabel('City', { exact: true }).first().inputValue()).toBe('Ciudad');
    await page.getByRole('button', { name: 'Import', exact: true }).click();
    await until(async () => (await page.getByTestId('import-state').innerText()).toLowerCase() === 'finished', 20_000, 'the import to finish');
    expect(await page.getByTestId('import-accepted').innerText()).toContain('3');
    expect(await page.getByTestId('import-rejected').innerText()).toContain('2');
    const rejected = await page.getByTestId('rejected-rows').innerText();
    expect(rejected).toMatch(/^3\s/m); // line 3: the invalid number (the header is line 1)
    expect(rejected).toMatch(/^5\s/m); // line 5: no phone
    expect(await axeViolations(page)).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download rejected rows (CSV)' }).click()]);
    const report = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(report[0]).toBe('line,reason');
    expect(report.slice(1).map((l) => l.split(',')[0])).toEqual(['3', '5']);
  }, 60_000);

  it('starts the campaign after confirming, and the engine dials its leads', async () => {
    await page.getByRole('link', { name: 'Go to the campaign' }).click();
    await page.getByTestId('lead-counts').waitFor();
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.getByTestId('confirm-command').waitFor();
    // Watch the confirm button's name through the modal's closing transition: it must never be blank.
    await page.evaluate(`(() => {
      window.blankConfirm = 0;
      const check = () => {
        const b = document.querySelector('[data-testid="confirm-command"]');
        if (b && (b.textContent ?? '').trim() === '') window.blankConfirm++;
      };
      new MutationObserver(check).observe(document.body, { subtree: true, childList: true, characterData: true });
    })()`);
    await page.getByTestId('confirm-command').click();
    await until(async () => /running/i.test(await page.getByTestId('campaign-state').innerText()), 10_000, 'running state');
    await page.getByTestId('confirm-command').waitFor({ state: 'detached' });
    expect(await page.evaluate('window.blankConfirm')).toBe(0);
    expect(rig.product.store.campaigns.get(campaignId)?.state).toBe('running');
    await until(() => rig.product.store.callLogs.list({ campaignId, limit: 10 }).length > 0, 20_000, 'a call of the new campaign');
    expect(await axeViolations(page)).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);
  }, 60_000);
});
