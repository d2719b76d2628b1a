import { describe, expect, it } from 'vitest';
import { signAccessToken, verifyAccessToken } from '../../../api/auth/jwt.js';
import { throttleDelayMs } from '../../../api/auth/login-guard.js';
import { hashPassword, hashPasswordSync, verifyPassword } from '../../../api/auth/passwords.js';
import { can, callScope, PERMISSIONS } from '../../../api/auth/permissions.js';
import { RateLimiter } from '../../../api/auth/rate-limit.js';
import { VirtualClock } from '../../../engine/clock/index.js';
import { ROLES } from '../../../engine/store/schema/users.js';

describe('password hashing (scrypt)', () => {
  it('round-trips, is salted, and rejects wrong or tampered input', async () => {
    const a = await hashPassword('correct horse battery');
    const b = hashPasswordSync('correct horse battery');
    expect(a).not.toBe(b); // different salts
    expect(a).not.toContain('correct');
    expect(a.startsWith('scrypt$32768$8$1$')).toBe(true);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse battery', b)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    const parts = a.split('$');
    parts[5] = Buffer.alloc(64).toString('base64url');
    expect(await verifyPassword('correct horse battery', parts.join('$'))).toBe(false);
    expect(await verifyPassword('x', 'plain-text')).toBe(false);
  });
});

describe('access tokens', () => {
  const secret = 's'.repeat(40);
  const claims = { sub: 'u1', role: 'agent' as const, sid: 's1', ver: 0, iat: 1000, exp: 1000 + 900 };

  it('verify until exp on the given clock, not after', () => {
    const t = signAccessToken(claims, secret);
    expect(verifyAccessToken(t, secret, 1000_000)).toEqual(claims);
    expect(verifyAccessToken(t, secret, 1899_999)).not.toBeNull();
    expect(verifyAccessToken(t, secret, 1900_000)).toBeNull();
  });

  it('refuse another secret, a changed payload and alg none', () => {
    const t = signAccessToken(claims, secret);
    expect(verifyAccessToken(t, 'o'.repeat(40), 1000_000)).toBeNull();
    const [h, , s] = t.split('.');
    const forged = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString('base64url');
    expect(verifyAccessToken(`${h}.${forged}.${s}`, secret, 1000_000)).toBeNull();
    const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    expect(verifyAccessToken(`${none}.${forged}.`, secret, 1000_000)).toBeNull();
  });
});

describe('rate limiter and login guard (virtual clock)', () => {
  it('limits per window and resets when the window passes', () => {
    const clock = new VirtualClock(0);
    const rl = new RateLimiter(clock, 2, 1000);
    expect([rl.hit('k'), rl.hit('k'), rl.hit('k')]).toEqual([true, true, false]);
    expect(rl.hit('other')).toBe(true);
    expect(rl.retryAfterSeconds('k')).toBe(1);
    clock.advance(1000);
    expect(rl.hit('k')).toBe(true);
  });

  it('throttle delays grow from base, doubling per failure past the free ones, up to the cap', () => {
    const step = { free: 3, baseMs: 1000, maxMs: 15 * 60_000 };
    expect([0, 1, 2, 3, 4, 5, 6, 7, 13, 14, 40, 10_000].map((n) => throttleDelayMs(step, n))).toEqual([
      0, 0, 0, 0, 1000, 2000, 4000, 8000, 512_000, 900_000, 900_000, 900_000,
    ]);
  });
});

describe('permission matrix', () => {
  it('admins manage users; nobody else does; everyone may place calls and read their metrics', () => {
    expect(ROLES.filter((r) => can(r, 'users.manage'))).toEqual(['admin']);
    expect(ROLES.every((r) => can(r, 'calls.place') && can(r, 'metrics.read'))).toBe(true);
    expect(ROLES.map(callScope)).toEqual(['own', 'team', 'all', 'all']);
    for (const roles of Object.values(PERMISSIONS)) for (const r of roles) expect(ROLES).toContain(r);
  });
});
