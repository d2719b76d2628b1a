import type { Clock } from '../../engine/clock/index.js';
import { RateLimiter } from './rate-limit.js';

export interface LoginGuardOptions {
  /** Attempts per IP per window (all usernames). */
  perIp?: number;
  /** Attempts per username per window (all IPs). */
  perUser?: number;
  windowMs?: number;
  /** Consecutive failures that lock a username. */
  lockAfter?: number;
  lockMs?: number;
}

export type LoginVerdict = { ok: true } | { ok: false; reason: 'rate_limited' | 'locked'; retryAfterSeconds: number };

/**
 * Brute-force brakes for POST /api/auth/login: a rate limit per IP and per username, and a lockout after repeated
 * failures for one username (reset by a success). In memory, time from the Clock.
 */
export class LoginGuard {
  private readonly ip: RateLimiter;
  private readonly user: RateLimiter;
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>();
  private readonly lockAfter: number;
  private readonly lockMs: number;

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    o: LoginGuardOptions = {},
  ) {
    const windowMs = o.windowMs ?? 60_000;
    this.ip = new RateLimiter(clock, o.perIp ?? 20, windowMs);
    this.user = new RateLimiter(clock, o.perUser ?? 10, windowMs);
    this.lockAfter = o.lockAfter ?? 5;
    this.lockMs = o.lockMs ?? 15 * 60_000;
  }

  /** Call before checking the password; counts the attempt. */
  admit(ip: string, username: string): LoginVerdict {
    const u = username.toLowerCase();
    const f = this.failures.get(u);
    const now = this.clock.now();
    if (f !== undefined && f.lockedUntil > now) {
      return { ok: false, reason: 'locked', retryAfterSeconds: Math.ceil((f.lockedUntil - now) / 1000) };
    }
    if (!this.ip.hit(ip)) return { ok: false, reason: 'rate_limited', retryAfterSeconds: this.ip.retryAfterSeconds(ip) };
    if (!this.user.hit(u)) return { ok: false, reason: 'rate_limited', retryAfterSeconds: this.user.retryAfterSeconds(u) };
    return { ok: true };
  }

  failed(username: string): void {
    const u = username.toLowerCase();
    // Attackers spraying random usernames must not grow this map without bound: forget unlocked counts first.
    if (this.failures.size > 10_000) {
      const now = this.clock.now();
      for (const [k, f] of this.failures) if (f.lockedUntil <= now) this.failures.delete(k);
    }
    const f = this.failures.get(u) ?? { count: 0, lockedUntil: 0 };
    f.count++;
    if (f.count >= this.lockAfter) {
      f.lockedUntil = this.clock.now() + this.lockMs;
      f.count = 0;
    }
    this.failures.set(u, f);
  }

  succeeded(username: string): void {
    this.failures.delete(username.toLowerCase());
  }
}
