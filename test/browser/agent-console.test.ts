/**
 * An agent's shift on the embedded PBX: log in, go ready, receive a human call (+1555011xxxx answers as a person)
 * with its lead card, watch the call timer run, disposition it with notes, hang up, and find the call in the
 * history with its timeline (dialed → ringing → answered → AMD → connected → ended, hung up by the agent).
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, cspViolations, createCampaign, launchBrowser, loginUi, newPage, startRig, until, USER_PASSWORD, type ProductRig } from './support.js';

let rig: ProductRig;
let browser: Browser;
let page: Page;
let campaignId: string;

beforeAll(async () => {
  [rig, browser] = await Promise.all([startRig({ SIM_SEED: '7' }), launchBrowser()]);
  // Only our agent and our campaign: the demo campaign pauses, the other simulated agents log out.
  expect((await rig.api('POST', '/api/campaigns/demo/pause')).status).toBe(200);
  for (const ext of ['1002', '1003', '1004', '1005']) expect((await rig.api('POST', `/api/agents/agent-${ext}/logout`)).status).toBe(200);
  const user = await rig.api('POST', '/api/users', { username: 'ana', password: USER_PASSWORD, role: 'agent', team: 'A' });
  expect(user.status).toBe(201);
  campaignId = await createCampaign(rig, 'Renewals');
  expect((await rig.api('PATCH', '/api/agents/agent-1001', { name: 'Ana Gómez', user_id: user.json.id, team: 'A', campaign_ids: [campaignId] })).status).toBe(200);
  expect((await rig.api('POST', '/api/agents/agent-1001/pause', { reason: 'break' })).status).toBe(200);
  // The simulator's human range (+1555011xxxx) is fictional, so the importer would refuse it as invalid: the lead
  // goes straight into the store (the import itself is the campaign manager's test).
  rig.product.store.leads.insertMany([{ campaignId, phoneE164: '+15550110042', phoneRaw: '555 011 0042', name: 'Lucía Pérez', city: 'San José', custom: { plan: 'Gold' } }], Date.now());
  ({ page } = await newPage(browser));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await rig?.close();
});

describe('agent console', () => {
  it('goes ready, gets the human call with its lead card, sees the timer run, dispositions and hangs up', async () => {
    await loginUi(page, rig.base, 'ana', USER_PASSWORD);
    expect(new URL(page.url()).pathname).toBe('/agent');
    await until(async () => (await page.getByTestId('agent-status').innerText()).toLowerCase() === 'paused', 10_000, 'paused state');
    await page.getByRole('button', { name: 'Ready', exact: true }).click();
    await until(async () => (await page.getByTestId('agent-status').innerText()).toLowerCase() === 'ready', 10_000, 'ready state');
    expect(await page.getByTestId('call-timer').innerText()).toBe('—');

    expect((await rig.api('POST', `/api/campaigns/${campaignId}/start`)).status).toBe(200);
    // Ring 1–8 s, "Hello?" and AMD's verdict, then the bridge: the lead card arrives with it.
    await page.getByTestId('lead-name').waitFor({ timeout: 40_000 });
    expect(await page.getByTestId('lead-name').innerText()).toBe('Lucía Pérez');
    expect(await page.getByTestId('lead-city').innerText()).toBe('San José');
    expect(await page.getByTestId('lead-card').innerText()).toContain('Gold');
    expect((await page.getByTestId('agent-status').innerText()).toLowerCase()).toBe('talking');

    const seconds = async () => {
      const [m, s] = (await page.getByTestId('call-timer').innerText()).split(':').map(Number);
      return m! * 60 + s!;
    };
    const t1 = await seconds();
    await until(async () => (await seconds()) >= t1 + 2, 6_000, 'the call timer to run');
    expect(await page.getByTestId('call-timer').locator('[data-level]').getAttribute('data-level')).toBe('green');
    expect(await axeViolations(page)).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Sale', exact: true }).click();
    await page.getByLabel('Notes').fill('Renewed the Gold plan');
    await page.getByTestId('save-disposition').click();
    await page.getByTestId('disposition-saved').waitFor();
    await page.getByRole('button', { name: 'Hang up' }).click();
    await until(async () => (await page.getByTestId('agent-status').innerText()).toLowerCase() === 'wrap-up', 15_000, 'wrap-up');
    await page.getByTestId('wrap-up-countdown').waitFor();
  }, 90_000);

  it('finds the call in the history and its timeline', async () => {
    await page.getByRole('link', { name: 'Calls' }).click();
    await page.getByTestId('calls-table').waitFor();
    const row = page.getByTestId('calls-table').locator('tbody tr').first();
    expect(await row.innerText()).toContain('Sale');
    await row.getByRole('link').click();
    await page.getByTestId('call-timeline').waitFor();
    for (const step of ['dialed', 'ringing', 'answered', 'amd', 'bridged', 'ended']) {
      await page.getByTestId(`timeline-${step}`).waitFor({ timeout: 10_000 });
    }
    expect(await page.getByTestId('timeline-amd').innerText()).toMatch(/Person — cause/);
    expect(await page.getByTestId('timeline-bridged').innerText()).toContain('Ana Gómez');
    expect(await page.getByTestId('timeline-ended').innerText()).toContain('Hung up by: the agent');
    expect(await page.getByTestId('call-outcome').innerText()).toBe('Sale');
    expect(await page.getByTestId('call-notes').innerText()).toContain('Renewed the Gold plan');
    expect(await axeViolations(page)).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);
  }, 30_000);
});
