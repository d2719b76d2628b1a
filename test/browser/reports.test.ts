/**
 * The detailed reports on the Reports screen (supervisors and admins), in Spanish: campaign results from seeded
 * CallLogs as a table and a chart, another report type picked, and the PDF downloaded through the button. A
 * screenshot is written to $TMPDIR/centralita-report-pdf/reports-screen-{es,en}.png for people to look at. At
 * 1280 px the 12-column campaigns table fits its card in both languages: no sideways scroll of the page nor the table.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, axeViolations, launchBrowser, loginUi, newPage, startRig, type ProductRig } from './support.js';

let rig: ProductRig;
let browser: Browser;
const OUT = join(tmpdir(), 'centralita-report-pdf');

beforeAll(async () => {
  [rig, browser] = await Promise.all([startRig(), launchBrowser()]);
  mkdirSync(OUT, { recursive: true });
  const s = rig.product.store;
  const now = Date.now();
  const campaignId = 'c-report';
  s.campaigns.create(campaignId, { name: 'Primavera', dialMode: 'predictive' }, now);
  const mk = (n: string, disposition: 'ANSWERED_HUMAN' | 'MACHINE' | 'DROPPED', ago: number): void => {
    s.callLogs.create({ id: n, campaignId, leadId: null, phone: '+15550110001', nodeId: 'n', at: now - ago });
    s.callLogs.end(n, { disposition, hangupCause: 16, at: now - ago + 10_000 });
  };
  mk('r1', 'ANSWERED_HUMAN', 3_600_000);
  mk('r2', 'MACHINE', 3_500_000);
  mk('r3', 'DROPPED', 3_400_000);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
});

describe('Reports screen: detailed reports', () => {
  it('shows campaign results as a table and chart, switches type, downloads the PDF', async () => {
    const { page, context } = await newPage(browser, { lang: 'es' });
    try {
      await loginUi(page, rig.base, 'admin', ADMIN_PASSWORD, '/reports');
      const panel = page.getByTestId('call-reports');
      await panel.getByRole('heading', { name: 'Informes detallados' }).waitFor();
      await panel.getByText('Campañas', { exact: true }).click();
      await panel.getByTestId('call-report-table').getByText('Primavera').waitFor();
      const text = await panel.getByTestId('call-report-table').innerText();
      expect(text).toContain('Éxito %');
      expect(text).toMatch(/Primavera\s+3\s+2\s+1\s+1\s+1/);
      // Percentages with the Spanish decimal comma: abandon 50,0, success 33,3.
      expect(text).toMatch(/Primavera(\s+\d+){8}\s+50,0\s+33,3\s/);
      // Talk (the last column) as m:ss like the tiles, never seconds with decimals.
      expect(text).toMatch(/Primavera(\s+[\d.,]+){10}\s+\d+:\d\d\s*$/m);
      expect(await panel.locator('canvas').count()).toBe(1);
      // At 1280 px in Spanish (long headers, 12 columns) neither the page nor the table scrolls sideways.
      await page.evaluate('window.scrollTo(0, 0)');
      await page.screenshot({ path: join(OUT, 'reports-screen-es.png'), fullPage: true });
      await expectFits(page);
      const download = page.waitForEvent('download');
      await panel.getByRole('button', { name: 'Descargar PDF' }).click();
      const file = await download;
      expect(file.suggestedFilename()).toBe('campaigns-es.pdf');
      await panel.getByText('Disposiciones', { exact: true }).click();
      await panel.getByTestId('call-report-table').getByText('Contestador').waitFor();
      expect(await axeViolations(page)).toEqual([]);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('English at 1280 px: the campaigns table fits its card too', async () => {
    const { page, context } = await newPage(browser, { lang: 'en', width: 1280 });
    try {
      await loginUi(page, rig.base, 'admin', ADMIN_PASSWORD, '/reports');
      const panel = page.getByTestId('call-reports');
      await panel.getByRole('heading', { name: 'Detailed reports' }).waitFor();
      await panel.getByText('Campaigns', { exact: true }).click();
      await panel.getByTestId('call-report-table').getByText('Primavera').waitFor();
      expect(await panel.getByTestId('call-report-table').innerText()).toMatch(/Primavera\s+3\s+2\s+1\s+1\s+1\s+0\s+0\s+0\s+50\.0\s+33\.3\s+0:\d\d/);
      await page.screenshot({ path: join(OUT, 'reports-screen-en.png'), fullPage: true });
      await expectFits(page);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('the campaigns read by one screen serve the next: Campaigns, then the reports filter; reports, then Campaigns', async () => {
    const { page, context } = await newPage(browser, { lang: 'en', width: 1280 });
    try {
      // Two screens used to cache different shapes under one query key: whichever came second got the other's.
      await loginUi(page, rig.base, 'admin', ADMIN_PASSWORD, '/campaigns');
      await page.getByRole('main').getByText('Primavera').first().waitFor();
      await page.getByRole('link', { name: 'Reports' }).click();
      await page.getByTestId('call-reports').getByLabel('Campaign', { exact: true }).click();
      await page.getByRole('option', { name: 'Primavera' }).waitFor({ timeout: 5_000 });
      await page.keyboard.press('Escape');
      await page.getByRole('link', { name: 'Campaigns' }).click();
      await page.getByRole('main').getByText('Primavera').first().waitFor({ timeout: 5_000 });
      expect(await page.getByRole('main').getByText('Primavera').count()).toBeGreaterThan(0);
    } finally {
      await context.close();
    }
  }, 60_000);
});

/**
 * The page never scrolls sideways (no element of the report card reaches past the viewport) and the report table
 * fits its card; the widths (and each header's) say which column is too wide when it does not.
 */
async function expectFits(page: Page): Promise<void> {
  expect(page.viewportSize()?.width).toBe(1280);
  // Run in the page (a string: the test project's types have no DOM).
  const widths = (await page.evaluate(`(() => {
    const doc = document.documentElement;
    const wide = [...document.querySelectorAll('[data-testid=call-reports] *')]
      .filter((e) => e.getBoundingClientRect().right > doc.clientWidth + 1)
      .slice(0, 3)
      .map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right));
    const table = document.querySelector('[data-testid=call-report-table]');
    const ths = [...table.querySelectorAll('th')].map((th) => th.textContent + ':' + Math.round(th.getBoundingClientRect().width));
    return { page: doc.scrollWidth, view: doc.clientWidth, table: table.scrollWidth, box: table.parentElement.clientWidth, wide, ths };
  })()`)) as { page: number; view: number; table: number; box: number; wide: string[]; ths: string[] };
  expect(widths, JSON.stringify(widths)).toMatchObject({ page: widths.view, wide: [] });
  expect(widths.table, JSON.stringify(widths)).toBeLessThanOrEqual(widths.box + 1);
}
