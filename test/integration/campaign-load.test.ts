/**
 * A campaign whose stored settings the engine cannot load (#10 item 7) — AMD parameters written before they were
 * checked, here by hand in the database — never stops the product: at start it is marked `failed` with the
 * reason (the API shows both) and the rest dials; starting it is all or nothing (422 naming the field, state
 * unchanged); once its settings are fixed it starts. The whole product on the embedded PBX, in this process.
 *
 * The single-process product (startProduct over its SQLite file) is SQLite's by design. What reads the stored campaign
 * at start runs on both dialects (#18): the single-process product's resume (campaignsToResume) and a node's campaign
 * follower mark such a campaign failed with the reason and load the rest. On PostgreSQL the start's 422 is the routes'
 * (api-campaigns-pg).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { campaignsToResume } from '../../app/engine-control.js';
import { CampaignFollower } from '../../app/node/index.js';
import type { CampaignInput, CampaignRunState } from '../../engine/shell/index.js';
import { MemoryLeadSource } from '../../engine/shell/lead-sources.js';
import { describeDialects } from '../support/store-dialects.js';
import { startProduct, type Product } from '../../app/product.js';
import { DEMO_CAMPAIGN_ID } from '../../app/demo-data.js';
import { loadConfig } from '../../engine/config/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { openStore } from '../../engine/store/index.js';

const ADMIN_PASSWORD = 'test-admin-password-long';

describe('campaigns whose stored settings cannot load', () => {
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

  // The engine runs in its own thread: what it has loaded is in its last status (sent before a command's answer).
  const loaded = (id: string) => product.engine.status().snapshot.campaigns.find((c) => c.id === id);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'centralita-campaign-load-'));
    const dbPath = join(dir, 'c.db');
    // What an older version let through: {"amd":{"foo":1}} stored, one campaign running, one draft.
    const store = openStore(dbPath);
    const at = Date.now();
    for (const id of ['bad-running', 'bad-draft']) store.campaigns.create(id, { name: id }, at);
    store.campaigns.command('bad-running', 'start', at);
    store.sqlite.prepare(`update campaigns set amd = '{"foo":1}' where id in ('bad-running', 'bad-draft')`).run();
    store.close();

    const config = loadConfig({ DB_PATH: dbPath, HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', RTP_PORT_MIN: '49100', RTP_PORT_MAX: '49199', ADMIN_PASSWORD });
    // Before the fix: the strict AMD schema threw here and the process exited before the API listened.
    product = await startProduct(config, silentLogger);
    base = `http://127.0.0.1:${product.httpPort}`;
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(res.status).toBe(200);
    auth = { authorization: `Bearer ${((await res.json()) as { access_token: string }).access_token}` };
  }, 90_000);

  afterAll(async () => {
    await product?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the product starts: the running one is marked failed with the reason, the others are untouched and the demo dials', async () => {
    const list = await call('GET', '/api/campaigns');
    expect(list.status).toBe(200);
    const byId = new Map((list.json.items as Array<{ id: string; state: string; stateReason: string | null }>).map((c) => [c.id, c]));
    expect(byId.get('bad-running')).toMatchObject({ state: 'failed', stateReason: 'amd.foo is not a known field' });
    expect(byId.get('bad-draft')).toMatchObject({ state: 'draft', stateReason: null });
    expect(byId.get(DEMO_CAMPAIGN_ID)).toMatchObject({ state: 'running' });
    expect(loaded('bad-running')).toBeUndefined();
    expect(loaded(DEMO_CAMPAIGN_ID)).toMatchObject({ state: 'running' });
  });

  it('start is all or nothing: 422 naming the field and the state unchanged; fixed settings start', async () => {
    for (const [id, state] of [
      ['bad-draft', 'draft'],
      ['bad-running', 'failed'],
    ] as const) {
      const res = await call('POST', `/api/campaigns/${id}/start`);
      expect(res.status).toBe(422);
      expect(res.json.error.message).toMatch(/amd\.foo is not a known field/);
      expect(product.store.campaigns.get(id)?.state).toBe(state);
      expect(loaded(id)?.state ?? null).not.toBe('running');
    }
    // A test call with the bad settings is refused the same way, not a 500.
    expect((await call('POST', '/api/campaigns/bad-draft/test-call', { phone: '+15550140001' })).status).toBe(422);

    const fixed = await call('PATCH', '/api/campaigns/bad-running', { amd: { greeting: 1500 } });
    expect(fixed.status).toBe(200);
    const started = await call('POST', '/api/campaigns/bad-running/start');
    expect(started.status).toBe(200);
    expect(started.json).toMatchObject({ state: 'running', stateReason: null });
    expect(loaded('bad-running')?.state).toBe('running');
    const stopped = await call('POST', '/api/campaigns/bad-running/stop');
    expect(stopped.json).toMatchObject({ state: 'stopped' });
  });
});

describeDialects(
  'a stored campaign whose settings cannot load, read at start',
  (h) => {
    it('is marked failed with the reason and left out; the others load in their states', async () => {
      const at = Date.UTC(2026, 0, 5, 15, 0);
      for (const id of ['bad-running', 'good-running', 'good-paused']) await h.seed.campaign(id, {}, at);
      for (const id of ['bad-running', 'good-running', 'good-paused']) await h.campaigns.command(id, 'start', at);
      await h.campaigns.command('good-paused', 'pause', at);
      await h.seed.campaignColumns('bad-running', { amd: { foo: 1 } });

      const loaded = new Map<string, CampaignRunState>();
      if (h.sqlite) {
        // The single-process product's start-up (app/product.ts): what it resumes.
        for (const c of campaignsToResume(h.sqlite, [], { at: at + 1 })) loaded.set(c.id, c.state === 'running' ? 'running' : 'paused');
      } else {
        // A node's first read of the campaigns table (app/node/run-node.ts), into an engine stand-in.
        const engine = {
          campaign: (id: string) => (loaded.has(id) ? ({ state: loaded.get(id)! } as never) : undefined),
          putCampaign: (c: CampaignInput) => void loaded.set(c.settings.id, c.state ?? 'running'),
          setCampaignState: async (id: string, s: CampaignRunState) => void loaded.set(id, s),
        };
        const follower = new CampaignFollower({ engine, campaigns: h.campaigns, leadsFor: () => new MemoryLeadSource([]), clock: { now: () => at + 1 } as never, logger: silentLogger, pollMs: 1000 });
        await follower.poll();
      }
      expect(Object.fromEntries(loaded)).toEqual(h.sqlite ? { 'good-running': 'running' } : { 'good-running': 'running', 'good-paused': 'paused' });
      expect(await h.campaigns.get('bad-running')).toMatchObject({ state: 'failed', stateReason: 'amd.foo is not a known field', updatedAt: at + 1 });
      expect(await h.campaigns.get('good-running')).toMatchObject({ state: 'running', stateReason: null });
    });
  },
  { prefix: 'ct_pg_campaign_load' },
);
