import type { Clock } from '../../engine/clock/index.js';

/**
 * Fixed-window counter per key, in memory (one API node; several nodes each count their own). Time comes from the
 * Clock so tests move it. Old windows are swept lazily so the map cannot grow without bound.
 */
export class RateLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Counts one hit; false when the key is over its limit in the current window. */
  hit(key: string): boolean {
    const now = this.clock.now();
    if (this.windows.size > 10_000) this.sweep(now);
    const w = this.windows.get(key);
    if (w === undefined || now - w.start >= this.windowMs) {
      this.windows.set(key, { start: now, count: 1 });
      return true;
    }
    w.count++;
    return w.count <= this.limit;
  }

  /** Seconds until the key's window resets (for Retry-After). */
  retryAfterSeconds(key: string): number {
    const w = this.windows.get(key);
    if (w === undefined) return 0;
    return Math.max(0, Math.ceil((w.start + this.windowMs - this.clock.now()) / 1000));
  }

  private sweep(now: number): void {
    for (const [k, w] of this.windows) if (now - w.start >= this.windowMs) this.windows.delete(k);
  }
}
