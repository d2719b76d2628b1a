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
  /** One real write; throws while the database cannot be written (Store.probeWrite). */
  probe?: () => void;
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

  constructor(private readonly o: StoreWriteQueueOptions) {}

  get writable(): boolean {
    return this.failingSince === null && this.pending.length === 0;
  }

  get pendingWrites(): number {
    return this.pending.length;
  }

  status(): StoreWritesStatus {
    return {
      writable: this.writable,
      pendingWrites: this.pending.length,
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
    if (this.failingSince !== null || this.pending.length > 0) {
      this.push({ label, write });
      return;
    }
    this.attempt({ label, write }, (err) => {
      this.push({ label, write });
      this.fail(err);
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

  /** Tries the waiting writes now (also done every `retryMs` while failing); returns whether all went through. */
  flush(): boolean {
    while (this.pending.length > 0) {
      let failure: unknown = null;
      const head = this.pending[0]!;
      const ok = this.attempt(head, (err) => {
        failure = err;
      });
      if (!ok && failure !== null) {
        this.fail(failure);
        return false;
      }
      this.pending.shift();
    }
    if (this.failingSince !== null && this.o.probe) {
      try {
        this.o.probe();
      } catch (err) {
        if (storageWriteFailure(err) !== null) {
          this.fail(err);
          return false;
        }
        this.o.logger.error({ err }, 'database write probe failed');
      }
    }
    if (this.failingSince !== null) this.recover();
    return true;
  }

  /** Stops retrying (engine shut down); what still waits stays in `pendingWrites`. */
  close(): void {
    this.closed = true;
    this.o.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Runs one write; a storage failure goes to `onStorageFailure` (returns false), other errors are logged. */
  private attempt(w: PendingWrite, onStorageFailure: (err: unknown) => void): boolean {
    try {
      const result = w.write();
      if (isThenable(result)) {
        // An asynchronous sink (embedders' lead sources): its failure joins the queue when it arrives.
        result.then(undefined, (err: unknown) => {
          if (storageWriteFailure(err) !== null) {
            this.push(w);
            this.fail(err);
          } else this.o.logger.error({ err, write: w.label }, 'a store write failed (not retried: not a storage failure)');
        });
      }
      return true;
    } catch (err) {
      if (storageWriteFailure(err) !== null) {
        onStorageFailure(err);
        return false;
      }
      this.o.logger.error({ err, write: w.label }, 'a store write failed (not retried: not a storage failure)');
      return true;
    }
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
