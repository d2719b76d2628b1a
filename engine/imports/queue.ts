import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { commitImport, DEFAULT_IMPORT_LIMITS, discardImport, stagedLeft, type ImportLimits } from '../lead-files/index.js';
import type { MappingOverride } from '../leads/index.js';
import type { Logger } from '../log/index.js';
import { driverError, sortableId, sqliteLeadImports, type LeadImports, type Store } from '../store/index.js';
import { serveLeadImports } from './port-channel.js';
import type { ImportTarget, ImportTask, WorkerMessage } from './protocol.js';

const WORKER_ENTRY = new URL('./worker-entry.mjs', import.meta.url);

export interface ImportQueueOptions {
  /** Where jobs and leads are written (#18): SQLite's or PostgreSQL's port. Absent → the SQLite `store`'s. */
  imports?: LeadImports;
  /** The SQLite store, when `imports` is not given. */
  store?: Store;
  /** This engine process: its jobs are the ones it reconciles at start. */
  nodeId: string;
  /** Where uploads wait for their turn; created if missing, swept of litter at start. */
  spoolDir: string;
  logger: Logger;
  /** Imports parsed at once (each in its own worker thread); default: cores − 1, at most 2. */
  concurrency?: number;
  /** Jobs waiting beyond the running ones; more → `submit` refuses (the API answers 503). */
  maxQueued?: number;
  /** Heap limit of one import worker (MB): a file that needs more fails alone, never the engine. */
  workerMemoryMb?: number;
  limits?: ImportLimits;
  /** First wait before writing again a job's end that the database refused (doubling, at most 30 s); default 1 s. */
  endRetryMs?: number;
}

export interface ImportSubmission {
  campaignId: string;
  fileName: string;
  /** The spooled upload (from `spoolPathFor`); the queue owns it from now on and deletes it when done. */
  spoolPath: string;
  jobId: string;
  at: number;
  mapping?: MappingOverride;
  defaultCountry?: string;
}

export class ImportQueueFull extends Error {
  constructor(readonly queued: number) {
    super(`${queued} lead imports are already waiting; try again in a few minutes`);
    this.name = 'ImportQueueFull';
  }
}

/**
 * Lead imports outside the engine's event loop. Each accepted upload becomes a job (`queued`, with its place in
 * line); at most `concurrency` run at once, one per campaign, each in a worker thread with its own heap limit — on
 * SQLite with its own connection, on PostgreSQL writing through this process's pool (the thread asks over a message
 * port: a worker cannot share a pool). An import is **all or nothing**: rows are staged while the file is read and become dialable
 * together at the end; a file that fails — a limit, a full disk, a crash of its worker — leaves no lead behind.
 *
 * At start (`ready`) the queue reconciles what a previous process of this node left: jobs that were `committing`
 * are completed (the whole file was in), jobs that were `running` are rolled back and failed with a message that
 * says so (the upload must be sent again), jobs still `queued` with their spool file are resumed, and spool files
 * no job points at are deleted.
 */
export class ImportQueue {
  readonly ready: Promise<void>;
  private readonly store: LeadImports;
  private readonly o: Required<Omit<ImportQueueOptions, 'store' | 'imports' | 'logger'>>;
  /** Submissions between their check against `maxQueued` and their job row (the row is written asynchronously). */
  private submitting = 0;
  private readonly logger: Logger;
  private readonly waiting: ImportSubmission[] = [];
  private readonly running = new Map<string, { worker: Worker; campaignId: string }>();
  private readonly idle: Worker[] = [];
  private readonly finished = new Map<string, Array<() => void>>();
  /** Pending retries of a job's end that the database refused (see `retryEnd`). */
  private readonly endRetries = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(o: ImportQueueOptions) {
    if (o.imports === undefined && o.store === undefined) throw new Error('ImportQueue needs imports or store');
    this.store = o.imports ?? sqliteLeadImports(o.store!);
    this.logger = o.logger.child({ part: 'imports' });
    this.o = {
      nodeId: o.nodeId,
      spoolDir: o.spoolDir,
      // One core stays with the engine's event loop: on two cores, one import at a time.
      concurrency: o.concurrency ?? Math.max(1, Math.min(2, availableParallelism() - 1)),
      maxQueued: o.maxQueued ?? 20,
      workerMemoryMb: o.workerMemoryMb ?? 192,
      limits: o.limits ?? DEFAULT_IMPORT_LIMITS,
      endRetryMs: o.endRetryMs ?? 1_000,
    };
    mkdirSync(this.o.spoolDir, { recursive: true });
    this.ready = this.reconcile().then(
      () => this.pump(),
      // The driver's error: drizzle's wrapper would log the statement's parameters (names, numbers, rejected rows).
      (err: unknown) => this.logger.error({ err: driverError(err) }, 'could not reconcile lead imports left by the previous run'),
    );
  }

  /** The database its jobs and leads are written to. */
  get dialect(): LeadImports['dialect'] {
    return this.store.dialect;
  }

  /** Where to spool an upload for a new job (inside this node's spool directory). */
  spoolPathFor(jobId: string, fileName: string): string {
    return join(this.o.spoolDir, `${jobId}${/\.xlsx$/i.test(fileName) ? '.xlsx' : '.csv'}`);
  }

  newJobId(at: number): string {
    return sortableId(at);
  }

  /**
   * Accepts a spooled upload: the job is created `queued` and starts when a slot (and its campaign) is free.
   * Rejects with ImportQueueFull (nothing written) when `maxQueued` jobs wait already.
   */
  async submit(s: ImportSubmission): Promise<void> {
    if (this.waiting.length + this.submitting >= this.o.maxQueued) throw new ImportQueueFull(this.waiting.length + this.submitting);
    this.submitting++;
    try {
      await this.store.jobs.create(s.jobId, s.campaignId, s.fileName, s.at, { status: 'queued', nodeId: this.o.nodeId, spoolPath: s.spoolPath });
    } finally {
      this.submitting--;
    }
    this.waiting.push(s);
    void this.ready.then(() => this.pump());
  }

  /** Resolves when the job has ended (done or failed); at once when it is not this queue's. */
  whenFinished(jobId: string): Promise<void> {
    if (!this.running.has(jobId) && !this.waiting.some((w) => w.jobId === jobId)) return Promise.resolve();
    return new Promise((resolve) => this.finished.set(jobId, [...(this.finished.get(jobId) ?? []), resolve]));
  }

  /** Running and waiting jobs of this process. */
  get size(): { running: number; queued: number } {
    return { running: this.running.size, queued: this.waiting.length };
  }

  /** Stops the workers; their jobs stay `running`/`queued` and are reconciled by the next start. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.endRetries) clearTimeout(t);
    this.endRetries.clear();
    await Promise.all([...this.running.values()].map((r) => r.worker.terminate()));
    await Promise.all(this.idle.splice(0).map((w) => w.terminate()));
    this.running.clear();
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.o.concurrency) {
      const busy = new Set([...this.running.values()].map((r) => r.campaignId));
      const i = this.waiting.findIndex((w) => !busy.has(w.campaignId));
      if (i < 0) return;
      const [next] = this.waiting.splice(i, 1);
      this.start(next!);
    }
  }

  /** An idle worker thread, or a new one (its heap limit is what bounds a hostile file). */
  private worker(): Worker {
    const idle = this.idle.pop();
    if (idle !== undefined) return idle;
    const w = new Worker(WORKER_ENTRY, {
      resourceLimits: { maxOldGenerationSizeMb: this.o.workerMemoryMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
      stdout: false,
      stderr: false,
    });
    return w;
  }

  private start(s: ImportSubmission): void {
    // SQLite: the worker opens the file itself. Otherwise it writes through this process's port, over a channel.
    const channel = this.store.sqlitePath === undefined ? new MessageChannel() : undefined;
    const target: ImportTarget = channel === undefined ? { kind: 'sqlite', dbPath: this.store.sqlitePath! } : { kind: 'port', port: channel.port2 };
    if (channel !== undefined) serveLeadImports(channel.port1, this.store);
    const task: ImportTask = { target, ...s, limits: this.o.limits };
    const worker = this.worker();
    worker.ref();
    this.running.set(s.jobId, { worker, campaignId: s.campaignId });
    let settled = false;
    const finish = (outcome: WorkerMessage, reusable: boolean): void => {
      if (settled) return;
      settled = true;
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      channel?.port1.close();
      if (reusable && !this.closed) {
        worker.unref(); // an idle worker must not keep the process alive
        this.idle.push(worker);
      } else void worker.terminate();
      void this.ended(s, outcome);
    };
    const onMessage = (m: WorkerMessage): void => finish(m, true);
    const onError = (err: Error & { code?: string }): void =>
      finish(
        {
          type: 'failed',
          message: err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `the file needs more than ${this.o.workerMemoryMb} MB of memory to read` : `import failed: ${err.message}`,
        },
        false,
      );
    const onExit = (): void => finish({ type: 'failed', message: 'the import worker stopped unexpectedly' }, false);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(task, channel === undefined ? [] : [channel.port2]);
  }

  private async ended(s: ImportSubmission, outcome: WorkerMessage): Promise<void> {
    this.running.delete(s.jobId);
    try {
      await this.recordEnd(s, outcome);
    } catch (err) {
      this.logger.error({ err: driverError(err), jobId: s.jobId }, 'could not record the end of a lead import; retrying until the database answers');
      this.retryEnd(s, outcome, this.o.endRetryMs);
    } finally {
      for (const resolve of this.finished.get(s.jobId) ?? []) resolve();
      this.finished.delete(s.jobId);
      this.pump();
    }
  }

  /**
   * The database was away when a job ended (its rollback or its end not written): the job would say `running`
   * until this node's next start. Retried with doubling waits (at most 30 s apart) while this process runs; every
   * step is safe to repeat. A close stops it: the next start's reconciliation does the same.
   */
  private retryEnd(s: ImportSubmission, outcome: WorkerMessage, waitMs: number): void {
    const timer = setTimeout(() => {
      this.endRetries.delete(timer);
      if (this.closed) return;
      this.recordEnd(s, outcome).then(
        () => this.logger.info({ jobId: s.jobId }, 'recorded the end of a lead import after the database came back'),
        () => this.retryEnd(s, outcome, Math.min(waitMs * 2, 30_000)),
      );
    }, waitMs);
    timer.unref();
    this.endRetries.add(timer);
  }

  /** Writes a job's end (a failure: its rollback first) and frees its spool file. Throws when the database fails. */
  private async recordEnd(s: ImportSubmission, outcome: WorkerMessage): Promise<void> {
    if (outcome.type === 'done') {
      this.logger.info({ jobId: s.jobId, campaignId: s.campaignId, accepted: outcome.accepted, rejected: outcome.rejected }, 'lead import done');
    } else if (!this.closed) {
      // The worker reported the failure (and rolled back) — or died without a word: roll back here.
      const message = outcome.message;
      const job = await this.store.jobs.get(s.jobId);
      if (job?.status !== 'failed') {
        const removed = await discardImport(this.store, s.jobId);
        await this.store.jobs.finish(s.jobId, {
          status: 'failed',
          processed: job?.processed ?? 0,
          accepted: 0,
          rejected: job?.rejected ?? 0,
          errors: job?.errors ?? [],
          at: s.at,
          message: removed.ok ? `${message}; nothing was imported` : `${message}; ${stagedLeft(removed.left)} never dialled and will be removed at the next start`,
        });
      }
      this.logger.warn({ jobId: s.jobId, campaignId: s.campaignId, reason: message }, 'lead import failed');
    }
    if (!this.closed) {
      rmSync(s.spoolPath, { force: true });
      const job = await this.store.jobs.get(s.jobId);
      if (job !== undefined) await this.store.jobs.setStatus(s.jobId, job.status, { spoolPath: null });
    }
  }

  private async reconcile(): Promise<void> {
    const requeue: ImportSubmission[] = [];
    for (const job of await this.store.jobs.unfinished(this.o.nodeId)) {
      if (job.status === 'committing') {
        await commitImport(this.store, job.id, job.createdAt);
        await this.store.jobs.finish(job.id, {
          status: 'done',
          processed: job.processed,
          accepted: job.accepted,
          rejected: job.rejected,
          errors: job.errors,
          at: job.createdAt,
          message: 'completed after a restart',
          spoolPath: null,
        });
        this.logger.info({ jobId: job.id }, 'lead import completed after a restart');
      } else if (job.status === 'queued' && job.spoolPath !== null && readdirSync(this.o.spoolDir).includes(job.spoolPath.split(/[\\/]/).at(-1)!)) {
        requeue.push({ jobId: job.id, campaignId: job.campaignId, fileName: job.fileName, spoolPath: job.spoolPath, at: job.createdAt });
      } else {
        const removed = await discardImport(this.store, job.id);
        const message =
          job.status === 'queued' ? 'the upload was lost in a restart before the import started; send the file again' : 'interrupted by a restart before it finished; nothing was imported — send the file again';
        await this.store.jobs.finish(job.id, {
          status: 'failed',
          processed: job.processed,
          accepted: 0,
          rejected: job.rejected,
          errors: job.errors,
          at: job.createdAt,
          message: removed.ok ? message : `${message} (${removed.left ?? 'some'} staged rows left; they are never dialled)`,
          spoolPath: null,
        });
        if (job.spoolPath !== null) rmSync(job.spoolPath, { force: true });
        this.logger.warn({ jobId: job.id, was: job.status }, 'lead import interrupted by a restart: failed, rolled back');
      }
    }
    // Staged rows of failed jobs whose rollback could not finish (the database refused writes at the time).
    for (const jobId of await this.store.stagedImportJobs()) {
      const job = await this.store.jobs.get(jobId);
      if (job === undefined || job.status === 'failed') await discardImport(this.store, jobId);
    }
    const keep = new Set([...(await this.store.jobs.spoolPaths())].map((p) => p.split(/[\\/]/).at(-1)!));
    for (const name of readdirSync(this.o.spoolDir)) if (!keep.has(name)) rmSync(join(this.o.spoolDir, name), { force: true, recursive: true });
    // Jobs submitted while reconciling went behind the resumed ones.
    this.waiting.unshift(...requeue);
  }
}
