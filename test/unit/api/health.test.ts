import { afterEach, describe, expect, it } from 'vitest';
import { dbHealth, overallStatus, RECONCILE_GRACE_SECONDS, type HealthReport } from '../../../api/health/report.js';
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
    h = harness({ health: () => report({ ari: { ...report().ari, connected: false, simulated: false, url: 'http://pbx:8088', app: 'c' } }) });
    const app = h.app;
    const res = await app.request('/health');
    expect(res.status).toBe(503);
    expect(((await res.json()) as HealthReport).status).toBe('degraded');
  });

  it('a database that refuses writes (disk full): db.ok and writable false, pending writes and the error shown, 503', async () => {
    const writes = { writable: false, pendingWrites: 7, lastError: 'SQLITE_FULL: database or disk is full', failingSince: Date.UTC(2026, 0, 5, 9) };
    const db = dbHealth(true, '/var/lib/c.db', writes);
    expect(db).toEqual({ ok: false, path: '/var/lib/c.db', writable: false, pendingWrites: 7, lastError: writes.lastError, failingSince: '2026-01-05T09:00:00.000Z' });
    h = harness({ health: () => report({ db }) });
    const res = await h.app.request('/health');
    expect(res.status).toBe(503);
    expect(((await res.json()) as HealthReport).db).toMatchObject({ writable: false, pendingWrites: 7 });
    // Recovered: ok again, the last error kept for the operator.
    const back = dbHealth(true, '/var/lib/c.db', { ...writes, writable: true, pendingWrites: 0, failingSince: null });
    expect(overallStatus({ ...report(), db: back })).toBe('ok');
    expect(back).toMatchObject({ ok: true, lastError: writes.lastError, failingSince: null });
  });

  it('not reconciled: fine during the grace after a reconnect, degraded (503) once it lasts longer', () => {
    const parts = { db: { ok: true, path: 'x' }, redis: { configured: false, ok: null } };
    const ari = (unreconciledSeconds: number) => ({ ...report().ari, reconciled: false, unreconciledSeconds });
    expect(overallStatus({ ...parts, ari: ari(3) })).toBe('ok');
    expect(overallStatus({ ...parts, ari: ari(RECONCILE_GRACE_SECONDS + 1) })).toBe('degraded');
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
