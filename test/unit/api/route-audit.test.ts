import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, type Permission } from '../../../api/auth/permissions.js';
import { ROLES, type Role } from '../../../engine/store/schema/users.js';
import { harness, type Harness } from './harness.js';

/**
 * Walks every route registered on the real app (Hono's route table, not a hand-kept list) and proves that each one
 * rejects anonymous callers with 401 and every role outside its permission with 403. The only exceptions are the
 * public routes named here.
 */
const PUBLIC = new Set([
  'GET /health',
  'GET /openapi.json',
  'GET /docs',
  'POST /api/auth/login',
  'POST /api/auth/refresh',
  // A signed URL (user, call, expiry under HMAC) instead of a header: test/integration/api-recordings.test.ts.
  'GET /api/recordings/:callId/audio',
]);

let h: Harness;
const tokens = {} as Record<Role, string>;
const keys = {} as Record<Role, string>;
let routes: Array<{ method: string; path: string; permission: Permission | undefined }>;

beforeAll(async () => {
  h = harness();
  h.addUser('agent1', 'agent', 'A');
  h.addUser('lead1', 'teamlead', 'A');
  h.addUser('sup1', 'supervisor');
  tokens.agent = await h.login('agent1');
  tokens.teamlead = await h.login('lead1');
  tokens.supervisor = await h.login('sup1');
  tokens.admin = await h.login('admin');
  for (const role of ROLES) {
    const res = await h.json('POST', '/api/auth/api-keys', { name: `audit-${role}` }, h.bearer(tokens[role]));
    keys[role] = ((await res.json()) as { key: string }).key;
  }

  const doc = (await (await h.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { 'x-permission'?: Permission }>> };
  const seen = new Set<string>();
  routes = [];
  for (const r of h.app.routes) {
    if (r.method === 'ALL') continue; // middleware (auth, body limit), not endpoints
    const key = `${r.method} ${r.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const docPath = r.path.replace(/:(\w+)/g, '{$1}');
    routes.push({ method: r.method, path: r.path, permission: doc.paths[docPath]?.[r.method.toLowerCase()]?.['x-permission'] });
  }
});
afterAll(() => h.close());

const concrete = (path: string) => path.replace(/:\w+/g, 'zz-not-an-id');
const send = (method: string, path: string, headers: Record<string, string> = {}) =>
  h.app.request(concrete(path), {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: method === 'GET' || method === 'HEAD' ? undefined : '{}',
  });

describe('route audit', () => {
  it('finds the routes (the walk is not vacuous) and every one is either public or carries a permission', () => {
    const names = routes.map((r) => `${r.method} ${r.path}`);
    for (const expected of ['POST /api/calls/start', 'POST /api/calls/end', 'GET /api/calls/log', 'GET /api/users', 'DELETE /api/auth/api-keys/:id']) {
      expect(names).toContain(expected);
    }
    const unguarded = routes.filter((r) => !PUBLIC.has(`${r.method} ${r.path}`) && r.permission === undefined);
    expect(unguarded).toEqual([]);
  });

  it('every OpenAPI operation is a registered route (the document does not promise what the app lacks)', async () => {
    const doc = (await (await h.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
    const names = new Set(routes.map((r) => `${r.method} ${r.path}`));
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const m of Object.keys(ops)) expect(names).toContain(`${m.toUpperCase()} ${p.replace(/\{(\w+)\}/g, ':$1')}`);
    }
  });

  it('every protected route answers 401 without credentials and with bad ones', async () => {
    for (const r of routes.filter((r) => r.permission !== undefined)) {
      const anon = await send(r.method, r.path);
      expect(anon.status, `${r.method} ${r.path} anonymous`).toBe(401);
      expect(((await anon.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
      expect((await send(r.method, r.path, { authorization: 'Bearer not.a.token' })).status, `${r.method} ${r.path} bad token`).toBe(401);
      expect((await send(r.method, r.path, { 'x-api-key': 'ck_forged' })).status, `${r.method} ${r.path} bad key`).toBe(401);
    }
  });

  it('every protected route answers 403 to each role outside its permission and lets the others through', async () => {
    let forbiddenChecks = 0;
    for (const r of routes.filter((r) => r.permission !== undefined)) {
      const allowed = PERMISSIONS[r.permission!] as readonly Role[];
      for (const role of ROLES) {
        const res = await send(r.method, r.path, h.bearer(tokens[role]));
        if (allowed.includes(role)) {
          expect([401, 403], `${role} → ${r.method} ${r.path}`).not.toContain(res.status);
        } else {
          expect(res.status, `${role} → ${r.method} ${r.path}`).toBe(403);
          forbiddenChecks++;
        }
      }
    }
    // users.manage alone is 5 routes × 3 roles.
    expect(forbiddenChecks).toBeGreaterThanOrEqual(15);
  });

  it('API keys get exactly the same answers as their owner’s role', async () => {
    for (const r of routes.filter((r) => r.permission !== undefined)) {
      const allowed = PERMISSIONS[r.permission!] as readonly Role[];
      for (const role of ROLES) {
        const res = await send(r.method, r.path, { 'x-api-key': keys[role] });
        if (allowed.includes(role)) expect([401, 403], `${role} key → ${r.method} ${r.path}`).not.toContain(res.status);
        else expect(res.status, `${role} key → ${r.method} ${r.path}`).toBe(403);
      }
    }
  });

  it('an expired access token is refused (15 minutes, on the app clock)', async () => {
    h.clock.advance(15 * 60_000 + 1);
    expect((await h.app.request('/api/calls', { headers: h.bearer(tokens.admin) })).status).toBe(401);
  });

  it('public routes need no credentials', async () => {
    expect((await h.app.request('/health')).status).toBe(200);
    expect((await h.app.request('/openapi.json')).status).toBe(200);
    expect((await h.app.request('/docs')).status).toBe(200);
    // Login and refresh reach their validation, not the auth wall.
    expect((await send('POST', '/api/auth/login')).status).toBe(422);
    expect((await send('POST', '/api/auth/refresh')).status).toBe(422);
  });
});
