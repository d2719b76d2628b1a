import { afterEach, expect, it } from 'vitest';
import { listen, type RunningServer } from '../../api/server.js';
import { ADMIN_PASSWORD, describeApiDialects, type Harness } from '../unit/api/harness.js';

/**
 * Over a real socket: the peer address reaches the login limiter and the audit log, and the docs are served; on both
 * dialects (#18: the audit trail and the login counters are the auth store's, PostgreSQL's there).
 */
let h: Harness | undefined;
let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  h?.close();
  server = undefined;
  h = undefined;
});

describeApiDialects('API over HTTP', (make) => {
  it('records the client address in the audit log and serves /openapi.json and /docs', async () => {
    h = await make();
    server = await listen(h.app, '127.0.0.1', 0);
    const base = `http://127.0.0.1:${server.port}`;
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    });
    expect(res.status).toBe(200);
    expect((await h.app.auth.audit.list(10)).find((a) => a.action === 'auth.login')?.ip).toMatch(/127\.0\.0\.1/);

    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown>; components: { securitySchemes: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.0.3');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/calls/start', '/api/calls/end', '/api/calls/log', '/api/users/{id}']));
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['apiKeyAuth', 'bearerAuth']);
    const docs = await fetch(`${base}/docs`);
    expect(docs.headers.get('content-type')).toMatch(/text\/html/);
    expect(await docs.text()).toContain('/openapi.json');
  });

  it('limits logins per client address across usernames', async () => {
    h = await make({ limits: { login: { perIp: 2 } } });
    server = await listen(h.app, '127.0.0.1', 0);
    const attempt = (username: string) =>
      fetch(`http://127.0.0.1:${server!.port}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: 'wrong-password' }),
      }).then((r) => r.status);
    expect([await attempt('a'), await attempt('b'), await attempt('c')]).toEqual([401, 401, 429]);
  });
}, { prefix: 'pg_suite_server' });
