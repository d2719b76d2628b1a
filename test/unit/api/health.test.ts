import { describe, expect, it } from 'vitest';
import { createApiApp } from '../../../api/app.js';
import { overallStatus, type HealthReport } from '../../../api/health.js';

function report(overrides: Partial<HealthReport> = {}): HealthReport {
  const base: Omit<HealthReport, 'status'> = {
    version: '0.1.0',
    nodeId: 'node-1',
    uptimeSeconds: 3,
    ari: { connected: true, simulated: true, url: 'http://127.0.0.1:1', app: 'centralita' },
    db: { ok: true, path: ':memory:' },
    redis: { configured: false, ok: null },
    media: null,
    calls: null,
  };
  const merged = { ...base, ...overrides };
  return { ...merged, status: overrides.status ?? overallStatus(merged) };
}

describe('GET /health', () => {
  it('answers 200 with ari.connected and ari.simulated when all is up', async () => {
    const app = createApiApp({ health: () => report() });
    const res = await app.request('/health');
    expect(res.status).toBe(200);
    const body = (await res.json()) as HealthReport;
    expect(body.status).toBe('ok');
    expect(body.ari).toMatchObject({ connected: true, simulated: true });
  });

  it('answers 503 with the same body when ARI is down', async () => {
    const app = createApiApp({ health: () => report({ ari: { connected: false, simulated: false, url: 'http://pbx:8088', app: 'c' } }) });
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
    const app = createApiApp({ health: () => report() });
    const res = await app.request('/nope', { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'No route for POST /nope' } });
  });
});
