/**
 * RTP port allocation from RTP_PORT_MIN..RTP_PORT_MAX, pure: which port to try next. Binding happens in the
 * worker that will own the socket; when a bind fails because something else holds the port, the plane reports
 * it here (`markBusy`) and asks again, so ports used by other programs are skipped (and retried only after the
 * rest of the range has been tried, since they may be freed later).
 *
 * Round-robin rather than lowest-free: a port just released is the last to be reused, so late packets of an
 * ended call do not land in the next call's session.
 */
export class PortAllocator {
  readonly min: number;
  readonly max: number;
  private readonly inUse = new Set<number>();
  /** Ports that failed to bind, with the allocation count at which they may be tried again. */
  private readonly busyUntil = new Map<number, number>();
  private cursor: number;
  private allocations = 0;

  constructor(min: number, max: number) {
    if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || max > 65535 || min > max) {
      throw new RangeError(`invalid RTP port range ${min}..${max}`);
    }
    this.min = min;
    this.max = max;
    this.cursor = min;
  }

  get size(): number {
    return this.max - this.min + 1;
  }

  get used(): number {
    return this.inUse.size;
  }

  /** Reserves the next free port, or returns undefined when every port is taken or marked busy. */
  allocate(): number | undefined {
    const size = this.size;
    for (let i = 0; i < size; i++) {
      const port = this.cursor;
      this.cursor = port === this.max ? this.min : port + 1;
      if (this.inUse.has(port)) continue;
      const until = this.busyUntil.get(port);
      if (until !== undefined) {
        if (this.allocations < until) continue;
        this.busyUntil.delete(port);
      }
      this.inUse.add(port);
      this.allocations++;
      return port;
    }
    return undefined;
  }

  /** Returns a port to the pool (the session closed). */
  release(port: number): void {
    this.inUse.delete(port);
  }

  /** The port could not be bound (someone else has it): release it and skip it for a full turn of the range. */
  markBusy(port: number): void {
    this.inUse.delete(port);
    this.busyUntil.set(port, this.allocations + this.size);
  }

  isInUse(port: number): boolean {
    return this.inUse.has(port);
  }
}
