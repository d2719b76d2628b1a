/**
 * The whole product on the embedded PBX, driven only over HTTP the way the web app and CRMs drive it: a
 * supervisor pauses and restarts the demo campaign and places a test call, and the engine behind the API acts on
 * it (stored state, live stats, CallLogs).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../engine/config/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { startProduct, type Product } from '../../app/product.js';
import { DEMO_CAMPAIGN_ID } from '../../app/demo-data.js';
import { until } from '../support/until.js';

const ADMIN_PASSWORD = 'test-admin-password-long';


describe('product API → engine control (embedded PBX)', () => {
  let dir: string;
  let product: Product;
  let base: string;
  let auth: Record<string, string>;

  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...auth, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : null };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'centralita-api-control-'));
    const rtp = 20000 + Math.floor(Math.random() * 400) * 100;
    const config = loadConfig({
      DB_PATH: join(dir, 'c.db'),
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '0',
      // A 100-port range of its own per run: a fixed one was shared with other product tests running in the other fork
      // (46000–46999 overlapped six of them), whose binds and stray RTP it met.
      RTP_PORT_MIN: String(rtp),
      RTP_PORT_MAX: String(rtp + 99),
      ADMIN_PASSWORD,
      // The live feed's Redis adapter, and /health's ping on its connection.
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    product = await startProduct(config, silentLogger);
    base = `http://127.0.0.1:${product.httpPort}`;
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(res.status).toBe(200);
    auth = { authorization: `Bearer ${((await res.json()) as { access_token: string }).access_token}` };
  }, 60_000);

  afterAll(async () => {
    await product?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pauses the running demo campaign: stored state, live stats and no new dials', async () => {
    const paused = await call('POST', `/api/campaigns/${DEMO_CAMPAIGN_ID}/pause`);
    expect(paused.status).toBe(200);
    expect(product.store.campaigns.get(DEMO_CAMPAIGN_ID)?.state).toBe('paused');
    const stats = await call('GET', `/api/campaigns/${DEMO_CAMPAIGN_ID}/stats`);
    expect(stats.status).toBe(200);
    expect(stats.json).toMatchObject({ campaignId: DEMO_CAMPAIGN_ID, state: 'paused' });

    // The pause is stored before the engine acts on it, so from the 200 on no new call is placed; the live
    // ones go on (a simulated human may talk for two minutes, so waiting for them to end proves nothing).
    const before = product.store.callLogs.list({ campaignId: DEMO_CAMPAIGN_ID, limit: 10_000 }).length;
    await new Promise((r) => setTimeout(r, 2000));
    expect(product.store.callLogs.list({ campaignId: DEMO_CAMPAIGN_ID, limit: 10_000 }).length).toBe(before);

    // Pausing twice is a conflict, answered as such.
    const again = await call('POST', `/api/campaigns/${DEMO_CAMPAIGN_ID}/pause`);
    expect(again.status).toBe(409);
  }, 90_000);

  it('places a test call through the engine: a CallLog with no lead reaches the PBX', async () => {
    const res = await call('POST', `/api/campaigns/${DEMO_CAMPAIGN_ID}/test-call`, { phone: '+50688001234' });
    expect(res.status).toBe(202);
    const callId = (res.json as { call_id: string }).call_id;
    expect(callId).toMatch(/^cl-/);
    // The callee is drawn from the simulator's seeded mix (a human may talk for minutes): what matters here is
    // that the engine dialled it for this campaign, outside the hopper.
    const row = await until(() => {
      const r = product.store.callLogs.get(callId);
      return r && (r.ringingAt !== null || r.endedAt !== null) ? r : undefined;
    }, 30_000);
    expect(row.campaignId).toBe(DEMO_CAMPAIGN_ID);
    expect(row.leadId).toBeNull();
    expect(row.phone).toBe('+50688001234');
  }, 90_000);

  it('starts it again and the engine dials new leads', async () => {
    const before = product.store.callLogs.list({ campaignId: DEMO_CAMPAIGN_ID, limit: 10_000 }).filter((r) => r.leadId !== null).length;
    const started = await call('POST', `/api/campaigns/${DEMO_CAMPAIGN_ID}/start`);
    expect(started.status).toBe(200);
    expect(product.store.campaigns.get(DEMO_CAMPAIGN_ID)?.state).toBe('running');
    await until(() => {
      const n = product.store.callLogs.list({ campaignId: DEMO_CAMPAIGN_ID, limit: 10_000 }).filter((r) => r.leadId !== null).length;
      return n > before ? n : undefined;
    }, 30_000);
  }, 60_000);

  it("a running campaign's edit takes effect at once: the engine paces it in its new dial mode", async () => {
    const stats = async () => (await call('GET', `/api/campaigns/${DEMO_CAMPAIGN_ID}/stats`)).json as { pacing: { mode: string } | null };
    await until(async () => ((await stats()).pacing?.mode.startsWith('progressive') ? true : undefined), 15_000);
    const edited = await call('PATCH', `/api/campaigns/${DEMO_CAMPAIGN_ID}`, { dialMode: 'power', dialRatio: 1.5 });
    expect(edited.status).toBe(200);
    // Before, the engine kept the settings it was started with until the product restarted.
    const mode = await until(async () => {
      const m = (await stats()).pacing?.mode;
      return m?.startsWith('power') ? m : undefined;
    }, 15_000);
    expect(mode).toMatch(/^power/);
    expect(product.store.campaigns.get(DEMO_CAMPAIGN_ID)?.state).toBe('running');
  }, 60_000);

  it('/health reports Redis answering on the live feed connection', async () => {
    const res = await fetch(`${base}/health`);
    const body = (await res.json()) as { status: string; redis: { configured: boolean; ok: boolean | null } };
    expect(body.redis).toEqual({ configured: true, ok: true });
    expect(res.status).toBe(200);
  });

  it('unknown campaign → 404 with the error shape', async () => {
    const res = await call('POST', '/api/campaigns/nope/start');
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe('not_found');
  });
});
