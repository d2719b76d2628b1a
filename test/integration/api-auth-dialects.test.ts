/**
 * The API's authentication over the `AuthStore` port (#18), through HTTP, on both dialects: an app built with
 * `authStore` keeps its users, sessions, API keys, failed-login counters and audit trail there (SQLite or
 * PostgreSQL), and each revocation — logout, refresh-token reuse, a revoked key, a deactivated or deleted user, a
 * role change — is in force at the next request. Two apps on one PostgreSQL database (two API processes) see each
 * other's revocations at once: on PostgreSQL the session state is not cached (api/auth/session-state.ts); on SQLite
 * (one API process per file) another process's revocation is seen within SESSION_STATE_TTL_MS, as before.
 *
 * The rest of the API (campaigns, calls…) still runs on a SQLite product store of its own here, as in production.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createApiApp, type ApiApp } from '../../api/app.js';
import { SESSION_STATE_TTL_MS } from '../../api/auth/session-state.js';
import { VirtualClock } from '../../engine/clock/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { openStore, sha256, type AuthStore, type Store } from '../../engine/store/index.js';
import { describeDialects, type DialectHarness } from '../support/store-dialects.js';
import { healthReport, TEST_PASSWORD_COST } from '../unit/api/harness.js';

const SECRET = 'apiauth-dialect-test-secret-0123456789';
const NEW_ADMIN_PASSWORD = 'a brand new admin phrase';
const USER_PASSWORD = 'a long user pass phrase';

interface Api {
  app: ApiApp;
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any }>;
}

/** One API process: its own SQLite product store, the given auth store, a shared JWT secret (as a real cluster). */
function buildApi(authStore: AuthStore, clock: VirtualClock, cleanups: Array<() => Promise<void> | void>, limits?: Parameters<typeof createApiApp>[0]['limits']): Api {
  const dir = mkdtempSync(join(tmpdir(), 'centralita-apiauth-'));
  const store: Store = openStore(join(dir, 'db.sqlite'));
  const app = createApiApp({
    health: () => healthReport(),
    store,
    clock,
    logger: silentLogger,
    config: { NODE_ID: 'node-apiauth', JWT_SECRET: SECRET, ADMIN_PASSWORD: undefined },
    authStore,
    // The harness's scrypt cost (test/unit/api/harness.ts): the same hashing and verifying, ~40× less CPU.
    testPasswordCost: TEST_PASSWORD_COST,
    ...(limits ? { limits } : {}),
  });
  cleanups.push(async () => {
    await app.imports.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    app,
    call: async (method, path, body, headers = {}) => {
      const res = await app.request(path, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, body: text === '' ? null : (JSON.parse(text) as unknown) };
    },
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const errorCode = (r: { body: any }): string | undefined => r.body?.error?.code;

describeDialects(
  'API authentication over the AuthStore',
  (h: DialectHarness, dialect) => {
    const cleanups: Array<() => Promise<void> | void> = [];
    afterEach(async () => {
      for (const c of cleanups.splice(0).reverse()) await c();
    });

    /** An app whose generated admin has replaced the first password; its bearer header. */
    async function adminReady(api: Api): Promise<{ admin: Record<string, string>; adminId: string }> {
      await api.app.ready;
      const first = await api.call('POST', '/api/auth/login', { username: 'admin', password: api.app.generatedAdminPassword });
      const changed = await api.call('POST', '/api/auth/password', { current_password: api.app.generatedAdminPassword, new_password: NEW_ADMIN_PASSWORD }, bearer(first.body.access_token));
      expect(changed.status).toBe(200);
      return { admin: bearer(changed.body.access_token), adminId: changed.body.user.id };
    }

    async function addUser(api: Api, admin: Record<string, string>, username: string, role: string): Promise<string> {
      const r = await api.call('POST', '/api/users', { username, password: USER_PASSWORD, role }, admin);
      expect(r.status).toBe(201);
      return r.body.id as string;
    }

    async function login(api: Api, username: string, password = USER_PASSWORD) {
      const r = await api.call('POST', '/api/auth/login', { username, password });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return r.body as { access_token: string; refresh_token: string; user: { id: string; mustChangePassword: boolean } };
    }

    it('first start: the generated admin changes the password first; login, refresh rotation, reuse detection and logout', async () => {
      const clock = new VirtualClock(Date.UTC(2026, 5, 1, 9, 0, 0));
      const api = buildApi(h.auth, clock, cleanups);
      await api.app.ready;
      const generated = api.app.generatedAdminPassword!;
      expect(generated).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      const [adminRow] = await h.read.rows('users');
      expect(adminRow).toMatchObject({ username: 'admin', role: 'admin', mustChangePassword: true, active: true });
      expect(JSON.stringify(adminRow)).not.toContain(generated);

      // Only the password change is open before it.
      const first = await login(api, 'admin', generated);
      expect(first.user.mustChangePassword).toBe(true);
      const blocked = await api.call('GET', '/api/users', undefined, bearer(first.access_token));
      expect([blocked.status, errorCode(blocked)]).toEqual([403, 'password_change_required']);
      const changed = await api.call('POST', '/api/auth/password', { current_password: generated, new_password: NEW_ADMIN_PASSWORD }, bearer(first.access_token));
      expect(changed.status).toBe(200);
      expect(changed.body.user.mustChangePassword).toBe(false);
      // The first session ended with the change; the new one is open.
      expect((await api.call('GET', '/api/users', undefined, bearer(first.access_token))).status).toBe(401);
      expect((await api.call('GET', '/api/users', undefined, bearer(changed.body.access_token))).status).toBe(200);
      expect((await api.call('POST', '/api/auth/login', { username: 'admin', password: generated })).status).toBe(401);

      // Refresh rotates; the old refresh token presented again is a reuse that ends the whole session at once.
      const s = await login(api, 'admin', NEW_ADMIN_PASSWORD);
      const r1 = await api.call('POST', '/api/auth/refresh', { refresh_token: s.refresh_token });
      expect(r1.status).toBe(200);
      expect(r1.body.refresh_token).not.toBe(s.refresh_token);
      expect((await api.call('GET', '/api/auth/me', undefined, bearer(r1.body.access_token))).status).toBe(200);
      const reused = await api.call('POST', '/api/auth/refresh', { refresh_token: s.refresh_token });
      expect([reused.status, errorCode(reused)]).toEqual([401, 'invalid_refresh_token']);
      expect((await api.call('POST', '/api/auth/refresh', { refresh_token: r1.body.refresh_token })).status).toBe(401);
      expect((await api.call('GET', '/api/auth/me', undefined, bearer(r1.body.access_token))).status).toBe(401);

      // Logout: that session's access token is refused at the next request; another session is untouched.
      const a = await login(api, 'admin', NEW_ADMIN_PASSWORD);
      const b = await login(api, 'admin', NEW_ADMIN_PASSWORD);
      expect((await api.call('GET', '/api/auth/me', undefined, bearer(a.access_token))).status).toBe(200);
      expect((await api.call('POST', '/api/auth/logout', { refresh_token: a.refresh_token }, bearer(a.access_token))).status).toBe(200);
      expect((await api.call('GET', '/api/auth/me', undefined, bearer(a.access_token))).status).toBe(401);
      expect((await api.call('GET', '/api/auth/me', undefined, bearer(b.access_token))).status).toBe(200);

      // Only hashes of refresh tokens are stored; the audit trail is in this store.
      const tokens = await h.read.rows('refreshTokens');
      expect(tokens.map((t) => t.tokenHash)).toContain(sha256(a.refresh_token));
      expect(JSON.stringify(tokens)).not.toContain(a.refresh_token);
      const actions = (await h.read.rows('auditLog')).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['user.create', 'auth.login', 'user.password_change', 'auth.refresh_reused', 'auth.logout']));
      expect(actions.filter((x) => x === 'auth.login')).toHaveLength(4);
      const audit = await api.call('GET', '/api/audit?limit=100', undefined, bearer(b.access_token));
      expect(audit.body.items.map((e: { action: string }) => e.action).sort()).toEqual([...actions].sort());
    });

    it('wrong passwords are throttled through the store’s counters, shared by every API process of the database', async () => {
      const clock = new VirtualClock(Date.UTC(2026, 5, 1, 9, 0, 0));
      const limits = { login: { pair: { free: 2, baseMs: 10_000, maxMs: 60_000 } } };
      const api = buildApi(h.auth, clock, cleanups, limits);
      const { admin } = await adminReady(api);
      await addUser(api, admin, 'maria', 'agent');
      for (let i = 0; i < 3; i++) {
        const wrong = await api.call('POST', '/api/auth/login', { username: 'maria', password: 'not her password at all' });
        expect([wrong.status, errorCode(wrong)]).toEqual([401, 'invalid_credentials']);
      }
      // The third failure is past the free ones: even the right password waits 10 s, here and on another process.
      const held = await api.call('POST', '/api/auth/login', { username: 'maria', password: USER_PASSWORD });
      expect([held.status, errorCode(held)]).toEqual([429, 'throttled']);
      const other = await h.connect();
      cleanups.push(() => other.close());
      const api2 = buildApi(other.auth, clock, cleanups, limits);
      await api2.app.ready;
      expect((await api2.call('POST', '/api/auth/login', { username: 'maria', password: USER_PASSWORD })).status).toBe(429);
      const counters = await h.read.rows('loginThrottle');
      expect(counters.find((r) => String(r.key).startsWith('pair:maria|'))).toMatchObject({ failures: 3, blockedUntil: clock.now() + 10_000 });

      clock.advance(10_000);
      await login(api2, 'maria');
      // A success clears the account's counter from that address (the address's own only decays).
      expect((await h.read.rows('loginThrottle')).some((r) => String(r.key).startsWith('pair:maria|'))).toBe(false);
      const failed = (await h.read.rows('auditLog')).filter((e) => e.action === 'auth.login_failed');
      expect(failed).toHaveLength(5); // 3 wrong passwords, 2 throttled attempts
    });

    it('an API key is created, used, listed and revoked; its owner deactivated or deleted loses access at once', async () => {
      const clock = new VirtualClock(Date.UTC(2026, 5, 1, 9, 0, 0));
      const api = buildApi(h.auth, clock, cleanups);
      const { admin } = await adminReady(api);
      const supId = await addUser(api, admin, 'sofia', 'supervisor');
      const sofia = await login(api, 'sofia');

      const created = await api.call('POST', '/api/auth/api-keys', { name: 'wallboard tv' }, bearer(sofia.access_token));
      expect(created.status).toBe(201);
      const { id, key } = created.body as { id: string; key: string };
      const keyRows = await h.read.rows('apiKeys');
      expect(keyRows).toHaveLength(1);
      expect(keyRows[0]).toMatchObject({ id, userId: supId, keyHash: sha256(key), revokedAt: null });
      expect(JSON.stringify(keyRows)).not.toContain(key);

      const me = await api.call('GET', '/api/auth/me', undefined, { 'x-api-key': key });
      expect([me.status, me.body.user.username]).toEqual([200, 'sofia']);
      expect((await h.read.rows('apiKeys'))[0]!.lastUsedAt).toBe(clock.now());
      const listed = await api.call('GET', '/api/auth/api-keys', undefined, bearer(sofia.access_token));
      expect(listed.body.items.map((k: { id: string; name: string }) => [k.id, k.name])).toEqual([[id, 'wallboard tv']]);

      expect((await api.call('DELETE', `/api/auth/api-keys/${id}`, undefined, bearer(sofia.access_token))).status).toBe(200);
      expect((await api.call('GET', '/api/auth/me', undefined, { 'x-api-key': key })).status).toBe(401);
      expect((await h.read.rows('apiKeys'))[0]!.revokedAt).toBe(clock.now());
      expect((await api.call('DELETE', `/api/auth/api-keys/${id}`, undefined, bearer(sofia.access_token))).status).toBe(404);

      // Deactivated: her session and a second key stop at the next request, and she cannot log in.
      const key2 = (await api.call('POST', '/api/auth/api-keys', { name: 'second' }, bearer(sofia.access_token))).body.key as string;
      expect((await api.call('GET', '/api/auth/me', undefined, { 'x-api-key': key2 })).status).toBe(200);
      expect((await api.call('PATCH', `/api/users/${supId}`, { active: false }, admin)).status).toBe(200);
      expect((await api.call('GET', '/api/auth/me', undefined, bearer(sofia.access_token))).status).toBe(401);
      expect((await api.call('GET', '/api/auth/me', undefined, { 'x-api-key': key2 })).status).toBe(401);
      expect((await api.call('POST', '/api/auth/login', { username: 'sofia', password: USER_PASSWORD })).status).toBe(401);
      expect((await h.read.rows('users')).find((u) => u.id === supId)).toMatchObject({ active: false, authVersion: 1 });

      // Reactivated, then deleted: the fresh session ends at once and the row is gone.
      expect((await api.call('PATCH', `/api/users/${supId}`, { active: true }, admin)).status).toBe(200);
      const again = await login(api, 'sofia');
      expect((await api.call('DELETE', `/api/users/${supId}`, undefined, admin)).status).toBe(200);
      expect((await api.call('GET', '/api/auth/me', undefined, bearer(again.access_token))).status).toBe(401);
      expect((await h.read.rows('users')).map((u) => u.username)).toEqual(['admin']);
      const actions = (await h.read.rows('auditLog')).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['apikey.create', 'apikey.revoke', 'user.update', 'user.delete']));
    });

    it('two API processes on one database: a revocation or a role change on one is in force on the other at its next request', async () => {
      const clock = new VirtualClock(Date.UTC(2026, 5, 1, 9, 0, 0));
      const a = buildApi(h.auth, clock, cleanups);
      const { admin } = await adminReady(a);
      const other = await h.connect();
      cleanups.push(() => other.close());
      const b = buildApi(other.auth, clock, cleanups);
      await b.app.ready;
      expect(b.app.generatedAdminPassword).toBeUndefined(); // one admin for the database, created by the first

      const anaId = await addUser(a, admin, 'ana', 'supervisor');
      const ana = await login(a, 'ana');
      const key = (await b.call('POST', '/api/auth/api-keys', { name: 'board' }, bearer(ana.access_token))).body as { id: string; key: string };
      // B has answered for Ana's session, her key and her role just before each change below.
      expect((await b.call('GET', '/api/auth/me', undefined, bearer(ana.access_token))).status).toBe(200);
      expect((await b.call('GET', '/api/auth/me', undefined, { 'x-api-key': key.key })).status).toBe(200);
      expect((await b.call('GET', '/api/users', undefined, bearer(ana.access_token))).status).toBe(403);

      /** On PostgreSQL at once; on SQLite (one process per file) once B's 1 s cache has lapsed, as before #18. */
      const nextRequestOnB = () => {
        if (dialect === 'sqlite') clock.advance(SESSION_STATE_TTL_MS);
      };

      // Promoted on A: B lets her manage users.
      expect((await a.call('PATCH', `/api/users/${anaId}`, { role: 'admin' }, admin)).status).toBe(200);
      nextRequestOnB();
      expect((await b.call('GET', '/api/users', undefined, bearer(ana.access_token))).status).toBe(200);

      // Her key revoked on A: refused on B (API keys were never cached).
      expect((await a.call('DELETE', `/api/auth/api-keys/${key.id}`, undefined, bearer(ana.access_token))).status).toBe(200);
      expect((await b.call('GET', '/api/auth/me', undefined, { 'x-api-key': key.key })).status).toBe(401);

      // Logged out on A: that session's token is refused on B.
      const second = await login(b, 'ana');
      expect((await b.call('GET', '/api/auth/me', undefined, bearer(second.access_token))).status).toBe(200);
      expect((await a.call('POST', '/api/auth/logout', { refresh_token: second.refresh_token }, bearer(second.access_token))).status).toBe(200);
      nextRequestOnB();
      expect((await b.call('GET', '/api/auth/me', undefined, bearer(second.access_token))).status).toBe(401);
      expect((await b.call('GET', '/api/auth/me', undefined, bearer(ana.access_token))).status).toBe(200);

      // Deactivated on A: her remaining session ends on B.
      expect((await a.call('PATCH', `/api/users/${anaId}`, { active: false }, admin)).status).toBe(200);
      nextRequestOnB();
      expect((await b.call('GET', '/api/auth/me', undefined, bearer(ana.access_token))).status).toBe(401);
      expect((await b.call('POST', '/api/auth/login', { username: 'ana', password: USER_PASSWORD })).status).toBe(401);
    });
  },
  { prefix: 'ct_apiauth' },
);
