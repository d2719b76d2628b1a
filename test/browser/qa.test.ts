/**
 * QA on the embedded PBX: a campaign that records places a call to a person (+1555011xxxx) that a simulated agent
 * phone answers; the bridge is recorded, fetched, transcoded and its peaks computed (the real recorder, real
 * ffmpeg). A supervisor opens the recording, plays it (the audio's currentTime advances), seeks with the keyboard
 * (it jumps), changes the speed, sees the AMD trace chart, scores the call with a scorecard, and the score shows in
 * the agent's averages. No critical axe violation, no CSP violation (wavesurfer's shadow-root <style> carries
 * the page's nonce).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, createCampaign, cspViolations, launchBrowser, loginUi, newPage, startRig, until, untilAgentFree, USER_PASSWORD, type ProductRig } from './support.js';

let rig: ProductRig;
let browser: Browser;
let page: Page;
let callId: string;
let scorecardId: string;
/** CSP reports caused by axe's own run (see below), not by the app. */
let axeCsp = 0;

/** What the page's <audio> element says (typed here: this file has no DOM typings). */
interface MediaLike { currentTime: number; paused: boolean; playbackRate: number; duration: number; getAttribute(n: string): string | null }
const audioState = (p: Page) =>
  p.getByTestId('recording-audio').evaluate((el) => {
    const a = el as unknown as MediaLike;
    return { t: a.currentTime, paused: a.paused, rate: a.playbackRate, src: a.getAttribute('src') ?? '', d: a.duration };
  });

beforeAll(async () => {
  [rig, browser] = await Promise.all([startRig({ SIM_SEED: '11' }), launchBrowser()]);
  // Only our campaign and one simulated agent phone (it answers by itself).
  expect((await rig.api('POST', '/api/campaigns/demo/pause')).status).toBe(200);
  for (const ext of ['1002', '1003', '1004', '1005']) expect((await rig.api('POST', `/api/agents/agent-${ext}/logout`)).status).toBe(200);
  // Agent 1001 may already hold a demo call (20–120 s of talk): ended, so our call is not queued behind it.
  await untilAgentFree(rig, 'agent-1001', 45_000);
  expect((await rig.api('POST', '/api/users', { username: 'sofia', password: USER_PASSWORD, role: 'supervisor' })).status).toBe(201);
  const campaignId = await createCampaign(rig, 'Quality', { recording: true });
  expect((await rig.api('PATCH', '/api/agents/agent-1001', { campaign_ids: [campaignId] })).status).toBe(200);
  const card = await rig.api('POST', '/api/qa/scorecards', {
    name: 'Standard call',
    criteria: [
      { id: 'greeting', label: 'Greets and identifies', type: 'yesno', weight: 1 },
      { id: 'tone', label: 'Tone and courtesy', type: 'scale5', weight: 1 },
    ],
  });
  expect(card.status).toBe(201);
  scorecardId = card.json.id;
  // The call: dialed when the campaign starts, answered by a person after 1–8 s, AMD says human, bridged to agent 1001 (recording
  // starts); hung up after ~12 s of talk so the file is long enough to seek in.
  // The simulator's human range is fictional (the importer and test calls refuse it): the lead goes into the store.
  rig.product.store.leads.insertMany([{ campaignId, phoneE164: '+15550110042', phoneRaw: '555 011 0042', name: 'Lucía Pérez', city: 'San José', custom: {} }], Date.now());
  expect((await rig.api('POST', `/api/campaigns/${campaignId}/start`)).status).toBe(200);
  // Listed 11.6 s after the start in one run beside a CI rehearsal (agent 1001 reserved at once; the person answers
  // after 1-8 s, then AMD); a clean-clone rehearsal beside other work gave up here at 45 s, most likely queued behind a
  // demo call agent 1001 held (ended above since; agent-console failed the same way in CI).
  await until(async () => (callId = (await rig.api('GET', `/api/calls?campaign_id=${campaignId}&limit=1`)).json.items[0]?.id) !== undefined, 90_000, 'the call');
  await until(async () => (await rig.api('GET', `/api/calls/${callId}`)).json.bridgedAt !== null, 25_000, 'the bridge');
  await new Promise((r) => setTimeout(r, 11_000));
  expect((await rig.api('POST', `/api/calls/${callId}/hangup`)).status).toBe(202);
  await until(async () => (await rig.api('GET', `/api/recordings/${callId}`)).json?.state === 'ready', 20_000, 'the recording to be ready');
  ({ page } = await newPage(browser));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
});

describe('QA screen (supervisor)', () => {
  it('lists the recording, plays it, seeks, changes speed and shows the AMD trace', async () => {
    await loginUi(page, rig.base, 'sofia', USER_PASSWORD);
    await page.getByRole('link', { name: 'Recordings' }).click();
    await page.getByTestId('recordings-table').waitFor();
    const row = page.getByTestId('recordings-table').locator('tbody tr').first();
    expect((await row.innerText()).toLowerCase()).toContain('ready');
    await row.getByRole('link').click();
    await page.getByTestId('recording-audio').waitFor({ state: 'attached' });
    // The src is a signed URL (user, expiry, signature), never a bearer token.
    const { src } = await audioState(page);
    expect(src).toMatch(new RegExp(`^/api/recordings/${callId}/audio\\?u=[^&]+&exp=\\d+&part=call&dl=0&sig=`));
    // Checked against the session's own tokens, not a pattern: the signature is random base64url and once held
    // "EYj", which a case-insensitive /eyJ/ took for a JWT (CI stop 24).
    const tokens = await page.evaluate(() => {
      const storage = (globalThis as unknown as { localStorage: { getItem(k: string): string | null } }).localStorage;
      const s = JSON.parse(storage.getItem('centralita.session') ?? '{}') as { accessToken?: string; refreshToken?: string };
      return [s.accessToken, s.refreshToken];
    });
    expect(tokens.every((t) => typeof t === 'string' && t.length > 20)).toBe(true);
    const query = new URLSearchParams(src.split('?')[1]);
    expect([...query.keys()]).toEqual(['u', 'exp', 'part', 'dl', 'sig']);
    for (const t of tokens) expect(src).not.toContain(t as string);
    // The waveform drew the API's peaks (wavesurfer's canvas in its shadow root).
    await until(async () => page.getByTestId('waveform').evaluate((el) => (el.firstElementChild?.shadowRoot?.querySelectorAll('canvas').length ?? 0) > 0), 10_000, 'the waveform');
    await until(async () => Number.isFinite((await audioState(page)).d) && (await audioState(page)).d > 5, 10_000, 'the audio metadata');

    await page.getByTestId('play-toggle').click();
    const t0 = (await audioState(page)).t;
    await until(async () => (await audioState(page)).t > t0 + 0.5, 8_000, 'currentTime to advance');
    expect((await audioState(page)).paused).toBe(false);
    expect(await page.getByTestId('play-toggle').getAttribute('aria-label')).toBe('Pause');

    // Keyboard: → seeks 5 s forward (focus on the page body, not a field).
    await page.locator('h1').click();
    const before = (await audioState(page)).t;
    await page.keyboard.press('ArrowRight');
    await until(async () => (await audioState(page)).t >= before + 4.5, 5_000, 'the seek forward');
    const after = (await audioState(page)).t;
    await page.keyboard.press('ArrowLeft');
    await until(async () => (await audioState(page)).t <= after - 4, 5_000, 'the seek back');
    await page.keyboard.press(' ');
    await until(async () => (await audioState(page)).paused, 5_000, 'space to pause');

    await page.getByTestId('speed').getByText('1.5×').click();
    expect((await audioState(page)).rate).toBe(1.5);

    // The AMD trace: a chart (a canvas) with the decision and its cause.
    await page.getByTestId('amd-chart').locator('canvas').waitFor();
    expect(await page.getByTestId('amd-decision').innerText()).toMatch(/Person — cause \S+, decided at \d+ ms/);
    // CSP first: axe itself copies shadow-root <style> text into new <style> elements (no nonce) to read them,
    // which the page's CSP rightly reports; those come after this point and are not the app's.
    expect(await cspViolations(page)).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    axeCsp = (await cspViolations(page)).length;
  }, 40_000);

  it('scores the call; the score shows on the call and in the agent’s averages', async () => {
    expect(await page.getByRole('combobox', { name: 'Scorecard' }).inputValue()).toBe('Standard call');
    await page.getByTestId('answer-greeting').getByText('Yes').click();
    await page.getByTestId('answer-tone').getByText('4', { exact: true }).click();
    await page.getByLabel('Notes').fill('Good opening');
    await page.getByTestId('score-save').click();
    await page.getByTestId('score-saved').waitFor();
    // yes (1/1) and 4 of 5 on a 1–5 scale, equal weights.
    const percent = await page.getByTestId('score-percent').first().innerText();
    expect(percent).toMatch(/^\d+ %$/);
    expect(await page.getByTestId('scores-list').innerText()).toContain('Good opening');
    const now = Date.now();
    const avg = await rig.api('GET', `/api/qa/averages?by=agent&period=day&from=${new Date(now - 86_400_000).toISOString()}&to=${new Date(now + 86_400_000).toISOString()}&key=agent-1001`);
    expect(avg.status).toBe(200);
    expect(avg.json.items).toHaveLength(1);
    expect(avg.json.items[0]).toMatchObject({ key: 'agent-1001', scores: 1 });
    expect(`${Math.round(avg.json.items[0].average)} %`).toBe(percent);
    const scores = await rig.api('GET', `/api/recordings/${callId}/scores`);
    expect(scores.json.items[0]).toMatchObject({ scorecardId, notes: 'Good opening', answers: { greeting: 1, tone: 4 } });
    expect((await cspViolations(page)).slice(axeCsp)).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    // QA_SCREENSHOT=/path.png keeps a picture of the player with a real recording (for people to look at).
    if (process.env['QA_SCREENSHOT']) await page.screenshot({ path: process.env['QA_SCREENSHOT'], fullPage: true });
  }, 20_000);
});
