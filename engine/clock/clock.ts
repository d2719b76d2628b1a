/**
 * Time is an input (DESIGN.md): the core never calls Date.now() or setTimeout itself, it is handed a Clock.
 * The shell uses `systemClock`; tests and the simulator use a `VirtualClock` and run hours in milliseconds.
 */
export interface TimerHandle {
  readonly id: number;
}

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle | undefined): void;
}
