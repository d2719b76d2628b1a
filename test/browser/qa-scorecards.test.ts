/**
 * QA management in the browser: a supervisor builds a scorecard in the editor (sections, answer types, weights, a
 * critical item; the API's 422 shows on the item's field), edits it, and opens the calibration view where two
 * reviewers' scores of one call stand side by side with their spread; the recordings list fits a 1280 px screen
 * (no column cut off, long names wrap) and the wallboard shows the recordings' disk. en and es; no axe violation,
 * no CSP violation. The calls here are written straight into the store (the recording pipeline has its own tests).
 *
 * QA_SHOTS=/dir keeps screenshots of every screen (en and es, 1280 px) for people to look at.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { encodeWav } from '../../engine/audio/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, createCampaign, cspViolations, launchBrowser, loginUi, newPage, startRig, until, USER_PASSWORD, type ProductRig } from './support.js';

let rig: ProductRig;
let browser: Browser;
/** A long campaign name (the recordings list must still fit 1280 px) and its id. */
const CAMPAIGN = 'Renovaciones de seguros de hogar — cartera Madrid Norte';
let campaignId: string;
const SHOTS = process.env['QA_SHOTS'];
/** The scorecard editor's screenshots, always kept for people to look at. */
const OUT = join(tmpdir(), 'centralita-scorecards');
mkdirSync(OUT, { recursive: true });
const shot = async (page: Page, name: string) => {
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
};
const clean = async (page: Page) => {
  expect(await cspViolations(page)).toEqual([]);
  expect(await axeViolations(page)).toEqual([]);
};

/** A finished, recorded call of agent-1001 in `campaignId`, straight into the store. */
function seedCall(id: string, campaignId: string, at: number): void {
  const s = rig.product.store;
  s.callLogs.create({ id, campaignId, leadId: null, phone: '+34911234567', nodeId: 'n1', at });
  s.callLogs.markAnswered(id, at + 3000);
  s.callLogs.markAmd(id, { status: 'HUMAN', cause: 'HUMAN-700-900', decisionMs: 1200, at: at + 4200 });
  s.callLogs.markBridged(id, { agentId: 'agent-1001', at: at + 4500 });
  s.callLogs.end(id, { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: at + 190_000 });
  s.recordings.start({ callId: id, name: id, campaignId, agentId: 'agent-1001', bridgeId: 'b', at: at + 4500, nodeId: 'n1' });
  s.recordings.update(id, { state: 'ready', endedAt: at + 190_000, durationMs: 185_500 }, at + 191_000);
}

beforeAll(async () => {
  [rig, browser] = await Promise.all([startRig({ SIM_SEED: '12' }), launchBrowser()]);
  expect((await rig.api('POST', '/api/campaigns/demo/pause')).status).toBe(200);
  expect((await rig.api('POST', '/api/users', { username: 'sofia', password: USER_PASSWORD, role: 'supervisor' })).status).toBe(201);
  expect((await rig.api('POST', '/api/users', { username: 'marta', password: USER_PASSWORD, role: 'supervisor' })).status).toBe(201);
  // A long campaign name: the recordings list must still fit 1280 px.
  campaignId = await createCampaign(rig, CAMPAIGN, { recording: true });
  const now = Date.now();
  for (let i = 0; i < 3; i++) seedCall(`cal-call-${i}`, campaignId, now - (i + 1) * 600_000);
  // cal-call-1 with audio: 12 s of conversation, and a 3 s AMD window whose trace has a word from 0.4 to 1.2 s.
  const tone = (s: number, hz: number, on: (t: number) => boolean) => new Int16Array(8000 * s).map((_, i) => (on(i / 8000) ? Math.round(6000 * Math.sin((2 * Math.PI * hz * i) / 8000)) : 0));
  const wav = join(rig.dir, 'cal-call-1.wav');
  const amdWav = join(rig.dir, 'cal-call-1.amd.wav');
  writeFileSync(wav, encodeWav(tone(12, 440, () => true), { sampleRate: 8000 }));
  writeFileSync(amdWav, encodeWav(tone(3, 300, (t) => t >= 0.4 && t < 1.2), { sampleRate: 8000 }));
  const frameEnergy = Array.from({ length: 150 }, (_, i) => (i >= 20 && i < 60 ? 900 : 12));
  rig.product.store.recordings.update(
    'cal-call-1',
    {
      wavPath: wav,
      wavBytes: 192_044,
      durationMs: 12_000,
      peaks: Array.from({ length: 240 }, () => 0.7),
      peaksPerSecond: 20,
      amdWavPath: amdWav,
      amdTrace: { status: 'HUMAN', cause: 'HUMAN-800-900', decisionMs: 2100, frameEnergy, words: [{ startMs: 400, endMs: 1200 }], notes: ['short greeting, then silence'], decisionFrame: 105 },
    },
    now,
  );
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
});

describe('scorecards, calibration, recordings list, wallboard disk', () => {
  it('the editor builds a scorecard with sections and a critical item; a bad item shows the API’s problem on its field; editing keeps the items’ ids', async () => {
    const { page } = await newPage(browser);
    await loginUi(page, rig.base, 'sofia', USER_PASSWORD);
    await page.getByRole('link', { name: 'Scorecards' }).click();
    await page.getByText('No scorecards yet.').waitFor();
    await page.getByTestId('scorecard-new').click();
    await page.getByTestId('scorecard-name').fill('Outbound sales');
    await page.getByLabel('Section of item 1').fill('Compliance');
    await page.getByLabel('Item 1', { exact: true }).fill('Reads the recording notice');
    await page.getByTestId('critical-0').click();
    await page.getByTestId('add-item').click();
    await page.getByLabel('Section of item 2').fill('Opening');
    // Item 2's label left empty: the API refuses it, naming criteria.1.label; the editor shows it under that field.
    await page.locator('input[aria-label="Answer type of item 2"]').click();
    await page.getByRole('option', { name: 'Scale 1–5' }).click();
    await page.getByTestId('add-item').click();
    await page.getByLabel('Item 3', { exact: true }).fill('Script points covered');
    await page.locator('input[aria-label="Answer type of item 3"]').click();
    await page.getByRole('option', { name: 'Points' }).click();
    await page.getByLabel('Maximum points of item 3').fill('8');
    await page.getByLabel('Weight of item 3').fill('2');
    await page.getByTestId('scorecard-save').click();
    await page.getByTestId('scorecard-error').getByText('Check the fields marked in red.').waitFor();
    const labelField = page.getByLabel('Item 2', { exact: true });
    expect(await labelField.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('item-row-1').innerText()).toContain('Required');
    await labelField.fill('Tone and courtesy');
    // Filled in, the field no longer says "Required" (the API judged the empty value), nor the alert to check it.
    expect(await labelField.getAttribute('aria-invalid')).not.toBe('true');
    expect(await page.getByTestId('item-row-1').innerText()).not.toContain('Required');
    await page.getByTestId('scorecard-error').waitFor({ state: 'detached' });
    await page.screenshot({ path: join(OUT, 'scorecard-editor-en.png'), fullPage: true });
    await shot(page, 'scorecard-editor-en');
    await clean(page);
    await page.getByTestId('scorecard-save').click();
    await page.getByTestId('scorecard-editor').waitFor({ state: 'detached' });
    const cards = (await rig.api('GET', '/api/qa/scorecards')).json.items as Array<{ id: string; name: string; criteria: unknown[] }>;
    expect(cards).toHaveLength(1);
    expect(cards[0]!.criteria).toEqual([
      { id: 'item-1', label: 'Reads the recording notice', type: 'yesno', weight: 1, section: 'Compliance', critical: true },
      { id: 'item-2', label: 'Tone and courtesy', type: 'scale5', weight: 1, section: 'Opening' },
      { id: 'item-3', label: 'Script points covered', type: 'points', weight: 2, max: 8, section: 'Opening' },
    ]);
    const row = page.getByTestId('scorecards-table').locator('tbody tr').first();
    expect(await row.innerText()).toMatch(/Outbound sales[\s\S]*Compliance · Opening[\s\S]*3[\s\S]*1 critical/i);

    // Edit: move item 3 up, rename it; the ids stay (scores already given refer to them).
    await row.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Move item 3 up').click();
    await page.getByLabel('Item 2', { exact: true }).fill('Script points');
    await page.getByTestId('scorecard-save').click();
    await page.getByTestId('scorecard-editor').waitFor({ state: 'detached' });
    const edited = (await rig.api('GET', '/api/qa/scorecards')).json.items[0] as { criteria: Array<{ id: string; label: string }> };
    expect(edited.criteria.map((c) => [c.id, c.label])).toEqual([
      ['item-1', 'Reads the recording notice'],
      ['item-3', 'Script points'],
      ['item-2', 'Tone and courtesy'],
    ]);
    await shot(page, 'scorecards-en');
    await clean(page);
    await page.context().close();
  }, 60_000);

  it('Spanish: a field filled in after the API said "Obligatorio" loses the error; the other field keeps its own', async () => {
    const { page, context } = await newPage(browser, { lang: 'es', width: 1280 });
    try {
      await loginUi(page, rig.base, 'marta', USER_PASSWORD, '/qa/scorecards');
      await page.getByTestId('scorecard-new').click();
      // Name and item 1 empty: the API refuses both.
      await page.getByTestId('scorecard-save').click();
      await page.getByTestId('scorecard-error').getByText('Revise los campos marcados en rojo.').waitFor();
      const name = page.getByTestId('scorecard-name');
      const item = page.getByLabel('Punto 1', { exact: true });
      expect(await name.getAttribute('aria-invalid')).toBe('true');
      expect(await item.getAttribute('aria-invalid')).toBe('true');
      await name.fill('Atención al cliente');
      expect(await name.getAttribute('aria-invalid')).not.toBe('true');
      // Item 1 was not touched: still marked, and the alert stays while a field is still marked.
      expect(await item.getAttribute('aria-invalid')).toBe('true');
      expect(await page.getByTestId('item-row-0').innerText()).toContain('Obligatorio');
      await page.getByTestId('scorecard-error').waitFor();
      await page.screenshot({ path: join(OUT, 'scorecard-editor-es.png'), fullPage: true });
      await item.fill('Saluda por su nombre');
      expect(await item.getAttribute('aria-invalid')).not.toBe('true');
      await page.getByTestId('scorecard-error').waitFor({ state: 'detached' });
      await clean(page);
      await page.getByRole('button', { name: 'Cancelar' }).click();
    } finally {
      await context.close();
    }
  }, 60_000);

  it('calibration: two reviewers’ scores of one call side by side, per item and in total, with the spread', async () => {
    const card = (await rig.api('GET', '/api/qa/scorecards')).json.items[0] as { id: string };
    const sofia = await rig.login('sofia', USER_PASSWORD);
    const marta = await rig.login('marta', USER_PASSWORD);
    // sofia: notice yes, tone 5, 8/8 → 100 %. marta: notice yes, tone 3 (½), 4/8 (½) → (1 + ½·1 + ½·2)/4 = 62.5 %.
    const put = (token: string, answers: Record<string, number>, notes: string) =>
      rig.api('PUT', '/api/recordings/cal-call-0/scores', { scorecardId: card.id, answers, notes }, token);
    expect((await put(sofia, { 'item-1': 1, 'item-2': 5, 'item-3': 8 }, 'Textbook call')).status).toBe(200);
    expect((await put(marta, { 'item-1': 1, 'item-2': 3, 'item-3': 4 }, 'Rushed the close')).status).toBe(200);

    for (const lang of ['en', 'es'] as const) {
      const { page } = await newPage(browser, { lang });
      await loginUi(page, rig.base, 'sofia', USER_PASSWORD);
      await page.goto(`${rig.base}/qa/calibration`);
      const list = page.getByTestId('calibration-calls');
      await list.waitFor();
      expect(await list.locator('tbody tr').count()).toBe(1);
      expect(await list.locator('tbody tr').first().innerText()).toMatch(/cal-call-0[\s\S]*Outbound sales[\s\S]*2[\s\S]*37[.,]5 pt/i);
      await list.getByRole('button', { name: 'cal-call-0' }).click();
      const table = page.getByTestId('calibration-table');
      await table.waitFor();
      expect(await table.getByTestId('reviewer').allInnerTexts()).toEqual([expect.stringMatching(/^sofia/), expect.stringMatching(/^marta/)]);
      expect(await table.getByTestId('reviewer-total').allInnerTexts()).toEqual(lang === 'en' ? ['100.0 %', '62.5 %'] : ['100,0 %', '62,5 %']);
      expect((await table.getByTestId('total-spread').innerText()).toLowerCase()).toBe(lang === 'en' ? '37.5 pt' : '37,5 pt');
      // Per item: the notice agreed (0), the tone 5 vs 3 (50 points of its marks), the script 8/8 vs 4/8 (50).
      expect(await table.getByTestId('item-spread').allInnerTexts()).toEqual(['0 pt', '50 pt', '50 pt']);
      expect(await table.innerText()).toContain('Compliance'); // the section row (sections are the supervisor's words)
      expect(await table.innerText()).toMatch(/Textbook call[\s\S]*Rushed the close/);
      await shot(page, `calibration-${lang}`);
      await clean(page);
      if (lang === 'es') {
        await page.goto(`${rig.base}/qa/scorecards`);
        await page.getByTestId('scorecards-table').waitFor();
        await page.getByTestId('scorecard-new').click();
        await page.getByTestId('scorecard-editor').waitFor();
        expect(await page.getByTestId('scorecard-editor').getByRole('heading').first().innerText()).toBe('Nueva ficha de evaluación');
        await shot(page, 'scorecard-editor-es');
        await clean(page);
      }
      await page.context().close();
    }
  }, 60_000);

  it('the recordings list fits 1280 px in en and es: every column visible, nothing scrolls sideways', async () => {
    for (const lang of ['en', 'es'] as const) {
      const { page } = await newPage(browser, { lang, width: 1280 });
      await loginUi(page, rig.base, 'sofia', USER_PASSWORD);
      await page.goto(`${rig.base}/recordings`);
      const table = page.getByTestId('recordings-table');
      await table.waitFor();
      expect(await table.locator('tbody tr').count()).toBeGreaterThanOrEqual(3);
      // The table is no wider than its box, and the last column (State) is inside the viewport.
      const fit = await table.evaluate((el) => {
        const box = el.parentElement!.getBoundingClientRect();
        const last = el.querySelector('thead th:last-child')!.getBoundingClientRect();
        return { tableW: el.scrollWidth, boxW: Math.round(box.width), lastRight: Math.round(last.right), viewport: (el.ownerDocument.defaultView?.innerWidth ?? 0) };
      });
      expect(fit.tableW).toBeLessThanOrEqual(fit.boxW + 1);
      // No cell's text cut short with an ellipsis (the State badge's label truncates itself when squeezed).
      const cut = await table.locator('.mantine-Badge-label').evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent));
      expect(cut).toEqual([]);
      expect(fit.lastRight).toBeLessThanOrEqual(fit.viewport);
      expect(await table.locator('tbody tr').first().innerText()).toMatch(lang === 'en' ? /3:05[\s\S]*Ready/i : /3:05[\s\S]*Lista/i);
      await shot(page, `recordings-${lang}`);
      await clean(page);
      await page.context().close();
    }
  }, 60_000);

  it('the wallboard shows the recordings’ disk (used, free share) from the recorder’s figures', async () => {
    for (const lang of ['en', 'es'] as const) {
      const { page } = await newPage(browser, { lang, width: 1280 });
      await loginUi(page, rig.base, 'sofia', USER_PASSWORD);
      await page.goto(`${rig.base}/wallboard`);
      const tile = page.getByTestId('kpi-recordings-disk');
      await until(async () => (await tile.count()) > 0, 40_000, 'the recordings disk tile');
      expect(await tile.innerText()).toMatch(lang === 'en' ? /Recordings on disk\s+\d+([.,]\d)? [kMGT]?B\s+.* free \(\d+ %\)/ : /Grabaciones en disco\s+\d+([.,]\d)? [kMGT]?B\s+.* libres \(\d+ %\)/);
      await shot(page, `wallboard-${lang}`);
      await clean(page);
      await page.context().close();
    }
  }, 100_000);

  it('the AMD window plays with its trace right under its waveform, on the same time axis (en and es)', async () => {
    for (const lang of ['en', 'es'] as const) {
      const { page } = await newPage(browser, { lang, width: 1280 });
      await loginUi(page, rig.base, 'sofia', USER_PASSWORD);
      await page.goto(`${rig.base}/recordings/cal-call-1`);
      // The conversation first: its own waveform (12 s), the AMD trace in its panel on seconds after answer.
      await page.getByTestId('recording-audio').waitFor({ state: 'attached' });
      await page.getByTestId('amd-trace').waitFor();
      // The campaign by its name, not its id.
      await page.getByText(CAMPAIGN).waitFor();
      expect(await page.locator('main').innerText()).not.toContain(campaignId);
      await page.screenshot({ path: join(OUT, `recording-detail-${lang}.png`) });
      expect(await page.getByTestId('player').getByTestId('amd-chart').count()).toBe(0);
      await page.getByTestId('play-amd-window').click();
      // The AMD window: 3 s; the chart now sits inside the player, under the waveform.
      const chart = page.getByTestId('player').getByTestId('amd-chart');
      await chart.locator('canvas').waitFor();
      await until(async () => (await chart.getAttribute('data-plot')) !== null, 5000, 'the chart laid out');
      await until(async () => page.getByTestId('waveform').evaluate((el) => (el.firstElementChild?.shadowRoot?.querySelectorAll('canvas').length ?? 0) > 0), 10_000, 'the AMD window waveform');
      expect(await page.getByTestId('player-time').innerText()).toMatch(/0:00 \/ 0:03/);
      const edges = async (testId: string) => {
        const b = (await page.getByTestId('player').getByTestId(testId).boundingBox())!;
        return [Math.round(b.x), Math.round(b.x + b.width)];
      };
      const boxes = { wave: await edges('waveform'), chart: await edges('amd-chart'), plot: (await chart.getAttribute('data-plot'))!.split(',').map(Number) };
      // Same box as the waveform, and the plot spans it edge to edge: second t of the trace under second t of the audio.
      expect(Math.abs(boxes.chart[0]! - boxes.wave[0]!)).toBeLessThanOrEqual(1);
      expect(Math.abs(boxes.chart[1]! - boxes.wave[1]!)).toBeLessThanOrEqual(1);
      expect(boxes.plot[0]).toBeLessThanOrEqual(1);
      expect(Math.abs(boxes.plot[1]! - (boxes.chart[1]! - boxes.chart[0]!))).toBeLessThanOrEqual(1);
      expect(await page.getByTestId('amd-under-waveform').count()).toBe(1);
      await shot(page, `recording-amd-${lang}`);
      await clean(page);
      await page.context().close();
    }
  }, 60_000);
});
