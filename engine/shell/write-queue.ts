/**
 * The engine's writes to the store, kept when the database cannot take them. A write that fails because the
 * file cannot be written (disk full, I/O error, read-only: engine/store `storageWriteFailure`) is queued, and so is
 * every write after it while one waits, so they reach the database in the order they happened; the queue is
 * retried every `retryMs` and flushed as soon as the database takes writes again. While anything waits the queue is
 * not `writable` and the engine places no new calls (live calls go on, their state is in memory); /health reports
 * it. One log line when writes start failing and one when they succeed again, never one per write.
 *
 * Failures of writes that are not queued (the hopper's lease when a call would be placed) are reported with
 * `noteFailure`; the queue then probes the database (`probe`, one real write) until it answers.
 *
 * Asynchronous writes (the PostgreSQL store returns Promises) keep the same order: while one is in flight the
 * next ones wait in the queue behind it (the store's connections are a pool, so two writes started at once could
 * land in either order — an `end` before its `create` would be lost). A rejected one is retried at the head, and
 * a storage failure there (a lost connection, PostgreSQL shutting down: engine/store `storageWriteFailure`)
 * degrades the queue exactly like a full disk does on SQLite.
 *
 * Bounded: beyond `maxPending` writes (an outage far longer than any call) the oldest are dropped, counted and
 * logged once; with dialing stopped only live calls and agents produce writes, so the bound is not reached in
 * practice. Any other error of a write (a bug, a constraint) is logged and the write dropped: retrying cannot help.
 */
import type { Clock, TimerHandle } from '../clock/index.js';
import type { Logger } from '../log/index.js';
import { describeStorageFailure, storageWriteFailure } from '../store/index.js';

export interface StoreWritesStatus {
  /** The database takes writes and nothing waits: the engine may dial. */
  writable: boolean;
  /** Writes waiting for the database, oldest first. */
  pendingWrites: number;
  /** The last storage failure ("SQLITE_FULL: database or disk is full"), kept after recovery; null before any. */
  lastError: string | null;
  /** Clock ms since when writes fail; null while writable. */
  failingSince: number | null;
  /** Writes dropped because the queue was full (0 unless an outage outlasted `maxPending` writes). */
  droppedWrites: number;
}

export interface StoreWriteQueueOptions {
  clock: Clock;
  logger: Logger;
  /** One real write; throws (or rejects) while the database cannot be written (Store.probeWrite). */
  probe?: () => unknown;
  /** Retry period while failing (ms, default 1000). */
  retryMs?: number;
  /** Writes kept at most while failing (default 100 000). */
  maxPending?: number;
}

interface PendingWrite {
  label: string;
  write: () => unknown;
}

export class StoreWriteQueue {
  private readonly pending: PendingWrite[] = [];
  private failingSince: number | null = null;
  private lastError: string | null = null;
  private dropped = 0;
  private retryTimer: TimerHandle | undefined;
  private readonly listeners = new Set<(writable: boolean) => void>();
  private closed = false;
  /** An asynchronous write is in flight: later writes wait behind it (order), without the queue being degraded. */
  private inFlight = false;
  /** An asynchronous probe is in flight (one at a time). */
  private probing = false;
  private readonly idleWaiters = new Set<() => void>();

  constructor(private readonly o: StoreWriteQueueOptions) {}

  get writable(): boolean {
    // Writes queued behind an asynchronous one in flight are the pipeline, not a backlog.
    return this.failingSince === null && (this.pending.length === 0 || this.inFlight);
  }

  get pendingWrites(): number {
    return this.pending.length + (this.inFlight ? 1 : 0);
  }

  status(): StoreWritesStatus {
    return {
      writable: this.writable,
      pendingWrites: this.pendingWrites,
      lastError: this.lastError,
      failingSince: this.failingSince,
      droppedWrites: this.dropped,
    };
  }

  /** Called with `true` when writes succeed again (the queue flushed), `false` when they start failing. */
  onChange(fn: (writable: boolean) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Performs `write` now, or queues it behind the writes still waiting (in order, retried until it succeeds). */
  run(label: string, write: () => unknown): void {
    if (this.failingSince !== null || this.pending.length > 0 || this.inFlight) {
      this.push({ label, write });
      return;
    }
    this.push({ label, write });
    this.drain();
  }

  /**
   * Resolves when nothing waits and nothing is in flight, or when the queue is failing (what waits then is the
   * caller's to report), or after `timeoutMs`. The engine's stop waits for its last asynchronous writes with it.
   */
  idle(timeoutMs: number): Promise<boolean> {
    const done = () => (this.pending.length === 0 && !this.inFlight) || this.failingSince !== null;
    if (done()) return Promise.resolve(this.pending.length === 0);
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.idleWaiters.delete(waiter);
        resolve(this.pending.length === 0 && !this.inFlight);
      };
      const waiter = (): void => {
        if (done()) finish();
      };
      // A real timer: the engine stops on the wall clock whatever clock drives the calls.
      const timer = setTimeout(finish, timeoutMs);
      this.idleWaiters.add(waiter);
    });
  }

  /**
   * A write outside the queue failed (e.g. the hopper's lease). Returns true when it is a storage failure: the
   * queue degrades (no dialing) and probes the database until it takes writes again. False: not ours, the caller
   * reports it.
   */
  noteFailure(err: unknown): boolean {
    if (storageWriteFailure(err) === null) return false;
    this.fail(err);
    return true;
  }

  /**
   * Tries the waiting writes now (also done every `retryMs` while failing); returns whether all went through.
   * With an asynchronous write in flight it returns false at once: the rest follows when it settles.
   */
  flush(): boolean {
    if (this.inFlight || this.probing) return false;
    if (!this.drain()) return false;
    if (this.failingSince !== null && this.o.probe) {
      let result: unknown;
      try {
        result = this.o.probe();
      } catch (err) {
        if (storageWriteFailure(err) !== null) {
          this.fail(err);
          return false;
        }
        this.o.logger.error({ err }, 'database write probe failed');
      }
      if (isThenable(result)) {
        this.probing = true;
        result.then(
          () => {
            this.probing = false;
            if (this.failingSince !== null && this.pending.length === 0 && !this.inFlight) this.recover();
            else this.drain();
          },
          (err: unknown) => {
            this.probing = false;
            if (storageWriteFailure(err) !== null) this.fail(err);
            else {
              this.o.logger.error({ err }, 'database write probe failed');
              if (this.failingSince !== null) this.recover();
            }
          },
        );
        return false;
      }
    }
    if (this.failingSince !== null) this.recover();
    return true;
  }

  /**
   * Runs the waiting writes in order until one is asynchronous (the rest continue when it settles) or one fails
   * for lack of storage. True when nothing waits any more and nothing is in flight.
   */
  private drain(): boolean {
    while (this.pending.length > 0 && !this.inFlight) {
      let failure: unknown = null;
      const head = this.pending[0]!;
      const outcome = this.attempt(head, (err) => {
        failure = err;
      });
      if (outcome === 'failed' && failure !== null) {
        this.fail(failure);
        return false;
      }
      this.pending.shift();
      if (outcome === 'async') {
        // Not shifted twice: `attempt` puts a failed asynchronous write back at the head itself.
        return false;
      }
    }
    if (this.pending.length === 0 && !this.inFlight) {
      this.notifyIdle();
      return true;
    }
    return false;
  }

  private notifyIdle(): void {
    for (const w of [...this.idleWaiters]) w();
  }

  /** Stops retrying (engine shut down); what still waits stays in `pendingWrites`. */
  close(): void {
    this.closed = true;
    this.o.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /**
   * Runs one write. 'done': it went through (or failed for a reason retrying cannot fix: logged, dropped);
   * 'failed': a storage failure, given to `onStorageFailure`; 'async': a Promise in flight — the queue waits for it,
   * and on a storage failure puts it back at the head and degrades.
   */
  private attempt(w: PendingWrite, onStorageFailure: (err: unknown) => void): 'done' | 'failed' | 'async' {
    try {
      const result = w.write();
      if (isThenable(result)) {
        this.inFlight = true;
        result.then(
          () => {
            this.inFlight = false;
            this.afterAsync();
          },
          (err: unknown) => {
            this.inFlight = false;
            if (storageWriteFailure(err) !== null) {
              this.pending.unshift(w);
              this.fail(err);
              this.notifyIdle();
              return;
            }
            this.o.logger.error({ err, write: w.label }, 'a store write failed (not retried: not a storage failure)');
            this.afterAsync();
          },
        );
        return 'async';
      }
      return 'done';
    } catch (err) {
      if (storageWriteFailure(err) !== null) {
        onStorageFailure(err);
        return 'failed';
      }
      this.o.logger.error({ err, write: w.label }, 'a store write failed (not retried: not a storage failure)');
      return 'done';
    }
  }

  /** An asynchronous write settled fine: the next ones go on (while failing, the retry timer's flush does). */
  private afterAsync(): void {
    // While failing, `flush` goes on with the backlog and, once it is empty, probes and recovers.
    if (this.failingSince === null) this.drain();
    else if (!this.closed) this.flush();
  }

  private push(w: PendingWrite): void {
    const max = this.o.maxPending ?? 100_000;
    if (this.pending.length >= max) {
      this.pending.shift();
      if (this.dropped++ === 0) {
        this.o.logger.error({ maxPending: max }, 'database writes have failed for so long that the oldest queued writes are being dropped');
      }
    }
    this.pending.push(w);
  }

  private fail(err: unknown): void {
    const f = storageWriteFailure(err)!;
    this.lastError = describeStorageFailure(f);
    if (this.failingSince === null) {
      this.failingSince = this.o.clock.now();
      this.o.logger.error(
        { code: f.code, pendingWrites: this.pending.length, retryMs: this.retryMs },
        `database writes fail (${this.lastError}): no new calls are placed, live calls go on; writes are queued and retried until the database takes them`,
      );
      this.emit(false);
    }
    this.schedule();
  }

  private recover(): void {
    const since = this.failingSince ?? this.o.clock.now();
    this.failingSince = null;
    this.o.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.o.logger.info(
      { failedForMs: this.o.clock.now() - since, droppedWrites: this.dropped },
      'database writes succeed again: queued writes saved, dialing resumes',
    );
    this.emit(true);
  }

  private schedule(): void {
    if (this.retryTimer !== undefined || this.closed) return;
    this.retryTimer = this.o.clock.setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.closed) this.flush();
    }, this.retryMs);
  }

  private get retryMs(): number {
    return this.o.retryMs ?? 1000;
  }

  private emit(writable: boolean): void {
    for (const fn of this.listeners) {
      try {
        fn(writable);
      } catch (err) {
        this.o.logger.error({ err }, 'write-queue listener failed');
      }
    }
  }
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}
