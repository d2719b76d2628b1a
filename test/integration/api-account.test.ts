import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { describeApiDialects, type Harness } from '../unit/api/harness.js';

/** GET /api/auth/me and the password change, including the generated first admin's forced change; on both dialects (#18). */
describeApiDialects('account routes', (harness, dialect) => {
  let h: Harness;
  afterEach(() => h?.close());

  const login = async (username: string, password: string) => {
    const res = await h.json('POST', '/api/auth/login', { username, password });
    expect(res.status).toBe(200);
    return (await res.json()) as { access_token: string; refresh_token: string; user: { mustChangePassword: boolean } };
  };

  it('a generated admin must change the password first: every other route answers 403 until then; the change deletes its file', async () => {
    let file = '';
    h = await harness({ config: { NODE_ID: 'n', JWT_SECRET: 'y'.repeat(40), ADMIN_PASSWORD: undefined } }, (_s, _c, dir) => ({ initialPasswordFile: (file = join(dir, 'initial-admin-password')) }));
    await h.app.ready;
    const generated = h.app.generatedAdminPassword;
    expect(generated).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    // The password is in its file, readable by this user only.
    expect(h.app.initialPasswordFile).toBe(file);
    expect(readFileSync(file, 'utf8')).toBe(`${generated}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const first = await login('admin', generated!);
    expect(first.user.mustChangePassword).toBe(true);
    const auth = h.bearer(first.access_token);

    const users = await h.app.request('/api/users', { headers: auth });
    expect(users.status).toBe(403);
    expect(((await users.json()) as { error: { code: string } }).error.code).toBe('password_change_required');
    const me = await h.app.request('/api/auth/me', { headers: auth });
    expect(me.status).toBe(200);

    const wrong = await h.json('POST', '/api/auth/password', { current_password: 'not-it', new_password: 'a-brand-new-password' }, auth);
    expect(wrong.status).toBe(422);
    expect(((await wrong.json()) as { error: { details: Array<{ field: string }> } }).error.details[0]?.field).toBe('current_password');
    const short = await h.json('POST', '/api/auth/password', { current_password: generated, new_password: 'short' }, auth);
    expect(short.status).toBe(422);
    // The same policy as everywhere else: a common password, or one built on the username, is refused.
    for (const weak of ['password1234', 'admin2024admin!']) {
      const res = await h.json('POST', '/api/auth/password', { current_password: generated, new_password: weak }, auth);
      expect(res.status).toBe(422);
      expect(((await res.json()) as { error: { details: Array<{ field: string }> } }).error.details[0]?.field).toBe('new_password');
    }

    // Refused changes leave the file: the generated password still opens the account.
    expect(existsSync(file)).toBe(true);
    const changed = await h.json('POST', '/api/auth/password', { current_password: generated, new_password: 'a-brand-new-password' }, auth);
    expect(changed.status).toBe(200);
    expect(existsSync(file)).toBe(false);
    const body = (await changed.json()) as { access_token: string; refresh_token: string; user: { mustChangePassword: boolean } };
    expect(body.user.mustChangePassword).toBe(false);
    // The old refresh token is gone; the new one works; the new access token opens admin routes.
    expect((await h.json('POST', '/api/auth/refresh', { refresh_token: first.refresh_token })).status).toBe(401);
    expect((await h.json('POST', '/api/auth/refresh', { refresh_token: body.refresh_token })).status).toBe(200);
    expect((await h.app.request('/api/users', { headers: h.bearer(body.access_token) })).status).toBe(200);
    // The old password no longer logs in; the new one does.
    expect((await h.json('POST', '/api/auth/login', { username: 'admin', password: generated })).status).toBe(401);
    await login('admin', 'a-brand-new-password');
    const audit = (await (await h.app.request('/api/audit', { headers: h.bearer(body.access_token) })).json()) as { items: Array<{ action: string; details: unknown }> };
    expect(audit.items.filter((a) => a.action === 'user.password_change').map((a) => a.details)).toEqual([{ password: 'changed', forced: true }]);
  });

  it('an admin created with ADMIN_PASSWORD is not forced; /me lists the agents linked to the user', async () => {
    h = await harness();
    await h.app.ready;
    expect(h.app.generatedAdminPassword).toBeUndefined();
    const uid = h.addUser('ana', 'agent', 'A');
    await h.db.seed.agent({ id: 'agent-1001', name: 'Ana', endpoint: 'PJSIP/1001', userId: uid, team: 'A', createdAt: h.clock.now() });
    await h.db.seed.agent({ id: 'agent-1002', name: 'Other', endpoint: 'PJSIP/1002', createdAt: h.clock.now() });
    // On PostgreSQL the SQLite file holds another agent of Ana's, on purpose: /me lists the directory's only.
    if (dialect === 'pg') h.store.agents.upsert({ id: 'a-lite', kind: 'human', name: 'Ana Lite', endpoint: 'PJSIP/202', concurrency: 1, team: 'A', userId: uid, campaignIds: null, nodeId: null, createdAt: h.clock.now() });
    const token = await h.login('ana');
    const me = (await (await h.app.request('/api/auth/me', { headers: h.bearer(token) })).json()) as { user: { username: string; role: string }; agents: unknown[] };
    expect(me.user).toMatchObject({ username: 'ana', role: 'agent' });
    expect(me.agents).toEqual([{ id: 'agent-1001', name: 'Ana', endpoint: 'PJSIP/1001', team: 'A' }]);
    const admin = await login('admin', 'admin-password-for-tests');
    expect(admin.user.mustChangePassword).toBe(false);
    expect(((await (await h.app.request('/api/auth/me', { headers: h.bearer(admin.access_token) })).json()) as { agents: unknown[] }).agents).toEqual([]);
    expect((await h.app.request('/api/auth/me')).status).toBe(401);
  });
}, { prefix: 'apipg_account' });
