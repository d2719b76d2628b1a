import type { Clock } from '../../engine/clock/index.js';
import type { AuthLoginThrottle } from '../../engine/store/index.js';
import { RateLimiter } from './rate-limit.js';

/** Growing delays after a number of free failures: base, 2×base, 4×base … up to max. */
export interface ThrottleStep {
  /** Failures allowed before any delay. */
  free: number;
  baseMs: number;
  maxMs: number;
}

export interface LoginGuardOptions {
  /** One account from one address. */
  pair?: ThrottleStep;
  /** One address, all accounts (password spraying). */
  address?: ThrottleStep;
  /** Flood brake: attempts per address per window, whatever their outcome (in memory). */
  perIp?: number;
  windowMs?: number;
  /** Failures are forgotten this long after the last one. */
  forgetAfterMs?: number;
}

export type LoginVerdict = { ok: true } | { ok: false; reason: 'rate_limited' | 'throttled'; retryAfterSeconds: number };

const DEFAULTS = {
  pair: { free: 3, baseMs: 1_000, maxMs: 15 * 60_000 },
  address: { free: 20, baseMs: 1_000, maxMs: 15 * 60_000 },
  perIp: 30,
  windowMs: 60_000,
  forgetAfterMs: 24 * 3600_000,
};

/** The delay after `failures` failures: none while free, then base doubling per failure, capped. Pure. */
export function throttleDelayMs(step: ThrottleStep, failures: number): number {
  if (failures <= step.free) return 0;
  return Math.min(step.maxMs, step.baseMs * 2 ** Math.min(30, failures - step.free - 1));
}

/**
 * Brute-force brakes for POST /api/auth/login, after OWASP's authentication cheat sheet: no hard lock of an
 * account (that hands anyone who can reach the port a way to lock the admin out for good), but growing delays
 * keyed by **account and address together** and by **address** alone. A stranger who fails from their address
 * slows only themselves: the right password from any other address is never refused because of them. Counters
 * live in the store (`login_throttle`, SQLite or PostgreSQL: shared by every API process of one database), so a restart neither resets an attacker's delay nor forgets it; time comes
 * from the Clock.
 *
 * Known limit: people behind one NAT address share the address counters; a stranger on the same address can delay
 * (not lock) an account's logins from that address by up to `pair.maxMs` per attempt.
 */
export class LoginGuard {
  private readonly flood: RateLimiter;
  private readonly o: typeof DEFAULTS;
  private lastSweep = 0;

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    private readonly repo: AuthLoginThrottle,
    options: LoginGuardOptions = {},
  ) {
    this.o = { ...DEFAULTS, ...options };
    this.flood = new RateLimiter(clock, this.o.perIp, this.o.windowMs);
  }

  private keys(ip: string, username: string): { pair: string; address: string } {
    return { pair: `pair:${username.toLowerCase()}|${ip}`, address: `ip:${ip}` };
  }

  /** Call before checking the password. */
  async admit(ip: string, username: string): Promise<LoginVerdict> {
    const now = this.clock.now();
    const { pair, address } = this.keys(ip, username);
    let until = 0;
    for (const row of await this.repo.get([pair, address])) {
      if (now - row.lastFailureAt < this.o.forgetAfterMs) until = Math.max(until, row.blockedUntil);
    }
    if (until > now) return { ok: false, reason: 'throttled', retryAfterSeconds: Math.ceil((until - now) / 1000) };
    if (!this.flood.hit(ip)) return { ok: false, reason: 'rate_limited', retryAfterSeconds: this.flood.retryAfterSeconds(ip) };
    return { ok: true };
  }

  async failed(ip: string, username: string): Promise<void> {
    const now = this.clock.now();
    await this.sweep(now);
    const { pair, address } = this.keys(ip, username);
    await this.repo.fail(pair, now, (n) => now + throttleDelayMs(this.o.pair, n));
    await this.repo.fail(address, now, (n) => now + throttleDelayMs(this.o.address, n));
  }

  /** The account's counter from this address starts over; the address's own counter only decays (a success on an
   * attacker's own account must not buy fresh guesses at others). */
  async succeeded(ip: string, username: string): Promise<void> {
    await this.repo.clear(this.keys(ip, username).pair);
  }

  /** Forgets stale counters, at most once an hour (keys sprayed with random usernames cannot pile up). */
  private async sweep(now: number): Promise<void> {
    if (now - this.lastSweep < 3600_000) return;
    this.lastSweep = now;
    await this.repo.forgetBefore(now - this.o.forgetAfterMs);
  }
}
