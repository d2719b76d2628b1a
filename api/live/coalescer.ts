import type { Clock, TimerHandle } from '../../engine/clock/index.js';

/**
 * Turns a stream of "something changed" marks into at most one flush per `intervalMs` (trailing edge). The board
 * wants a fresh snapshot a few times a second, never one per ARI event: a burst of 10,000 events costs one
 * snapshot, and a quiet engine costs nothing (no timer runs while nothing changed).
 */
export class Coalescer {
  private dirty = false;
  private timer: TimerHandle | undefined;
  private closed = false;

  constructor(
    private readonly clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>,
    private readonly intervalMs: number,
    private readonly flush: () => void,
  ) {}

  mark(): void {
    if (this.closed) return;
    this.dirty = true;
    if (this.timer === undefined) this.timer = this.clock.setTimeout(() => this.tick(), this.intervalMs);
  }

  private tick(): void {
    this.timer = undefined;
    if (!this.dirty || this.closed) return;
    this.dirty = false;
    this.flush();
  }

  close(): void {
    this.closed = true;
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
