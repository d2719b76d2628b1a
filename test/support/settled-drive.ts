/**
 * Virtual time over a store that answers with real I/O (#18): PostgreSQL's round trips take real milliseconds, and
 * `drive`'s 20 ms steps (two setImmediates each) would run the virtual clock seconds ahead of a recorder or engine
 * still waiting for its database. `trackPending` wraps a port (every function of it, nested objects included) and
 * counts the calls whose Promise has not settled; `driveSettled` advances the clock only once none is in flight, so
 * virtual time moves as it does over SQLite's synchronous answers, and `done` may itself read the store (the
 * engine rigs' `settleOn` of test/support/virtual-drive.ts waits on the pool the same way, with a synchronous `done`).
 */
import type { VirtualClock } from '../../engine/clock/index.js';

export interface Pending {
  /** Resolves once no tracked call is in flight (checked again a turn later: a settled write may start the next). */
  idle(): Promise<void>;
  readonly count: number;
}

const turn = () => new Promise<void>((r) => setImmediate(r));

/** `port` with every call counted in `pending` (one counter for several ports: pass the same `pending`). */
export function trackPending<T extends object>(port: T, pending: PendingCounter = pendingCounter()): T & { readonly pending: Pending } {
  const wrap = (o: object): object =>
    new Proxy(o, {
      get(target, key, receiver) {
        if (key === 'pending') return pending;
        const v = Reflect.get(target, key, receiver) as unknown;
        if (typeof v === 'function') {
          return (...args: unknown[]) => {
            const r = (v as (...a: unknown[]) => unknown).apply(target, args);
            if (r instanceof Promise) {
              pending.enter();
              r.then(pending.leave, pending.leave);
            }
            return r;
          };
        }
        return v !== null && typeof v === 'object' && !Array.isArray(v) ? wrap(v) : v;
      },
    });
  return wrap(port) as T & { readonly pending: Pending };
}

export interface PendingCounter extends Pending {
  enter(): void;
  leave(): void;
}

export function pendingCounter(): PendingCounter {
  let n = 0;
  return {
    get count() {
      return n;
    },
    enter: () => void n++,
    leave: () => void n--,
    async idle() {
      for (;;) {
        while (n > 0) await turn();
        await turn();
        if (n === 0) return;
      }
    },
  };
}

/**
 * Advances virtual time in 20 ms steps until `done` (which may read the store) or the virtual budget ends, each
 * step only once `pending` is idle.
 */
export async function driveSettled(clock: VirtualClock, pending: Pending, done: () => boolean | Promise<boolean>, maxVirtualMs: number): Promise<void> {
  const end = clock.now() + maxVirtualMs;
  for (;;) {
    await pending.idle();
    if ((await done()) || clock.now() >= end) return;
    clock.advance(20);
    await turn();
    await turn();
  }
}
