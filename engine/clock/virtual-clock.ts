import type { Clock, TimerHandle } from './clock.js';

interface PendingTimer {
  readonly id: number;
  due: number;
  readonly seq: number;
  readonly fn: () => void;
  readonly every: number | null;
}

/**
 * A clock that only moves when told to. Timers fire in due order (ties in the order they were set), and a
 * timer set while advancing fires in the same advance if it falls due before the target time.
 */
export class VirtualClock implements Clock {
  private current: number;
  private readonly timers = new Map<number, PendingTimer>();
  private nextId = 1;
  private seq = 0;

  constructor(startMs = Date.UTC(2026, 0, 5, 9, 0, 0)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.add(fn, Math.max(0, ms), null);
  }

  setInterval(fn: () => void, ms: number): TimerHandle {
    const every = Math.max(1, ms);
    return this.add(fn, every, every);
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle) this.timers.delete(handle.id);
  }

  clearInterval(handle: TimerHandle | undefined): void {
    this.clearTimeout(handle);
  }

  /** Number of timers waiting to fire. */
  get pending(): number {
    return this.timers.size;
  }

  /** Due time of the next timer, or null when none is set. */
  nextDue(): number | null {
    const next = this.earliest();
    return next ? next.due : null;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  advanceTo(target: number): void {
    for (;;) {
      const next = this.earliest();
      if (!next || next.due > target) break;
      this.current = Math.max(this.current, next.due);
      if (next.every === null) this.timers.delete(next.id);
      else next.due += next.every;
      next.fn();
    }
    this.current = Math.max(this.current, target);
  }

  /**
   * Advances in steps, letting the event loop run between them so that real I/O (sockets, promises)
   * interleaves with virtual time. `stepMs` is the virtual time per step.
   */
  async advanceAsync(ms: number, stepMs = 20): Promise<void> {
    const target = this.current + ms;
    while (this.current < target) {
      this.advanceTo(Math.min(target, this.current + stepMs));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private add(fn: () => void, delay: number, every: number | null): TimerHandle {
    const timer: PendingTimer = { id: this.nextId++, due: this.current + delay, seq: this.seq++, fn, every };
    this.timers.set(timer.id, timer);
    return { id: timer.id };
  }

  private earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers.values()) {
      if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
  }
}
