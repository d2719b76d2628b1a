/**
 * The auth side of the store, credentials half (#18): refresh tokens and API keys through the `AuthStore` port,
 * one body on SQLite and PostgreSQL (test/support/store-dialects.ts). Only sha256 of tokens and keys is stored;
 * a revocation (logout, reuse detection, password change, a revoked key) takes effect at once, also on another
 * connection (another API process); a token presented by several processes at once is rotated once and the rest
 * count as reuse, ending the session, exactly as the one-statement-at-a-time SQLite store answers.
 */
import { expect, it } from 'vitest';
import { sha256 } from '../../engine/store/index.js';
import { describeDialects, HARNESS_REFRESH_TTL_MS } from '../support/store-dialects.js';

const T0 = Date.UTC(2026, 2, 3, 15, 0, 0);
const TTL = HARNESS_REFRESH_TTL_MS;

describeDialects(
  'auth: refresh tokens',
  (h) => {
    it('stores only the hash, in a new family per login, expiring after the TTL', async () => {
      const { token, row } = await h.auth.refreshTokens.issue('u1', T0);
      expect(token.startsWith('rt_')).toBe(true);
      expect(row).toMatchObject({ userId: 'u1', family: row.id, tokenHash: sha256(token), createdAt: T0, expiresAt: T0 + TTL, revokedAt: null, replacedBy: null });
      expect(h.auth.refreshTokens.ttlMs).toBe(TTL);
      const stored = await h.read.rows('refreshTokens');
      expect(JSON.stringify(stored)).not.toContain(token);
      expect(await h.auth.refreshTokens.ownerOf(token)).toBe('u1');
      expect(await h.auth.refreshTokens.ownerOf('rt_nope')).toBeUndefined();
      expect(await h.auth.refreshTokens.isLive(row.family, T0 + TTL - 1)).toBe(true);
      expect(await h.auth.refreshTokens.isLive(row.family, T0 + TTL)).toBe(false);
      expect(await h.auth.refreshTokens.rotate(token, T0 + TTL)).toEqual({ ok: false, reason: 'expired' });
      expect(await h.auth.refreshTokens.rotate('rt_nope', T0)).toEqual({ ok: false, reason: 'unknown' });
    });

    it('rotates into the same family; the old token presented again is a reuse that ends the session', async () => {
      const first = await h.auth.refreshTokens.issue('u1', T0);
      const r1 = await h.auth.refreshTokens.rotate(first.token, T0 + 10);
      expect(r1).toMatchObject({ ok: true, userId: 'u1', family: first.row.family });
      if (!r1.ok) throw new Error('not rotated');
      expect(r1.token).not.toBe(first.token);
      const rows = await h.read.rows('refreshTokens');
      expect(rows).toHaveLength(2);
      const old = rows.find((r) => r.id === first.row.id)!;
      const next = rows.find((r) => r.id !== first.row.id)!;
      expect(old).toMatchObject({ revokedAt: T0 + 10, replacedBy: next.id });
      expect(next).toMatchObject({ family: first.row.family, tokenHash: sha256(r1.token), revokedAt: null, expiresAt: T0 + 10 + TTL });
      expect(await h.auth.refreshTokens.isLive(first.row.family, T0 + 11)).toBe(true);

      expect(await h.auth.refreshTokens.rotate(first.token, T0 + 20)).toEqual({ ok: false, reason: 'reused' });
      expect(await h.auth.refreshTokens.isLive(first.row.family, T0 + 21)).toBe(false);
      expect(await h.auth.refreshTokens.rotate(r1.token, T0 + 30)).toEqual({ ok: false, reason: 'reused' });
    });

    it('logout revokes the family at once, also as seen from another connection', async () => {
      const other = await h.connect();
      const a = await h.auth.refreshTokens.issue('u1', T0);
      const b = await h.auth.refreshTokens.issue('u1', T0 + 1);
      expect(await other.auth.refreshTokens.revoke(a.token, T0 + 5)).toEqual({ userId: 'u1', family: a.row.family });
      expect(await h.auth.refreshTokens.isLive(a.row.family, T0 + 5)).toBe(false);
      expect(await h.auth.refreshTokens.rotate(a.token, T0 + 6)).toEqual({ ok: false, reason: 'reused' });
      // The user's other session is untouched.
      expect(await h.auth.refreshTokens.isLive(b.row.family, T0 + 6)).toBe(true);
      expect(await h.auth.refreshTokens.revoke('rt_nope', T0)).toBeUndefined();
    });

    it("revoking a user ends all of that user's sessions and nobody else's", async () => {
      const mine = [await h.auth.refreshTokens.issue('u1', T0), await h.auth.refreshTokens.issue('u1', T0 + 1)];
      const theirs = await h.auth.refreshTokens.issue('u2', T0 + 2);
      const rotated = await h.auth.refreshTokens.rotate(mine[1]!.token, T0 + 3);
      expect(rotated.ok).toBe(true);
      await h.auth.refreshTokens.revokeUser('u1', T0 + 4);
      for (const s of mine) expect(await h.auth.refreshTokens.isLive(s.row.family, T0 + 4)).toBe(false);
      expect(await h.auth.refreshTokens.isLive(theirs.row.family, T0 + 4)).toBe(true);
      // Already revoked rows keep their first revocation time.
      const rows = await h.read.rows('refreshTokens');
      expect(rows.find((r) => r.id === mine[1]!.row.id)).toMatchObject({ revokedAt: T0 + 3 });
    });

    it('one token presented by two processes at once is rotated once; the others are reuse and end the session', async () => {
      const other = await h.connect();
      const { token, row } = await h.auth.refreshTokens.issue('u1', T0);
      const tries = Array.from({ length: 8 }, (_, i) => (i % 2 === 0 ? h.auth : other.auth).refreshTokens.rotate(token, T0 + 1));
      const results = await Promise.all(tries);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok && r.reason === 'reused')).toHaveLength(7);
      // The winner's successor was revoked by the reuse too: nobody holds a live token of that session.
      expect(await h.auth.refreshTokens.isLive(row.family, T0 + 2)).toBe(false);
      expect((await h.read.rows('refreshTokens')).filter((r) => r.revokedAt === null)).toEqual([]);
    });

    it('a password change racing refreshes leaves no live session behind', async () => {
      const other = await h.connect();
      const sessions = await Promise.all(Array.from({ length: 6 }, (_, i) => h.auth.refreshTokens.issue('u1', T0 + i)));
      const racing = sessions.map((s, i) => (i % 2 === 0 ? h.auth : other.auth).refreshTokens.rotate(s.token, T0 + 10));
      racing.splice(3, 0, other.auth.refreshTokens.revokeUser('u1', T0 + 10).then(() => ({ ok: false as const, reason: 'unknown' as const })));
      await Promise.all(racing);
      await h.auth.refreshTokens.revokeUser('u1', T0 + 10); // the product revokes once; this only checks nothing is left after
      for (const s of sessions) expect(await h.auth.refreshTokens.isLive(s.row.family, T0 + 11)).toBe(false);
    });
  },
  { prefix: 'ct_pgauth_refresh' },
);

describeDialects(
  'auth: API keys',
  (h) => {
    it('stores only the hash and a short prefix; the key is shown once', async () => {
      const u = await h.auth.users.create({ username: 'crm', passwordHash: 'h', role: 'supervisor', team: 'north', at: T0 });
      const { row, key } = await h.auth.apiKeys.create(u.id, 'CRM sync', T0);
      expect(key.startsWith('ck_')).toBe(true);
      expect(row).toMatchObject({ userId: u.id, name: 'CRM sync', prefix: key.slice(0, 10), keyHash: sha256(key), createdAt: T0, lastUsedAt: null, revokedAt: null });
      expect(JSON.stringify(await h.read.rows('apiKeys'))).not.toContain(key);
      expect(await h.auth.apiKeys.get(row.id)).toEqual(row);
      expect(await h.auth.apiKeys.get('nope')).toBeUndefined();
      expect(await h.auth.apiKeys.principal(key)).toEqual({ apiKeyId: row.id, userId: u.id, username: 'crm', role: 'supervisor', team: 'north' });
    });

    it('authenticates a live key, stamping its last use at most once a minute', async () => {
      const { row, key } = await h.auth.apiKeys.create('u1', 'k', T0);
      // The row as it was before this use.
      expect(await h.auth.apiKeys.authenticate(key, T0 + 1000)).toMatchObject({ id: row.id, lastUsedAt: null });
      expect((await h.auth.apiKeys.get(row.id))?.lastUsedAt).toBe(T0 + 1000);
      expect(await h.auth.apiKeys.authenticate(key, T0 + 60_999)).toMatchObject({ lastUsedAt: T0 + 1000 });
      expect((await h.auth.apiKeys.get(row.id))?.lastUsedAt).toBe(T0 + 1000);
      await h.auth.apiKeys.authenticate(key, T0 + 61_000);
      expect((await h.auth.apiKeys.get(row.id))?.lastUsedAt).toBe(T0 + 61_000);
      expect(await h.auth.apiKeys.authenticate('ck_nope', T0)).toBeUndefined();
      expect(await h.auth.apiKeys.authenticate(key.slice(0, -1), T0)).toBeUndefined();
    });

    it('a revoked key is refused at once, on this connection and another; revoking twice says so', async () => {
      const other = await h.connect();
      const u = await h.auth.users.create({ username: 'ops', passwordHash: 'h', role: 'admin', at: T0 });
      const { row, key } = await h.auth.apiKeys.create(u.id, 'k', T0);
      expect(await other.auth.apiKeys.authenticate(key, T0 + 1)).toBeDefined();
      expect(await h.auth.apiKeys.revoke(row.id, T0 + 2)).toBe(true);
      expect(await other.auth.apiKeys.authenticate(key, T0 + 3)).toBeUndefined();
      expect(await other.auth.apiKeys.principal(key)).toBeNull();
      expect(await h.auth.apiKeys.revoke(row.id, T0 + 4)).toBe(false);
      expect(await h.auth.apiKeys.get(row.id)).toMatchObject({ revokedAt: T0 + 2 });
      expect(await h.auth.apiKeys.revoke('nope', T0)).toBe(false);
    });

    it("speaks for nobody once its user is deactivated (the board's check)", async () => {
      const u = await h.auth.users.create({ username: 'sup', passwordHash: 'h', role: 'supervisor', at: T0 });
      const { key } = await h.auth.apiKeys.create(u.id, 'board', T0);
      expect(await h.auth.apiKeys.principal(key)).toMatchObject({ username: 'sup', team: null });
      await h.auth.users.update(u.id, { active: false, at: T0 + 1 });
      expect(await h.auth.apiKeys.principal(key)).toBeNull();
      expect(await h.auth.apiKeys.principal('ck_nope')).toBeNull();
    });

    it("lists a user's keys newest first, keys of one millisecond newest first too", async () => {
      const made: string[] = [];
      for (const [i, at] of [T0, T0 + 5, T0 + 5, T0 + 5, T0 - 5].entries()) made.push((await h.auth.apiKeys.create('u1', `k${i}`, at)).row.id);
      await h.auth.apiKeys.create('u2', 'theirs', T0 + 9);
      expect((await h.auth.apiKeys.listForUser('u1')).map((k) => k.name)).toEqual(['k3', 'k2', 'k1', 'k0', 'k4']);
      expect(await h.auth.apiKeys.listForUser('nobody')).toEqual([]);
    });
  },
  { prefix: 'ct_pgauth_keys' },
);
