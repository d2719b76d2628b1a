/**
 * An agent's shift on the embedded PBX: log in, go ready, receive a human call (+1555011xxxx answers as a person)
 * with its lead card, watch the call timer run, disposition it with notes, hang up, and find the call in the
 * history with its timeline (dialed → ringing → answered → AMD → connected → ended, hung up by the agent). A refused
 * hang-up is told in the agent's words. `AGENT_CONSOLE_SCREENSHOT_DIR` saves a screenshot of that notice there.
 */
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeViolations, cspViolations, createCampaign, launchBrowser, loginUi, newPage, startRig, until, untilAgentFree, USER_PASSWORD, type ProductRig } from './support.js';

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
  // The demo campaign dials from the start: on a slow machine our agent may have taken one of its calls before the
  // pause, and the console would then show that call (kept through wrap-up for its disposition). A simulated person
  // talks 20–120 s, longer than waiting is worth: the call is hung up as the agent would, then its wrap-up runs out.
  await untilAgentFree(rig, 'agent-1001', 45_000);
  const status = async () => ((await rig.api('GET', '/api/agents/agent-1001/state')).json as { status: string }).status;
  // Whatever a hung-up call left it as, the console test starts from a paused agent.
  if ((await status()) !== 'PAUSED') expect((await rig.api('POST', '/api/agents/agent-1001/pause', { reason: 'break' })).status).toBe(200);
  await until(async () => (await status()) === 'PAUSED', 10_000, 'agent-1001 paused');
  // The simulator's human range (+1555011xxxx) is fictional, so the importer would refuse it as invalid: the lead
  // goes straight into the store (the import itself is the campaign manager's test).
  rig.product.store.leads.insertMany([{ campaignId, phoneE164: '+15550110042', phoneRaw: '555 011 0042', name: 'Lucía Pérez', city: 'San José', custom: { plan: 'Gold' } }], Date.now());
  ({ page } = await newPage(browser));
}, 120_000);

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

    // The reservation can reach the console before its call's record is written: the first reads of the call answer
    // 404 here until the console has shown the reserved state, as the API does in that window.
    // Then the agent can turn TALKING before the record has its bridge time: the reads answer without it until the
    // timer has been seen running (the console must run it from the agent's state change, not show '—').
    let recordWritten = false;
    let bridgeWritten = false;
    await page.route(/\/api\/calls\/[^/?]+$/, async (route) => {
      if (!recordWritten) {
        return route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify({ error: { code: 'not_found', message: 'No call (not written yet)' } }) });
      }
      if (bridgeWritten) return route.continue();
      const response = await route.fetch();
      return route.fulfill({ response, json: { ...(await response.json()), bridgedAt: null } });
    });
    expect((await rig.api('POST', `/api/campaigns/${campaignId}/start`)).status).toBe(200);
    // Progressive dialling reserves the agent for the call while it rings and AMD listens (1–8 s of ring here):
    // the console shows the call as being dialled for them, not an error (its CallLog names them only at the bridge).
    await until(async () => (await page.getByTestId('agent-status').innerText()).toLowerCase() === 'reserved', 20_000, 'reserved state');
    await until(async () => (await page.getByTestId('call-state').count()) + (await page.getByText(/^No call /).count()) > 0, 10_000, 'the call or an error');
    if ((await page.getByTestId('agent-status').innerText()).toLowerCase() === 'reserved') {
      expect(await page.getByText(/^No call /).count()).toBe(0);
      expect(await page.getByTestId('call-state').innerText()).toBe('Dialling for you…');
    }
    recordWritten = true;
    // The lead card comes with the reservation, before the callee is on the line.
    await page.getByTestId('lead-name').waitFor({ timeout: 40_000 });
    expect(await page.getByTestId('lead-name').innerText()).toBe('Lucía Pérez');
    expect(await page.getByTestId('lead-city').innerText()).toBe('San José');
    expect(await page.getByTestId('lead-card').innerText()).toContain('Gold');
    // Ring, "Hello?" and AMD's verdict, then the bridge.
    await until(async () => (await page.getByTestId('agent-status').innerText()).toLowerCase() === 'talking', 40_000, 'talking state');
    await until(async () => (await page.getByTestId('call-state').innerText()) === 'On a call', 10_000, 'the call shown as on');

    const seconds = async () => {
      const [m, s] = (await page.getByTestId('call-timer').innerText()).split(':').map(Number);
      return m! * 60 + s!;
    };
    await until(async () => /^\d+:\d\d$/.test(await page.getByTestId('call-timer').innerText()), 3_000, 'the call timer to start');
    const t1 = await seconds();
    await until(async () => (await seconds()) >= t1 + 2, 6_000, 'the call timer to run');
    bridgeWritten = true;
    expect(await page.getByTestId('call-timer').locator('[data-level]').getAttribute('data-level')).toBe('green');
    expect(await axeViolations(page)).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);

    await page.getByRole('button', { name: 'Sale', exact: true }).click();
    await page.getByLabel('Notes').fill('Renewed the Gold plan');
    await page.getByTestId('save-disposition').click();
    await page.getByTestId('disposition-saved').waitFor();
    // A hang-up the owning node could not be asked to carry out (#18: 503 node_unreachable) is told in the agent's
    // words, with what to do, not the API's English; the call stays on and the next press ends it.
    const refusal = 'Call x belongs to node node-2, which could not be asked to hang it up: node node-2 is not listening';
    await page.route(/\/api\/calls\/[^/?]+\/hangup$/, (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ error: { code: 'node_unreachable', message: refusal } }) }),
    );
    await page.getByRole('button', { name: 'Hang up' }).click();
    await page.getByText('The server handling this call did not answer. The call may still be up: hang up at the phone.').waitFor({ timeout: 5_000 });
    expect(await page.getByText(refusal).count()).toBe(0);
    if (process.env['AGENT_CONSOLE_SCREENSHOT_DIR']) {
      await page.waitForTimeout(600); // the notice's slide-in, for the picture only
      await page.screenshot({ path: join(process.env['AGENT_CONSOLE_SCREENSHOT_DIR'], 'agent-hangup-refused-en.png') });
    }
    await page.unroute(/\/api\/calls\/[^/?]+\/hangup$/);
    expect(await page.getByTestId('call-state').innerText()).toBe('On a call');
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
    // The campaign by its name, not its id.
    expect(await page.getByTestId('call-campaign').innerText()).toBe('Renewals');
    expect(await page.getByTestId('call-notes').innerText()).toContain('Renewed the Gold plan');
    expect(await axeViolations(page)).toEqual([]);
    expect(await cspViolations(page)).toEqual([]);
  }, 30_000);
});
