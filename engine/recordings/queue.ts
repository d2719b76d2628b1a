/**
 * The recordings' job queue: jobs persisted in the store (recording_jobs), at most `concurrency` running, each
 * failure retried after an exponential backoff up to `maxAttempts`, unless it says retrying cannot help
 * (`permanent`). A job's attempts, last error and state are written as they happen, so a restart resumes the
 * queue: jobs a dead process left running are queued again. Time is the Clock (tests drive it).
 */
import type { Clock, TimerHandle } from '../clock/index.js';
import type { Logger } from '../log/index.js';
import type { RecordingJobKind, RecordingJobRow, Store } from '../store/index.js';

export type JobHandler = (job: RecordingJobRow) => Promise<void>;

export interface JobFailure {
  job: RecordingJobRow;
  error: string;
  /** No more attempts: the job is failed for good. */
  final: boolean;
  retryAt: number | null;
}

export interface RecordingQueueOptions {
  store: Pick<Store, 'recordingJobs'>;
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
  private idleWaiters: Array<() => void> = [];

  constructor(private readonly o: RecordingQueueOptions) {}

  /** Resumes after a restart: jobs left running are queued again; due jobs start. */
  start(): void {
    const n = this.o.store.recordingJobs.requeueRunning(this.o.nodeId, this.o.clock.now());
    if (n > 0) this.o.logger.info({ jobs: n }, 'recording jobs left running by the previous process are queued again');
    this.pump();
  }

  enqueue(callId: string, kind: RecordingJobKind, maxAttempts = DEFAULT_MAX_ATTEMPTS): RecordingJobRow {
    const job = this.o.store.recordingJobs.enqueue({ callId, kind, maxAttempts, at: this.o.clock.now(), nodeId: this.o.nodeId });
    this.pump();
    return job;
  }

  get active(): number {
    return this.running;
  }

  /** Resolves when nothing runs and nothing queued is due now (tests). */
  idle(): Promise<void> {
    if (this.running === 0 && this.dueCount() === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Stops taking jobs and waits for the running ones (they finish or fail; nothing is cut half-way). */
  async close(): Promise<void> {
    this.closed = true;
    this.o.clock.clearTimeout(this.timer);
    await Promise.allSettled([...this.inFlight]);
  }

  private dueCount(): number {
    return this.o.store.recordingJobs.due(this.o.nodeId, this.o.clock.now(), 1).length;
  }

  /** Starts due jobs up to the concurrency, and sets a timer for the next one due later. */
  pump(): void {
    if (this.closed) return;
    const free = this.o.concurrency - this.running;
    if (free > 0) {
      const now = this.o.clock.now();
      for (const job of this.o.store.recordingJobs.due(this.o.nodeId, now, free)) {
        if (!this.o.store.recordingJobs.claim(job.id, now)) continue;
        this.run({ ...job, attempts: job.attempts + 1, state: 'running' });
      }
    }
    this.armTimer();
    if (this.running === 0 && this.idleWaiters.length && this.dueCount() === 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
  }

  private armTimer(): void {
    const next = this.o.store.recordingJobs.nextRunAt(this.o.nodeId);
    if (next === null || this.closed) return;
    if (this.timerAt !== null && this.timerAt <= next) return;
    this.o.clock.clearTimeout(this.timer);
    this.timerAt = next;
    this.timer = this.o.clock.setTimeout(() => {
      this.timerAt = null;
      this.pump();
    }, Math.max(0, next - this.o.clock.now()));
  }

  private run(job: RecordingJobRow): void {
    this.running++;
    const handler = this.o.handlers[job.kind];
    const p = (async () => {
      try {
        await handler(job);
        this.o.store.recordingJobs.settle(job.id, 'done', this.o.clock.now(), { lastError: null });
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
    try {
      if (final) this.o.store.recordingJobs.settle(job.id, 'failed', now, { lastError: error });
      else this.o.store.recordingJobs.settle(job.id, 'queued', now, { lastError: error, runAt: retryAt! });
    } catch (dbErr) {
      this.o.logger.error({ err: dbErr, job: job.id }, 'could not record a recording job failure');
    }
    this.o.logger.warn({ callId: job.callId, kind: job.kind, attempt: job.attempts, final, error }, final ? 'recording job failed' : 'recording job failed; will retry');
    try {
      this.o.onFailure?.({ job, error, final, retryAt });
    } catch (e) {
      this.o.logger.error({ err: e }, 'recording failure listener failed');
    }
  }
}
