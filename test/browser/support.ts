/**
 * Browser tests: the real product (engine on the embedded PBX, API, live feed, the built web app) in this process
 * on a free port with a temp SQLite file, and Debian's chromium driven by playwright-core (never a downloaded
 * browser). axe-core is injected into pages to check accessibility.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../engine/config/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { startProduct, type Product } from '../../app/index.js';

export const ADMIN_PASSWORD = 'browser-test-admin-password';
export const USER_PASSWORD = 'browser-test-user-password';

export interface ProductRig {
  product: Product;
  base: string;
  dir: string;
  port: number;
  /** Stops the product (the browser sees the server go away) and starts it again on the same port and file. */
  restart(pauseMs?: number): Promise<void>;
  close(): Promise<void>;
  /** A JSON API call as admin. */
  api<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: T }>;
  login(username: string, password: string): Promise<string>;
}

/** The product on the embedded PBX; `env` adds configuration (e.g. SIM_SEED). */
export async function startRig(env: Record<string, string> = {}): Promise<ProductRig> {
  const dir = mkdtempSync(join(tmpdir(), 'centralita-browser-'));
  const port = await freePort();
  const rtpBase = 20000 + Math.floor(Math.random() * 400) * 100;
  const config = loadConfig({
    DB_PATH: join(dir, 'c.db'),
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(port),
    RTP_PORT_MIN: String(rtpBase),
    RTP_PORT_MAX: String(rtpBase + 99),
    ADMIN_PASSWORD,
    // Fixed so sessions survive the restart in the reconnect test.
    JWT_SECRET: 'browser-tests-jwt-secret-0123456789abcdef',
    LOG_LEVEL: 'error',
    ...env,
  });
  let product = await startProduct(config, silentLogger);
  const base = `http://127.0.0.1:${port}`;
  let adminToken: string | undefined;
  const rig: ProductRig = {
    get product() {
      return product;
    },
    base,
    dir,
    port,
    async restart(pauseMs = 1500) {
      await product.close();
      await new Promise((r) => setTimeout(r, pauseMs));
      product = await startProduct(config, silentLogger);
    },
    async close() {
      await product.close();
      rmSync(dir, { recursive: true, force: true });
    },
    async login(username, password) {
      const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
      if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
      return ((await res.json()) as { access_token: string }).access_token;
    },
    async api(method, path, body, token) {
      adminToken ??= await rig.login('admin', ADMIN_PASSWORD);
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${token ?? adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : null };
    },
  };
  return rig;
}

import { freePort } from '../../app/web/index.js';

export { axeViolations, cspViolations, freePort, launchBrowser, loginUi, newPage, CHROMIUM, type AxeViolation } from '../../app/web/index.js';

/** Uploads a CSV to a campaign's lead import (multipart) and waits for the job to finish; returns the job. */
export async function importCsv(rig: ProductRig, campaignId: string, csv: string, mapping?: Record<string, string>): Promise<any> {
  const token = await rig.login('admin', ADMIN_PASSWORD);
  const form = new FormData();
  form.set('file', new Blob([csv], { type: 'text/csv' }), 'leads.csv');
  if (mapping) form.set('mapping', JSON.stringify(mapping));
  const res = await fetch(`${rig.base}/api/campaigns/${campaignId}/leads/import`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  if (res.status !== 202) throw new Error(`import: ${res.status} ${await res.text()}`);
  const { job_id } = (await res.json()) as { job_id: string };
  for (let i = 0; i < 100; i++) {
    const job = await rig.api('GET', `/api/import-jobs/${job_id}`);
    if (job.json.state === 'done' || job.json.state === 'failed') return job.json;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('import did not finish');
}

/** A campaign that dials at any hour on the embedded PBX (US numbers, simulator trunk). */
export async function createCampaign(rig: ProductRig, name: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await rig.api('POST', '/api/campaigns', {
    name,
    dialMode: 'progressive',
    maxConcurrent: 2,
    dialStringTemplate: 'PJSIP/{e164}@trunk',
    callingHours: { start: '00:00', end: '24:00' },
    weekdays: [1, 2, 3, 4, 5, 6, 7],
    defaultCountry: 'US',
    defaultTimeZone: 'America/New_York',
    wrapUpS: 8,
    ...extra,
  });
  if (res.status !== 201) throw new Error(`campaign: ${res.status} ${JSON.stringify(res.json)}`);
  return res.json.id as string;
}

/**
 * Waits until the agent holds no call (ready, paused or logged out), hanging up as an admin each call it still has:
 * a call the demo campaign gave it before the test paused the demo would otherwise run the simulated person's whole
 * talk (20–120 s), and keep the agent from the test's own campaign or screen that long.
 */
export async function untilAgentFree(rig: ProductRig, agentId: string, timeoutMs: number): Promise<string[]> {
  const hungUp: string[] = [];
  await until(async () => {
    const s = (await rig.api('GET', `/api/agents/${agentId}/state`)).json as { status: string; calls: string[] } | null;
    if (s === null) return false;
    for (const callId of s.calls) {
      if (hungUp.includes(callId)) continue;
      // 404 until the call's record is written, or once it has ended (wrap-up): asked again on the next poll.
      if ((await rig.api('POST', `/api/calls/${callId}/hangup`)).status === 202) hungUp.push(callId);
    }
    return ['READY', 'PAUSED', 'LOGGED_OUT'].includes(s.status) && s.calls.length === 0;
  }, timeoutMs, `${agentId} with no call`);
  return hungUp;
}

/** Polls on the wall clock (the product runs in real time). */
export async function until(probe: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
