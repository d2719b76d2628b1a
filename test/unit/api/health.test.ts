import { afterEach, describe, expect, it } from 'vitest';
import { overallStatus, type HealthReport } from '../../../api/health/report.js';
import { harness, healthReport as report, type Harness } from './harness.js';

let h: Harness | undefined;
afterEach(() => {
  h?.close();
  h = undefined;
});

describe('GET /health', () => {
  it('answers 200 with ari.connected and ari.simulated when all is up', async () => {
    h = harness({ health: () => report() });
    const app = h.app;
    const res = await app.request('/health');
    expect(res.status).toBe(200);
    const body = (await res.json()) as HealthReport;
    expect(body.status).toBe('ok');
    expect(body.ari).toMatchObject({ connected: true, simulated: true });
  });

  it('answers 503 with the same body when ARI is down', async () => {
    h = harness({ health: () => report({ ari: { connected: false, simulated: false, url: 'http://pbx:8088', app: 'c' } }) });
    const app = h.app;
    const res = await app.request('/health');
    expect(res.status).toBe(503);
    expect(((await res.json()) as HealthReport).status).toBe('degraded');
  });

  it('counts a configured but unreachable Redis as degraded, an unconfigured one as fine', () => {
    const parts = { ari: report().ari, db: { ok: true, path: 'x' } };
    expect(overallStatus({ ...parts, redis: { configured: true, ok: false } })).toBe('degraded');
    expect(overallStatus({ ...parts, redis: { configured: false, ok: null } })).toBe('ok');
  });

  it('answers unknown paths with a JSON 404 that names the route', async () => {
    h = harness({ health: () => report() });
    const app = h.app;
    const res = await app.request('/nope', { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'No route for POST /nope' } });
  });
});
