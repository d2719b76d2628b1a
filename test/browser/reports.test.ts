/**
 * The detailed reports on the Reports screen (supervisors and admins), in Spanish: campaign results from seeded
 * CallLogs as a table and a chart, another report type picked, and the PDF downloaded through the button. A
 * screenshot is written to $TMPDIR/centralita-report-pdf/reports-screen-es.png for people to look at.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
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
      // Talk (the last column) as m:ss like the tiles, never seconds with decimals.
      expect(text).toMatch(/Primavera(\s+[\d.,]+){10}\s+\d+:\d\d\s*$/m);
      expect(await panel.locator('canvas').count()).toBe(1);
      await page.screenshot({ path: join(OUT, 'reports-screen-es.png'), fullPage: true });
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
});
