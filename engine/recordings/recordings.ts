/**
 * Recordings of calls, from Asterisk to the browser (README.md). A subscriber of the engine's domain events:
 *
 *  call.bridged (campaign records) → `POST /bridges/{id}/record` (wav, named after the CallLog) → row `recording`
 *  agent pause / resume          → `POST|DELETE /recordings/live/{name}/pause`, the pause in the row's metadata
 *  call.ended                     → `POST /recordings/live/{name}/stop` → job `fetch`:
 *      the file from ARI (`GET /recordings/stored/{name}/file`) or RECORDINGS_SPOOL → our disk (temp + rename)
 *      → `DELETE /recordings/stored/{name}` → job `transcode`: ffprobe, Opus/MP3 for browsers, waveform peaks.
 *
 * Jobs run in the persisted queue (queue.ts): bounded, retried with backoff, resumed after a restart. Every
 * failure is written on the recording (state, error, attempts) and logged; none reaches the call or its CallLog.
 * The rows are the `RecorderStore` port's (engine/store: the SQLite file, or PostgreSQL on an engine node, #18);
 * every write goes through one write queue (engine/shell StoreWriteQueue): in order, and held and retried while
 * the database cannot take it (a lost PostgreSQL connection, a full disk), reported by `status().writes`. What a
 * live recording is (its name, start, pauses) is kept in memory, so the agent's pause/resume needs no read.
 * The AMD window (the analysed first seconds) comes from the AMD source (`amdSource` wraps it) and is kept as
 * its own short WAV beside the trace, for every call of a recording campaign (machines too, never bridged).
 */
import { readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AriError, type AriCommand, type AriEvent } from '../ari/index.js';
import { encodeWav } from '../audio/index.js';
import type { Clock, TimerHandle } from '../clock/index.js';
import type { DomainEvent, DomainEvents } from '../events/index.js';
import type { Logger } from '../log/index.js';
import type { AmdSession, AmdSource, AmdWindow } from '../shell/index.js';
import { StoreWriteQueue, type StoreWritesStatus } from '../shell/index.js';
import { sqliteRecorderStore, type AuditEntry, type RecorderSqliteStore, type RecorderStore, type RecordingJobRow, type RecordingPatch, type RecordingPause, type RecordingRow } from '../store/index.js';
import { CONTENT_TYPES, MalformedAudioError, peaks, probe, transcode, type BrowserFormat } from './ffmpeg.js';
import { describeFsError, diskUsage, recordingPath, writeFileAtomic } from './files.js';
import { RecordingQueue, type JobFailure } from './queue.js';

/** What the recorder needs from the ARI gateway. */
export interface RecordingAri {
  readonly connected: boolean;
  execute(command: AriCommand): Promise<void>;
  storedRecordingFile(name: string): Promise<Buffer>;
}

/**
 * The recorder's ARI through a gateway that is connected after the recorder starts (it must subscribe to the
 * engine's events before the first call): until `current()` gives one, a command fails and is reported on the
 * recording like any ARI failure.
 */
export function lateRecordingAri(current: () => RecordingAri | null): RecordingAri {
  const notYet = () => Promise.reject(new Error('ARI not connected yet'));
  return {
    get connected() {
      return current()?.connected ?? false;
    },
    execute: (c) => current()?.execute(c) ?? notYet(),
    storedRecordingFile: (n) => current()?.storedRecordingFile(n) ?? notYet(),
  };
}

export interface RecordingsOptions {
  events: DomainEvents;
  ari: RecordingAri;
  /** Where the rows live: the port (`sqliteRecorderStore`, `pgRecorderStore`), or the SQLite store itself (wrapped). */
  store: RecorderStore | RecorderSqliteStore;
  /** Row writes waiting for the database are retried this often (ms, default 1000). */
  writeRetryMs?: number;
  clock: Clock;
  logger: Logger;
  nodeId: string;
  /** RECORDINGS_DIR. */
  dir: string;
  /** RECORDINGS_SPOOL: read `<spool>/<name>.wav` instead of fetching over ARI. */
  spoolDir?: string;
  format?: BrowserFormat;
  concurrency?: number;
  /** Whether a campaign records (default: its stored `recording` setting). */
  records?: (campaignId: string | null) => boolean;
  /** Audit trail of deletions by the retention sweep. */
  audit?: (e: AuditEntry) => void;
  peaksPerSecond?: number;
  /** Retention for recordings whose campaign is gone. */
  defaultRetentionDays?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  maxAttempts?: number;
  /** Largest file accepted from the spool (ARI downloads have their own cap). */
  maxFileBytes?: number;
  /**
   * How long a fetch waits for Asterisk's RecordingFinished (fed through `ariEvent`) after the call ended, before
   * it fetches anyway (an event lost to a reconnect). Default 10 s.
   */
  finishWaitMs?: number;
}

export interface RecordingsStatus {
  dir: string;
  /**
   * Whose recordings `usedBytes`, `byState` and `jobs` count: this node's id on PostgreSQL (the table holds every
   * node's; each counts the files on its own disk), null on SQLite (the file's, one node's).
   */
  nodeId: string | null;
  /** Bytes of recordings kept (WAV + browser files): this node's on PostgreSQL. */
  usedBytes: number;
  freeBytes: number | null;
  totalBytes: number | null;
  /** Recordings per state (this node's on PostgreSQL). */
  byState: Partial<Record<RecordingRow['state'], number>>;
  /** Jobs per state (this node's on PostgreSQL). */
  jobs: { queued: number; running: number; failed: number };
  /** Last problem writing to disk (full disk), null when the last write went well. */
  diskError: string | null;
  /** The recordings' row writes: held while the database cannot take them (`writable` false), retried in order. */
  writes: StoreWritesStatus;
}

/** A recording Asterisk is writing now, as this process started it. */
interface LiveRecording {
  name: string;
  row: RecordingRow;
  pauses: RecordingPause[];
}

export class RecordingError extends Error {
  constructor(
    readonly status: 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

const DAY_MS = 86_400_000;

/** The RIFF/WAVE header Asterisk (and the embedded PBX) write. */
function looksLikeWav(b: Uint8Array): boolean {
  return b.length >= 44 && Buffer.from(b.subarray(0, 4)).toString('latin1') === 'RIFF' && Buffer.from(b.subarray(8, 12)).toString('latin1') === 'WAVE';
}

export class Recordings {
  readonly queue: RecordingQueue;
  readonly format: BrowserFormat;
  private readonly campaignOf = new Map<string, string | null>();
  /** AMD windows waiting for their call to end (or be bridged). */
  private readonly amdWindows = new Map<string, Promise<AmdWindow | null>>();
  /** Calls whose bridge Asterisk is recording now. */
  private readonly live = new Map<string, LiveRecording>();
  /** Each call's events are handled one after the other (a bridge's lookups finish before its end is handled). */
  private readonly perCall = new Map<string, Promise<void>>();
  /** Whether each campaign records, as last read (used while the database cannot be read). */
  private readonly recordsCache = new Map<string, boolean>();
  private readonly rows: RecorderStore;
  readonly writes: StoreWriteQueue;
  private usageCache: { bytes: number; byState: RecordingsStatus['byState']; jobs: RecordingsStatus['jobs'] } = { bytes: 0, byState: {}, jobs: { queued: 0, running: 0, failed: 0 } };
  private usageReading = false;
  /**
   * Recordings stopped by us (or by the bridge going away) whose RecordingFinished has not come yet: name → its
   * waiter. Asterisk answers the stop (or a 404 once the bridge is gone) before its recording thread has closed
   * the file; a fetch in between gets a 404 or, worse, a WAV cut short that we would keep and then delete from
   * Asterisk (seen on the real Asterisk 22 under load; test/both/recordings-asterisk.test.ts).
   */
  private readonly finishing = new Map<string, { done: Promise<void>; resolve: () => void }>();
  /** Our live recordings whose RecordingFinished came before the call's end did (the bridge went first). */
  private readonly finished = new Set<string>();
  private readonly unsubscribe: Array<() => void> = [];
  private sweepTimer: TimerHandle | undefined;
  private diskError: string | null = null;
  private lastDisk: { freeBytes: number; totalBytes: number } | null = null;

  constructor(private readonly o: RecordingsOptions) {
    this.format = o.format ?? 'ogg';
    this.rows = 'dialect' in o.store ? o.store : sqliteRecorderStore(o.store);
    this.writes = new StoreWriteQueue({ clock: o.clock, logger: o.logger, retryMs: o.writeRetryMs ?? 1000 });
    this.queue = new RecordingQueue({
      jobs: this.rows.jobs,
      writes: this.writes,
      clock: o.clock,
      logger: o.logger,
      nodeId: o.nodeId,
      concurrency: o.concurrency ?? 2,
      handlers: { fetch: (j) => this.fetch(j), transcode: (j) => this.transcode(j) },
      onFailure: (f) => this.onJobFailure(f),
      ...(o.backoffBaseMs !== undefined ? { backoffBaseMs: o.backoffBaseMs } : {}),
      ...(o.backoffMaxMs !== undefined ? { backoffMaxMs: o.backoffMaxMs } : {}),
    });
  }

  /** Subscribes to the engine's events, resumes the queue, and sweeps expired recordings now and once a day. */
  start(): void {
    this.unsubscribe.push(this.o.events.on('*', (e) => this.onEvent(e)));
    void this.queue.start(this.recoverUnfinished());
    void this.refreshDisk();
    this.sweepTimer = this.o.clock.setInterval(() => void this.sweep(), DAY_MS);
    void this.sweep();
  }

  /** Recordings a dead process left "recording" whose calls ended since: fetch what Asterisk has. */
  private async recoverUnfinished(): Promise<void> {
    try {
      for (const r of await this.rows.recordings.inState('recording', this.o.nodeId)) {
        if (this.live.has(r.callId)) continue;
        const call = await this.rows.call(r.callId);
        if (call?.endedAt != null) await this.finishLive(r.callId, r.name, call.endedAt, false, null);
      }
    } catch (err) {
      this.o.logger.error({ err }, 'could not read the recordings a previous process left unfinished (the next start does)');
    }
  }

  async close(): Promise<void> {
    for (const u of this.unsubscribe.splice(0)) u();
    this.o.clock.clearInterval(this.sweepTimer);
    // Fetches waiting for Asterisk's word go now (what Asterisk has is fetched on the next start otherwise).
    for (const w of this.finishing.values()) w.resolve();
    await Promise.allSettled([...this.perCall.values()]);
    await this.queue.close();
    // The last row writes go in (bounded: a database still away keeps them as `writes.pendingWrites`, logged).
    if (!(await this.writes.idle(5000))) this.o.logger.error({ pendingWrites: this.writes.pendingWrites, lastError: this.writes.status().lastError }, 'stopping with recording writes the database could not take');
    this.writes.close();
  }

  private async records(campaignId: string | null): Promise<boolean> {
    if (this.o.records) return this.o.records(campaignId);
    if (!campaignId) return false;
    try {
      const r = await this.rows.campaignRecords(campaignId);
      this.recordsCache.set(campaignId, r);
      return r;
    } catch (err) {
      const known = this.recordsCache.get(campaignId);
      this.o.logger.warn({ err, campaignId, records: known ?? false }, 'cannot read whether a campaign records; using what was last read');
      return known ?? false;
    }
  }

  /** Queues one row write: in order, retried while the database cannot take it; never throws. */
  private write(label: string, fn: () => Promise<unknown>): void {
    this.writes.run(label, fn);
  }

  // ── events ───────────────────────────────────────────────────────────────────────────────────────────────

  private onEvent(e: DomainEvent): void {
    switch (e.type) {
      case 'call.created':
        this.campaignOf.set(e.callId, e.campaignId);
        return;
      case 'call.bridged':
        this.serial(e.callId, () => this.onBridged(e.callId, e.agentId, e.bridgeId, e.at));
        return;
      case 'call.ended': {
        // Taken now: the AMD session closes (and leaves its window) before the call's end is announced.
        const amd = this.amdWindows.get(e.callId);
        this.amdWindows.delete(e.callId);
        this.serial(e.callId, () => this.onEnded(e.callId, e.at, amd));
        return;
      }
      default:
        return;
    }
  }

  /** Runs `fn` after the call's earlier events were handled; a failure is logged, never thrown. */
  private serial(callId: string, fn: () => Promise<void>): void {
    const prev = this.perCall.get(callId) ?? Promise.resolve();
    const next = prev
      .then(fn)
      .catch((err: unknown) => this.o.logger.error({ err, callId }, 'recording: an event of the call could not be handled'))
      .finally(() => {
        if (this.perCall.get(callId) === next) this.perCall.delete(callId);
      });
    this.perCall.set(callId, next);
  }

  private async campaignFor(callId: string): Promise<string | null> {
    if (this.campaignOf.has(callId)) return this.campaignOf.get(callId) ?? null;
    try {
      return (await this.rows.call(callId))?.campaignId ?? null;
    } catch (err) {
      this.o.logger.warn({ err, callId }, 'cannot read the campaign of a call');
      return null;
    }
  }

  private async onBridged(callId: string, agentId: string, bridgeId: string, at: number): Promise<void> {
    const campaignId = await this.campaignFor(callId);
    if (!(await this.records(campaignId)) || this.live.has(callId)) return;
    const start = { callId, name: callId, campaignId, agentId, bridgeId, at, nodeId: this.o.nodeId };
    // Asterisk records at once; the row follows through the write queue (held while the database is away).
    this.live.set(callId, { name: callId, row: startedRow(start), pauses: [] });
    this.write('recording start', () => this.rows.recordings.start(start));
    this.write('call recording ref', () => this.rows.setCallRecording(callId, callId));
    this.o.ari.execute({ op: 'record', bridgeId, name: callId, format: 'wav' }).catch((err: unknown) => {
      this.live.delete(callId);
      const msg = `Asterisk did not start the recording: ${err instanceof AriError ? err.message : String(err)}`;
      this.o.logger.warn({ callId, err: msg }, 'recording not started');
      this.safeUpdate(callId, { state: 'failed', error: msg });
    });
  }

  private async onEnded(callId: string, at: number, amd: Promise<AmdWindow | null> | undefined): Promise<void> {
    const campaignId = await this.campaignFor(callId);
    this.campaignOf.delete(callId);
    const live = this.live.get(callId);
    let startedAt: number | null = live?.row.startedAt ?? null;
    if (live !== undefined) {
      this.live.delete(callId);
      await this.finishLive(callId, live.name, at, true, live.pauses);
    } else if (amd && (await this.records(campaignId))) {
      try {
        if (!(await this.rows.recordings.get(callId))) {
          // Never bridged (a machine, a drop): the AMD window is its only audio.
          const call = await this.rows.call(callId);
          startedAt = call?.answeredAt ?? at;
          const start = { callId, name: callId, campaignId, agentId: call?.agentId ?? null, bridgeId: null, at: startedAt, nodeId: this.o.nodeId };
          this.write('recording start', () => this.rows.recordings.start(start));
          this.safeUpdate(callId, { state: 'ready', endedAt: at });
        }
      } catch (err) {
        this.o.logger.error({ err, callId }, 'could not store the AMD window of a call');
      }
    }
    if (amd) void this.saveAmdWindow(callId, amd, startedAt);
  }

  /**
   * ARI events of the gateway (the host wires `gateway.on('event', …)` here): RecordingFinished / RecordingFailed
   * say that Asterisk has closed a recording's file, so its fetch may start.
   */
  ariEvent(e: AriEvent): void {
    if (e.type !== 'RecordingFinished' && e.type !== 'RecordingFailed') return;
    const name = e.recording.name;
    const w = this.finishing.get(name);
    if (w) w.resolve();
    else if ([...this.live.values()].some((l) => l.name === name)) this.finished.add(name);
    if (e.type === 'RecordingFailed') this.o.logger.warn({ name, cause: e.recording.cause }, 'Asterisk reports a recording failed; fetching what it kept');
  }

  /** Resolves when Asterisk has finished `name`, or after `finishWaitMs`. */
  private awaitFinish(name: string): Promise<void> {
    const w = this.finishing.get(name);
    if (!w) return Promise.resolve();
    const timer = this.o.clock.setTimeout(() => w.resolve(), this.o.finishWaitMs ?? 10_000);
    return w.done.finally(() => {
      this.o.clock.clearTimeout(timer);
      this.finishing.delete(name);
    });
  }

  /**
   * Stops Asterisk's recording (it may have stopped with the bridge already) and queues the fetch. `pauses`: the
   * live recording's (null: one a previous process left, whose open pause is closed in the database).
   */
  private async finishLive(callId: string, name: string, at: number, stop: boolean, pauses: RecordingPause[] | null): Promise<void> {
    // An agent's pause still open at the end of the call ends with it (the paused stretch is not in the file).
    const closed = pauses?.map((p) => (p.resumedAt === null ? { ...p, resumedAt: at } : p));
    this.safeUpdate(callId, { state: 'fetching', endedAt: at, attempts: 0, error: null, ...(closed ? { pauses: closed } : {}) });
    if (!closed) this.write('recording pause close', () => this.rows.recordings.closePause(callId, at));
    if (stop) {
      if (this.finished.delete(name)) {
        // Asterisk finished it already (the bridge was destroyed before the call's end reached us).
      } else {
        let resolve!: () => void;
        const done = new Promise<void>((r) => (resolve = r));
        this.finishing.set(name, { done, resolve });
      }
    }
    const fetchJob = () => this.queue.enqueue(callId, 'fetch', this.o.maxAttempts);
    if (!stop) return fetchJob();
    void this.o.ari
      .execute({ op: 'stopRecording', name })
      .catch((err: unknown) => {
        // 404: it ended with the bridge or the channel. Anything else: the fetch retries until the file is there.
        if (!(err instanceof AriError && err.status === 404)) this.o.logger.warn({ callId, err: String(err) }, 'could not stop a live recording');
      })
      .finally(fetchJob);
  }

  // ── agent controls ──────────────────────────────────────────────────────────────────────────────────────

  /** The agent pauses the recording (e.g. a card number): Asterisk leaves the audio out; the pause is in the metadata. */
  async pause(callId: string, by: string | null): Promise<RecordingRow> {
    await this.perCall.get(callId); // the call's bridge handled first
    const live = this.live.get(callId);
    if (!live) throw new RecordingError(404, `Call ${callId} is not being recorded`);
    if (live.pauses.some((p) => p.resumedAt === null)) throw new RecordingError(409, 'The recording is already paused');
    await this.o.ari.execute({ op: 'pauseRecording', name: live.name });
    const now = this.o.clock.now();
    const pausedBefore = live.pauses.reduce((s, p) => s + ((p.resumedAt ?? now) - p.at), 0);
    live.pauses = [...live.pauses, { at: now, offsetMs: Math.max(0, now - live.row.startedAt - pausedBefore), resumedAt: null, by }];
    return this.livePauses(callId, live, now);
  }

  async resume(callId: string): Promise<RecordingRow> {
    await this.perCall.get(callId); // the call's bridge handled first
    const live = this.live.get(callId);
    if (!live) throw new RecordingError(404, `Call ${callId} is not being recorded`);
    if (!live.pauses.some((p) => p.resumedAt === null)) throw new RecordingError(409, 'The recording is not paused');
    await this.o.ari.execute({ op: 'unpauseRecording', name: live.name });
    const now = this.o.clock.now();
    live.pauses = live.pauses.map((p) => (p.resumedAt === null ? { ...p, resumedAt: now } : p));
    return this.livePauses(callId, live, now);
  }

  /** Writes a live recording's pauses (the whole list: a retried write lands the same) and answers its row. */
  private livePauses(callId: string, live: LiveRecording, at: number): RecordingRow {
    const pauses = live.pauses;
    this.safeUpdate(callId, { pauses });
    live.row = { ...live.row, pauses, updatedAt: at };
    return live.row;
  }

  // ── AMD window ──────────────────────────────────────────────────────────────────────────────────────────

  /** Wraps an AMD source so that each session's window (audio + trace) is kept for the call's recording. */
  amdSource(inner: AmdSource): AmdSource {
    return {
      open: async (call) => {
        const s = await inner.open(call);
        const wrapped: AmdSession = {
          host: s.host,
          port: s.port,
          decision: s.decision,
          ...(s.beep ? { beep: s.beep } : {}),
          ...(s.late ? { late: s.late } : {}),
          close: () => {
            s.close();
            if (!this.amdWindows.has(call.callId) && s.window) this.amdWindows.set(call.callId, s.window);
          },
        };
        return wrapped;
      },
    };
  }

  private async saveAmdWindow(callId: string, p: Promise<AmdWindow | null>, knownStart: number | null): Promise<void> {
    try {
      const w = await p;
      if (!w) return;
      const startedAt = knownStart ?? (await this.rows.recordings.get(callId))?.startedAt;
      if (startedAt === undefined) return;
      const path = recordingPath(this.o.dir, 'amd', callId, startedAt, 'wav');
      await writeFileAtomic(path, encodeWav(w.samples, { sampleRate: w.sampleRate }));
      const d = w.decision;
      this.safeUpdate(callId, {
        amdWavPath: path,
        amdTrace: { status: d.status, cause: d.cause, decisionMs: d.decisionMs, ...(d.beepAtMs !== undefined ? { beepAtMs: d.beepAtMs } : {}), ...(d.late ? { late: d.late } : {}), ...d.trace } as Record<string, unknown>,
      });
      this.diskError = null;
    } catch (err) {
      const msg = describeFsError(err);
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') this.diskError = msg;
      this.o.logger.warn({ callId, err: msg }, 'could not keep the AMD window of a call');
    }
  }

  // ── jobs ────────────────────────────────────────────────────────────────────────────────────────────────

  private async fetch(job: RecordingJobRow): Promise<void> {
    const row = await this.rows.recordings.get(job.callId);
    if (!row || row.state === 'deleted') {
      this.finishing.delete(row?.name ?? job.callId);
      return;
    }
    this.safeUpdate(job.callId, { state: 'fetching', attempts: job.attempts });
    await this.awaitFinish(row.name);
    const bytes = await this.readFromAsterisk(row.name);
    if (!looksLikeWav(bytes)) throw new MalformedAudioError(`not a WAV file (${bytes.length} bytes from Asterisk)`);
    // Asterisk writes the RIFF sizes when it closes the file: 0 there means it is still writing (retried).
    if (bytes.readUInt32LE(4) === 0) throw new Error(`Asterisk is still writing ${row.name} (its WAV header has no sizes yet)`);
    const path = recordingPath(this.o.dir, 'wav', row.callId, row.startedAt, 'wav');
    try {
      await writeFileAtomic(path, bytes);
      this.diskError = null;
    } catch (err) {
      const msg = describeFsError(err);
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') this.diskError = msg;
      throw new Error(`could not write ${path}: ${msg}`);
    }
    this.safeUpdate(job.callId, { state: 'stored', wavPath: path, wavBytes: bytes.length, error: null });
    // Again here: at the bridge the CallLog may not have been written yet (another write queue: the engine's).
    this.write('call recording ref', () => this.rows.setCallRecording(row.callId, row.name));
    await this.o.ari.execute({ op: 'deleteStoredRecording', name: row.name }).catch((err: unknown) => {
      if (!(err instanceof AriError && err.status === 404)) this.o.logger.warn({ callId: row.callId, err: String(err) }, 'could not delete a fetched recording from Asterisk');
    });
    this.queue.enqueue(row.callId, 'transcode', this.o.maxAttempts);
    void this.refreshDisk();
  }

  private async readFromAsterisk(name: string): Promise<Buffer> {
    if (this.o.spoolDir) {
      const path = join(this.o.spoolDir, `${name}.wav`);
      const st = await stat(path).catch((err: NodeJS.ErrnoException) => {
        throw new Error(err.code === 'ENOENT' ? `not in the spool (${path})` : `spool: ${describeFsError(err)}`);
      });
      const max = this.o.maxFileBytes ?? 1024 ** 3;
      if (st.size > max) throw new MalformedAudioError(`${path} is ${st.size} bytes, above the ${max} limit`);
      return readFile(path);
    }
    try {
      return await this.o.ari.storedRecordingFile(name);
    } catch (err) {
      if (err instanceof AriError && err.status === 404) throw new Error(`Asterisk has no stored recording ${name}`);
      throw new Error(`fetching ${name} from Asterisk: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async transcode(job: RecordingJobRow): Promise<void> {
    const row = await this.rows.recordings.get(job.callId);
    if (!row || row.state === 'deleted') return;
    if (!row.wavPath) throw new MalformedAudioError('no WAV file to transcode');
    this.safeUpdate(job.callId, { state: 'transcoding', attempts: job.attempts });
    const info = await probe(row.wavPath);
    const dst = recordingPath(this.o.dir, 'audio', row.callId, row.startedAt, this.format);
    let encodedBytes: number;
    try {
      encodedBytes = await transcode(row.wavPath, dst, this.format);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code) {
        const msg = describeFsError(err);
        if (code === 'ENOSPC') this.diskError = msg;
        throw new Error(`could not write ${dst}: ${msg}`);
      }
      throw err;
    }
    const pps = this.o.peaksPerSecond ?? 20;
    const pk = await peaks(row.wavPath, pps);
    this.safeUpdate(job.callId, {
      state: 'ready',
      durationMs: info.durationMs,
      encodedPath: dst,
      encodedFormat: this.format,
      encodedBytes,
      peaks: pk,
      peaksPerSecond: pps,
      error: null,
    });
    void this.refreshDisk();
  }

  private onJobFailure(f: JobFailure): void {
    const step = f.job.kind === 'fetch' ? 'fetch' : 'transcode';
    const patch: RecordingPatch = { error: `${step}: ${f.error}`, attempts: f.job.attempts, ...(f.final ? { state: 'failed' as const } : {}) };
    const at = this.o.clock.now();
    // Not on a deleted recording (one statement: no read before the write).
    this.write('recording failure', async () => {
      const row = await this.rows.recordings.get(f.job.callId);
      if (row && row.state !== 'deleted') await this.rows.recordings.update(f.job.callId, patch, at);
    });
  }

  /** A recording's row update that can never throw into a call's path: queued, retried while the database is away. */
  private safeUpdate(callId: string, patch: RecordingPatch): void {
    const at = this.o.clock.now();
    this.write('recording update', () => this.rows.recordings.update(callId, patch, at));
  }

  // ── deletion, retention, status ────────────────────────────────────────────────────────────────────────

  /** Removes a recording's files; the row stays as `deleted` (who, when) and the CallLog is untouched. */
  async delete(callId: string, by: string): Promise<RecordingRow> {
    // After the writes still queued (a recording just fetched): the row as it is.
    await this.writes.idle(5000);
    const row = await this.rows.recordings.get(callId);
    if (!row || row.state === 'deleted') throw new RecordingError(404, `No recording of call ${callId}`);
    if (row.state === 'recording') throw new RecordingError(409, 'The call is still being recorded');
    // Another node's files are on that node's disk: it deletes them (the API carries the deletion there).
    if (this.rows.dialect === 'postgres' && row.nodeId !== this.o.nodeId) throw new RecordingError(409, `The recording is held by node ${row.nodeId}: that node deletes it`);
    for (const p of [row.wavPath, row.encodedPath, row.amdWavPath]) if (p) await rm(p, { force: true });
    const at = this.o.clock.now();
    const patch: RecordingPatch = { state: 'deleted', deletedAt: at, deletedBy: by, wavPath: null, encodedPath: null, amdWavPath: null, wavBytes: null, encodedBytes: null, error: null };
    try {
      await this.rows.recordings.update(callId, patch, at);
    } catch (err) {
      // The files are gone: the row must say so, whenever the database takes it.
      this.write('recording delete', () => this.rows.recordings.update(callId, patch, at));
      throw err;
    }
    void this.refreshDisk();
    return { ...row, ...patch, updatedAt: at };
  }

  /** Deletes recordings past their campaign's retention; each deletion is audited (actor: the system). */
  async sweep(): Promise<number> {
    const now = this.o.clock.now();
    let n = 0;
    try {
      // On PostgreSQL each node holds its own recordings' files: it sweeps those only (another node's files are not
      // on this disk, and marking their rows deleted here would leave them on that node for ever).
      const own = this.rows.dialect === 'postgres' ? this.o.nodeId : undefined;
      for (const r of await this.rows.recordings.expired(now, this.o.defaultRetentionDays ?? 90, undefined, own)) {
        await this.delete(r.callId, 'retention');
        this.o.audit?.({ at: now, actorId: null, actorKind: 'system', action: 'recording.delete', targetType: 'call', targetId: r.callId, details: { reason: 'retention', startedAt: r.startedAt, campaignId: r.campaignId } });
        n++;
      }
    } catch (err) {
      this.o.logger.error({ err }, 'recording retention sweep failed; the next one retries');
    }
    if (n > 0) this.o.logger.info({ deleted: n }, 'recording retention sweep');
    return n;
  }

  private async refreshDisk(): Promise<void> {
    try {
      this.lastDisk = await diskUsage(this.o.dir);
    } catch (err) {
      this.o.logger.warn({ err: describeFsError(err) }, 'cannot read the disk usage of RECORDINGS_DIR');
    }
  }

  /** Reads the figures `status()` shows (the database's answer arrives after it). */
  async refreshUsage(): Promise<void> {
    if (this.usageReading) return;
    this.usageReading = true;
    try {
      // On PostgreSQL the tables hold every node's recordings: this node's figures are its own rows.
      const own = this.rows.dialect === 'postgres' ? this.o.nodeId : undefined;
      const [u, j] = await Promise.all([this.rows.recordings.usage(own), this.rows.jobs.counts(own)]);
      this.usageCache = { bytes: u.bytes, byState: u.byState, jobs: { queued: j.queued ?? 0, running: j.running ?? 0, failed: j.failed ?? 0 } };
    } catch (err) {
      this.o.logger.warn({ err }, 'cannot read the recordings figures');
    } finally {
      this.usageReading = false;
    }
  }

  /** The figures as last read (each call reads them again for the next one), the disk and the row writes now. */
  status(): RecordingsStatus {
    void this.refreshDisk();
    void this.refreshUsage();
    const u = this.usageCache;
    return {
      dir: this.o.dir,
      nodeId: this.rows.dialect === 'postgres' ? this.o.nodeId : null,
      usedBytes: u.bytes,
      freeBytes: this.lastDisk?.freeBytes ?? null,
      totalBytes: this.lastDisk?.totalBytes ?? null,
      byState: u.byState,
      jobs: u.jobs,
      diskError: this.diskError,
      writes: this.writes.status(),
    };
  }

  /** Which file plays in the browser: the transcoded one when ready, else the WAV (or the AMD window). */
  static playable(row: RecordingRow, part: 'call' | 'amd' = 'call'): { path: string; contentType: string; ext: string } | null {
    if (part === 'amd') return row.amdWavPath ? { path: row.amdWavPath, contentType: CONTENT_TYPES.wav, ext: 'wav' } : null;
    if (row.encodedPath && row.encodedFormat) return { path: row.encodedPath, contentType: CONTENT_TYPES[row.encodedFormat], ext: row.encodedFormat === 'mp3' ? 'mp3' : row.encodedFormat };
    if (row.wavPath) return { path: row.wavPath, contentType: CONTENT_TYPES.wav, ext: 'wav' };
    return null;
  }
}

/** A recording's row as `start` writes it (what pause/resume answer while it is live). */
function startedRow(r: { callId: string; name: string; campaignId: string | null; agentId: string | null; bridgeId: string | null; at: number; nodeId: string }): RecordingRow {
  return {
    callId: r.callId,
    name: r.name,
    campaignId: r.campaignId,
    agentId: r.agentId,
    bridgeId: r.bridgeId,
    state: 'recording',
    error: null,
    attempts: 0,
    startedAt: r.at,
    endedAt: null,
    durationMs: null,
    wavPath: null,
    wavBytes: null,
    encodedPath: null,
    encodedFormat: null,
    encodedBytes: null,
    peaks: null,
    peaksPerSecond: null,
    pauses: [],
    amdWavPath: null,
    amdTrace: null,
    deletedAt: null,
    deletedBy: null,
    nodeId: r.nodeId,
    updatedAt: r.at,
  };
}
