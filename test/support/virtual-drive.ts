import type { VirtualClock } from '../../engine/clock/index.js';

/**
 * What a clock's drive waits for after each step (e.g. a PostgreSQL store's pending I/O: its writes are real
 * round trips, SQLite's are synchronous), so virtual time never runs ahead of the store.
 */
const settlers = new WeakMap<VirtualClock, () => Promise<void>>();

/** Makes `drive` (and `whileRunning`) on `clock` wait for `settle` after each step. */
export function settleOn(clock: VirtualClock, settle: () => Promise<void>): void {
  settlers.set(clock, settle);
}

/**
 * Advances virtual time in 20 ms steps, yielding to real I/O between steps (the engine and the simulator talk
 * over real sockets), until `done` or the virtual budget ends.
 */
export async function drive(clock: VirtualClock, done: () => boolean, maxVirtualMs: number): Promise<void> {
  const end = clock.now() + maxVirtualMs;
  const settle = settlers.get(clock);
  while (!done() && clock.now() < end) {
    clock.advance(20);
    await new Promise<void>((res) => setImmediate(res));
    await new Promise<void>((res) => setImmediate(res));
    if (settle) await settle();
  }
}

/** Keeps virtual time moving while `p` (e.g. engine.stop(), which waits for hang-ups) settles. */
export async function whileRunning<T>(clock: VirtualClock, p: Promise<T>): Promise<T> {
  let settled = false;
  const q = p.finally(() => (settled = true));
  await drive(clock, () => settled, 10 * 60_000);
  return q;
}
