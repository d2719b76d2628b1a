import type { Clock, TimerHandle } from './clock.js';

interface SystemHandle extends TimerHandle {
  readonly timer: NodeJS.Timeout;
}

let nextId = 1;

/** The wall clock, for the imperative shell. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle: SystemHandle = { id: nextId++, timer: setTimeout(fn, Math.max(0, ms)) };
    return handle;
  },
  clearTimeout(handle) {
    if (handle) clearTimeout((handle as SystemHandle).timer);
  },
  setInterval(fn, ms) {
    const handle: SystemHandle = { id: nextId++, timer: setInterval(fn, Math.max(1, ms)) };
    return handle;
  },
  clearInterval(handle) {
    if (handle) clearInterval((handle as SystemHandle).timer);
  },
};
