/**
 * The recordings' job queue: jobs persisted in the store (recording_jobs), at most `concurrency` running, each
 * failure retried after an exponential backoff up to `maxAttempts`, unless it says retrying cannot help
 * (`permanent`). A job's attempts, last error and state are written as they happen, so a restart resumes the
 * queue: jobs a dead process left running are queued again. Time is the Clock (tests drive it).
 */
import type { Clock, TimerHandle } from '../clock/index.js';
import type { Logger } from '../log/index.js';
import type { StoreWriteQueue } from '../shell/index.js';
import { sortableId, type RecorderStore, type RecordingJobKind, type RecordingJobRow } from '../store/index.js';

export type JobHandler = (job: RecordingJobRow) => Promise<void>;

export interface JobFailure {
  job: RecordingJobRow;
  error: string;
  /** No more attempts: the job is failed for good. */
  final: boolean;
  retryAt: number | null;
}

export interface RecordingQueueOptions {
  jobs: RecorderStore['jobs'];
  /**
   * The recorder's write queue: a job's insert and its settlement go through it, in order behind the recording's
   * row updates, held and retried while the database cannot take them (a job is never lost to an outage).
   */
  writes: StoreWriteQueue;
  clock: Clock;
  logger: Logger;
  nodeId: string;
  concurrency: number;
  handlers: Record<RecordingJobKind, JobHandler>;
  /** Told about every failed attempt (the recorder writes it on the recording). */
  onFailure?: (f: JobFailure) => void;
  /** Backoff: base × 2^(attempt−1), capped. */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** While the database cannot be read, the queue looks again after this long (ms, default 5000). */
  retryMs?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 5;

export function backoffMs(attempt: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

export class RecordingQueue {
  private running = 0;
  private timer: TimerHandle | undefined;
  private timerAt: number | null = null;
  private closed = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** A pump is reading the database: another one asked meanwhile runs after it (one at a time). */
  private pumping: Promise<void> | null = null;
  private again = false;
  private readFailing = false;

  constructor(private readonly o: RecordingQueueOptions) {}

  /** Resumes after a restart (after `after`, the recorder's own recovery): jobs left running are queued again; due jobs start. */
  start(after?: Promise<void>): Promise<void> {
    this.started = (after ?? Promise.resolve()).then(() => this.requeue());
    return this.started;
  }

  private started: Promise<void> | null = null;

  private async requeue(): Promise<void> {
    try {
      const n = await this.o.jobs.requeueRunning(this.o.nodeId, this.o.clock.now());
      if (n > 0) this.o.logger.info({ jobs: n }, 'recording jobs left running by the previous process are queued again');
    } catch (err) {
      this.o.logger.error({ err }, 'could not queue again the recording jobs left running (the next start does)');
    }
    this.pump();
  }

  /** Queues a job (through the write queue); the queue looks for due jobs once it is stored. */
  enqueue(callId: string, kind: RecordingJobKind, maxAttempts = DEFAULT_MAX_ATTEMPTS): void {
    const at = this.o.clock.now();
    const job = { id: sortableId(at), callId, kind, maxAttempts, at, nodeId: this.o.nodeId };
    this.o.writes.run(`recording job ${kind}`, () => this.o.jobs.enqueue(job).then(() => this.pump()));
  }

  get active(): number {
    return this.running;
  }

  /**
   * Resolves when nothing runs, no write waits and nothing queued is due now (tests). Looks every few ms of real
   * time: the queue's own steps may all be microtasks (SQLite answers at once) and must not be starved.
   */
  async idle(): Promise<void> {
    await this.started;
    while (!this.closed) {
      await this.o.writes.idle(60_000);
      if (this.running === 0 && !this.pumping && this.o.writes.pendingWrites === 0) {
        const due = await this.o.jobs.due(this.o.nodeId, this.o.clock.now(), 1);
        if (due.length === 0 && this.running === 0 && !this.pumping && this.o.writes.pendingWrites === 0) return;
      }
      this.pump();
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  /** Stops taking jobs and waits for the running ones (they finish or fail; nothing is cut half-way). */
  async close(): Promise<void> {
    this.closed = true;
    this.o.clock.clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
    await this.pumping?.catch(() => undefined);
  }

  /** Starts due jobs up to the concurrency, and sets a timer for the next one due later. */
  pump(): void {
    if (this.closed) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = this.pumpOnce().finally(() => {
      this.pumping = null;
      if (this.again) {
        this.again = false;
        this.pump();
      }
    });
  }

  private async pumpOnce(): Promise<void> {
    try {
      const free = this.o.concurrency - this.running;
      if (free > 0) {
        const now = this.o.clock.now();
        for (const job of await this.o.jobs.due(this.o.nodeId, now, free)) {
          if (this.closed || !(await this.o.jobs.claim(job.id, now))) continue;
          this.run({ ...job, attempts: job.attempts + 1, state: 'running' });
        }
      }
      await this.armTimer();
      if (this.readFailing) {
        this.readFailing = false;
        this.o.logger.info('recording jobs: the database answers again');
      }
    } catch (err) {
      // The database cannot be read now (PostgreSQL away): the jobs wait in it; looked for again soon.
      if (!this.readFailing) this.o.logger.error({ err }, 'recording jobs: cannot read the queue; retrying');
      this.readFailing = true;
      this.setTimer(this.o.clock.now() + (this.o.retryMs ?? 5000));
    }
  }

  private async armTimer(): Promise<void> {
    const next = await this.o.jobs.nextRunAt(this.o.nodeId);
    if (next === null || this.closed) return;
    this.setTimer(next);
  }

  private setTimer(at: number): void {
    if (this.closed) return;
    if (this.timerAt !== null && this.timerAt <= at) return;
    this.o.clock.clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = this.o.clock.setTimeout(() => {
      this.timerAt = null;
      this.pump();
    }, Math.max(0, at - this.o.clock.now()));
  }

  private run(job: RecordingJobRow): void {
    this.running++;
    const handler = this.o.handlers[job.kind];
    const p = (async () => {
      try {
        await handler(job);
        const at = this.o.clock.now();
        this.o.writes.run('recording job done', () => this.o.jobs.settle(job.id, 'done', at, { lastError: null }).then(() => this.pump()));
      } catch (err) {
        this.fail(job, err);
      }
    })().finally(() => {
      this.running--;
      this.inFlight.delete(p);
      this.pump();
    });
    this.inFlight.add(p);
  }

  private fail(job: RecordingJobRow, err: unknown): void {
    const now = this.o.clock.now();
    const error = err instanceof Error ? err.message : String(err);
    const permanent = Boolean((err as { permanent?: boolean } | null)?.permanent);
    const final = permanent || job.attempts >= job.maxAttempts;
    const retryAt = final ? null : now + backoffMs(job.attempts, this.o.backoffBaseMs ?? 5000, this.o.backoffMaxMs ?? 10 * 60_000);
    this.o.writes.run('recording job failure', () =>
      (final ? this.o.jobs.settle(job.id, 'failed', now, { lastError: error }) : this.o.jobs.settle(job.id, 'queued', now, { lastError: error, runAt: retryAt! })).then(() => this.pump()),
    );
    this.o.logger.warn({ callId: job.callId, kind: job.kind, attempt: job.attempts, final, error }, final ? 'recording job failed' : 'recording job failed; will retry');
    try {
      this.o.onFailure?.({ job, error, final, retryAt });
    } catch (e) {
      this.o.logger.error({ err: e }, 'recording failure listener failed');
    }
  }
}
