/**
 * The auth side of the store, accounts half (#18): users, failed-login counters and the audit trail through the
 * `AuthStore` port, one body on SQLite and PostgreSQL (test/support/store-dialects.ts; PostgreSQL with an ICU
 * en-US collation). Passwords are stored only as the caller's scrypt hash; lists come in byte order on both
 * (a linguistic collation would sort `_ops` and `Zoe` elsewhere); failures arriving at once are each counted.
 */
import { expect, it } from 'vitest';
import { hashPasswordSync, verifyPassword } from '../../api/auth/passwords.js';
import { describeDialects } from '../support/store-dialects.js';

const T0 = Date.UTC(2026, 2, 3, 15, 0, 0);

describeDialects(
  'auth: users',
  (h) => {
    it('stores the password hash only, with the defaults of a new account', async () => {
      const hash = hashPasswordSync('correct horse battery');
      const u = await h.auth.users.create({ username: 'ana', passwordHash: hash, role: 'supervisor', team: 'north', at: T0 });
      expect(u).toMatchObject({ username: 'ana', passwordHash: hash, role: 'supervisor', team: 'north', active: true, mustChangePassword: false, authVersion: 0, createdAt: T0, updatedAt: T0 });
      const stored = await h.read.rows('users');
      expect(stored).toHaveLength(1);
      expect(JSON.stringify(stored)).not.toContain('correct horse');
      expect(await verifyPassword('correct horse battery', (await h.auth.users.get(u.id))!.passwordHash)).toBe(true);
      const admin = await h.auth.users.create({ username: 'root', passwordHash: 'x', role: 'admin', mustChangePassword: true, at: T0 + 1 });
      expect(admin).toMatchObject({ team: null, mustChangePassword: true });
      expect(await h.auth.users.count()).toBe(2);
    });

    it('finds by id and by exact username (case matters), and refuses a second account of one name', async () => {
      const u = await h.auth.users.create({ username: 'Ana', passwordHash: 'h', role: 'agent', at: T0 });
      expect((await h.auth.users.byUsername('Ana'))?.id).toBe(u.id);
      expect(await h.auth.users.byUsername('ana')).toBeUndefined();
      expect(await h.auth.users.byUsername('Ana ')).toBeUndefined();
      expect(await h.auth.users.get('nope')).toBeUndefined();
      await expect(h.auth.users.create({ username: 'Ana', passwordHash: 'h2', role: 'admin', at: T0 + 1 })).rejects.toThrow();
      expect(await h.auth.users.count()).toBe(1);
    });

    it('lists by username in byte order', async () => {
      for (const name of ['adam', 'Zoe', '_ops', 'ana-b', 'anab', 'Ana', 'émile']) await h.auth.users.create({ username: name, passwordHash: 'h', role: 'agent', at: T0 });
      expect((await h.auth.users.list()).map((u) => u.username)).toEqual(['Ana', 'Zoe', '_ops', 'adam', 'ana-b', 'anab', 'émile']);
    });

    it('updates what it is given, bumps the auth version, deletes, and answers undefined/false for an unknown id', async () => {
      const u = await h.auth.users.create({ username: 'ana', passwordHash: 'h1', role: 'agent', team: 'north', at: T0 });
      const changed = await h.auth.users.update(u.id, { role: 'teamlead', active: false, at: T0 + 5 });
      expect(changed).toMatchObject({ id: u.id, role: 'teamlead', active: false, team: 'north', passwordHash: 'h1', createdAt: T0, updatedAt: T0 + 5 });
      expect(await h.auth.users.update(u.id, { team: null, passwordHash: 'h2', mustChangePassword: true, at: T0 + 6 })).toMatchObject({ team: null, passwordHash: 'h2', mustChangePassword: true });
      expect(await h.auth.users.update('nope', { role: 'admin', at: T0 })).toBeUndefined();
      await h.auth.users.bumpAuthVersion(u.id, T0 + 7);
      await h.auth.users.bumpAuthVersion(u.id, T0 + 8);
      expect(await h.auth.users.get(u.id)).toMatchObject({ authVersion: 2, updatedAt: T0 + 8 });
      expect(await h.auth.users.delete(u.id)).toBe(true);
      expect(await h.auth.users.delete(u.id)).toBe(false);
      expect(await h.auth.users.get(u.id)).toBeUndefined();
    });

    it("lists a team's user ids by id", async () => {
      const ids: string[] = [];
      for (const [i, team] of ['north', 'south', 'north', null, 'north'].entries()) {
        const u = await h.auth.users.create({ username: `u${i}`, passwordHash: 'h', role: 'agent', team, at: T0 + 10 - i });
        if (team === 'north') ids.push(u.id);
      }
      expect(await h.auth.users.teamUserIds('north')).toEqual([...ids].sort());
      expect(await h.auth.users.teamUserIds('nobody')).toEqual([]);
    });
  },
  { prefix: 'ct_pgauth_users' },
);

describeDialects(
  'auth: login throttle',
  (h) => {
    it('counts failures per key, with the next allowed attempt computed from the new count', async () => {
      const seen: number[] = [];
      const until = (n: number): number => {
        seen.push(n);
        return T0 + n * 1000;
      };
      expect(await h.auth.loginThrottle.fail('ip:10.0.0.1', T0, until)).toEqual({ key: 'ip:10.0.0.1', failures: 1, lastFailureAt: T0, blockedUntil: T0 + 1000 });
      expect(await h.auth.loginThrottle.fail('ip:10.0.0.1', T0 + 5, until)).toEqual({ key: 'ip:10.0.0.1', failures: 2, lastFailureAt: T0 + 5, blockedUntil: T0 + 2000 });
      await h.auth.loginThrottle.fail('pair:ana|10.0.0.1', T0 + 6, until);
      expect(seen).toEqual([1, 2, 1]);
      expect(await h.auth.loginThrottle.get(['ip:10.0.0.1', 'ip:10.0.0.2'])).toEqual([{ key: 'ip:10.0.0.1', failures: 2, lastFailureAt: T0 + 5, blockedUntil: T0 + 2000 }]);
      expect(await h.auth.loginThrottle.get([])).toEqual([]);
      await h.auth.loginThrottle.clear('ip:10.0.0.1');
      expect((await h.auth.loginThrottle.get(['ip:10.0.0.1', 'pair:ana|10.0.0.1'])).map((r) => r.key)).toEqual(['pair:ana|10.0.0.1']);
      // After a clear, counting starts again.
      expect((await h.auth.loginThrottle.fail('ip:10.0.0.1', T0 + 9, until)).failures).toBe(1);
    });

    it('answers the rows of the asked keys in byte order', async () => {
      const keys = ['pair:bob|1.2.3.4', 'ip:1.2.3.4', 'pair:Bob|1.2.3.4', 'pair:_svc|1.2.3.4'];
      for (const k of keys) await h.auth.loginThrottle.fail(k, T0, () => T0);
      expect((await h.auth.loginThrottle.get(keys)).map((r) => r.key)).toEqual(['ip:1.2.3.4', 'pair:Bob|1.2.3.4', 'pair:_svc|1.2.3.4', 'pair:bob|1.2.3.4']);
    });

    it('forgets keys whose last failure is older than the cut, and says how many', async () => {
      await h.auth.loginThrottle.fail('a', T0, () => T0);
      await h.auth.loginThrottle.fail('b', T0 + 10, () => T0);
      await h.auth.loginThrottle.fail('c', T0 + 20, () => T0);
      expect(await h.auth.loginThrottle.forgetBefore(T0 + 10)).toBe(1);
      expect((await h.auth.loginThrottle.get(['a', 'b', 'c'])).map((r) => r.key)).toEqual(['b', 'c']);
      expect(await h.auth.loginThrottle.forgetBefore(T0)).toBe(0);
    });

    it('counts every one of many failures arriving at once from two connections (no free attempts)', async () => {
      const other = await h.connect();
      const fails = Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? h.auth : other.auth).loginThrottle.fail('ip:6.6.6.6', T0 + i, (n) => T0 + n * 1000));
      const rows = await Promise.all(fails);
      // Each failure saw its own count: 1…24, none lost to another's write.
      expect(rows.map((r) => r.failures).sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
      const [stored] = await h.auth.loginThrottle.get(['ip:6.6.6.6']);
      expect(stored).toMatchObject({ failures: 24, blockedUntil: T0 + 24_000 });
    });
  },
  { prefix: 'ct_pgauth_throttle' },
);

describeDialects(
  'auth: audit log',
  (h) => {
    it('appends entries with JSON details and lists them newest first, ties newest first, up to the limit', async () => {
      await h.auth.audit.record({ at: T0, actorId: null, actorKind: 'system', action: 'bootstrap' });
      await h.auth.audit.record({ at: T0 + 5, actorId: 'u1', actorKind: 'user', action: 'campaign.start', targetType: 'campaign', targetId: 'c1', ip: '10.0.0.1', details: { name: 'Spring', n: 2 } });
      await h.auth.audit.record({ at: T0 + 5, actorId: 'u1', actorKind: 'api_key', apiKeyId: 'k1', action: 'campaign.pause', targetType: 'campaign', targetId: 'c1' });
      await h.auth.audit.record({ at: T0 + 5, actorId: null, actorKind: 'anonymous', action: 'login.failed', ip: '10.0.0.9' });
      const all = await h.auth.audit.list();
      expect(all.map((r) => r.action)).toEqual(['login.failed', 'campaign.pause', 'campaign.start', 'bootstrap']);
      expect(all[2]).toMatchObject({ at: T0 + 5, actorId: 'u1', actorKind: 'user', apiKeyId: null, targetType: 'campaign', targetId: 'c1', ip: '10.0.0.1' });
      expect(JSON.parse(all[2]!.details!)).toEqual({ name: 'Spring', n: 2 });
      expect(all[3]).toMatchObject({ actorId: null, actorKind: 'system', details: null, ip: null, targetId: null });
      expect((await h.auth.audit.list(2)).map((r) => r.action)).toEqual(['login.failed', 'campaign.pause']);
    });
  },
  { prefix: 'ct_pgauth_audit' },
);
