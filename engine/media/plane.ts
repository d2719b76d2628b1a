/**
 * The media plane's main-thread side: a piscina pool of media workers, each running one long-lived `serve`
 * task that owns its sessions' UDP sockets; a port allocator; and the per-session bookkeeping that turns the
 * workers' small messages into `MediaSession`s. The main thread sees open/close/decision messages only, never
 * per-packet audio.
 */
import { availableParallelism } from 'node:os';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { AmdBeepEvent, AmdDecision, AmdLateVerdict } from '../amd/index.js';
import { type Logger, silentLogger } from '../log/index.js';
import { PortAllocator } from './ports.js';
import {
  DEFAULT_PAYLOAD_TYPE,
  type CloseReason,
  type FromWorker,
  type MediaFormat,
  type MediaSession,
  type OpenSessionOptions,
  type ServeTask,
  type SessionReport,
  type ToWorker,
  type WorkerStats,
} from './types.js';

export interface MediaPlaneOptions {
  /** Address the sockets bind to and that Asterisk sends to (RTP_HOST). */
  host: string;
  portMin: number;
  portMax: number;
  /** Media worker threads; default: the number of cores. */
  workers?: number;
  /** Module exporting `createDetector(params)`; default engine/amd/index.ts. */
  detectorModule?: string;
  /**
   * Receive batching: a worker with at least `minSessions` sessions sleeps `intervalMs` between event-loop
   * turns and then reads every socket that became readable meanwhile, instead of waking once per datagram.
   * Default off (intervalMs 0); experimental, see README.md.
   */
  batch?: { intervalMs: number; minSessions: number };
  logger?: Logger;
}

export class MediaPlaneError extends Error {
  constructor(
    message: string,
    readonly code: 'NO_PORT' | 'CLOSED' | 'WORKER' | 'BIND' | 'DETECTOR',
  ) {
    super(message);
    this.name = 'MediaPlaneError';
  }
}

export interface MediaPlane {
  readonly host: string;
  openSession(opts: OpenSessionOptions): Promise<MediaSession>;
  /** Open sessions right now. */
  readonly size: number;
  workerStats(): Promise<WorkerStats[]>;
  /** Ends every session (HANGUP) and stops the workers. */
  close(): Promise<void>;
}

const DEFAULT_DETECTOR = new URL('../amd/index.ts', import.meta.url).href;
const WORKER_ENTRY = new URL('./worker/entry.mjs', import.meta.url).href;
/**
 * Receive batching is off by default: on the shared 2-core dev machine it measured no CPU saving (the load
 * there already batches wake-ups) and one run lagged; `bench:media --batch-ms 1` tries it on a quiet host.
 */
const DEFAULT_BATCH = { intervalMs: 0, minSessions: 64 };
/** Bind attempts per session before giving up (each failure marks a port busy and moves on). */
const MAX_BIND_ATTEMPTS = 16;

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Main-thread record of one session, from the open request to the closed report. */
interface SessionEntry {
  id: number;
  callId: string;
  port: number;
  worker: WorkerLink;
  opened: Deferred<void>;
  decision: Deferred<AmdDecision>;
  beep: Deferred<AmdBeepEvent | null>;
  late: Deferred<AmdLateVerdict | null>;
  report: Deferred<SessionReport>;
  state: 'opening' | 'open' | 'closing' | 'closed';
  closeReason?: CloseReason;
  unlistenAbort?: () => void;
}

/** The main thread's end of one worker's control channel. */
interface WorkerLink {
  index: number;
  port: MessagePort;
  ready: Promise<void>;
  sessions: number;
  alive: boolean;
}

export async function createMediaPlane(opts: MediaPlaneOptions): Promise<MediaPlane> {
  const log = opts.logger ?? silentLogger;
  const workerCount = Math.max(1, opts.workers ?? availableParallelism());
  const detectorModule = opts.detectorModule ?? DEFAULT_DETECTOR;
  const batch = opts.batch ?? DEFAULT_BATCH;
  const ports = new PortAllocator(opts.portMin, opts.portMax);
  const pool = new Piscina({
    filename: WORKER_ENTRY,
    minThreads: workerCount,
    maxThreads: workerCount,
    // One task per worker, so the N serve tasks land on N distinct workers and each never shares its thread.
    concurrentTasksPerWorker: 1,
    idleTimeout: Number.POSITIVE_INFINITY,
    // Piscina's Atomics.wait idling would freeze a worker's event loop (and its sockets) between tasks.
    atomics: 'disabled',
  });
  const sessions = new Map<number, SessionEntry>();
  const statsWaiters = new Map<number, { link: WorkerLink; resolve: (s: WorkerStats) => void }>();
  let nextId = 1;
  let closing = false;

  const links: WorkerLink[] = [];
  const serveDone: Promise<unknown>[] = [];

  function startWorker(index: number): WorkerLink {
    const { port1, port2 } = new MessageChannel();
    const ready = deferred<void>();
    const link: WorkerLink = { index, port: port1, ready: ready.promise, sessions: 0, alive: true };
    port1.on('message', (msg: FromWorker) => {
      if (msg.t === 'ready') ready.resolve();
      else onWorkerMessage(link, msg);
    });
    const task: ServeTask = { worker: index, control: port2, detectorModule, batch };
    const done = pool.run(task, { transferList: [port2 as never] }).then(
      () => undefined,
      (err: unknown) => {
        // The worker died (or its task threw): every session on it ends; a fresh serve task replaces it.
        link.alive = false;
        ready.reject(err);
        port1.close();
        log.error({ err, worker: index }, 'media worker failed');
        for (const s of sessions.values()) if (s.worker === link) failSession(s, new MediaPlaneError(`media worker ${index} failed: ${String(err)}`, 'WORKER'));
        for (const [req, w] of statsWaiters) {
          if (w.link !== link) continue;
          statsWaiters.delete(req);
          w.resolve({ worker: index, threadId: -1, sessions: 0, packets: 0 });
        }
        if (!closing) links[index] = startWorker(index);
      },
    );
    serveDone[index] = done;
    ready.promise.catch(() => {});
    return link;
  }

  function failSession(s: SessionEntry, err: Error): void {
    if (s.state === 'closed') return;
    s.state = 'closed';
    s.unlistenAbort?.();
    sessions.delete(s.id);
    ports.release(s.port);
    s.worker.sessions--;
    s.opened.reject(err);
    s.decision.reject(err);
    s.beep.resolve(null);
    s.late.resolve(null);
    s.report.reject(err);
  }

  function onWorkerMessage(link: WorkerLink, msg: FromWorker): void {
    if (msg.t === 'stats') {
      statsWaiters.get(msg.req)?.resolve(msg.stats);
      statsWaiters.delete(msg.req);
      return;
    }
    if (msg.t === 'ready') return;
    const s = sessions.get(msg.id);
    if (!s) return;
    switch (msg.t) {
      case 'opened':
        s.state = s.state === 'opening' ? 'open' : s.state;
        s.opened.resolve();
        // Closed (aborted) while the bind was in flight: now that the worker holds it, close it there.
        if (s.state === 'closing') send(link, { t: 'close', id: s.id, reason: s.closeReason ?? 'hangup' });
        return;
      case 'openFailed':
        sessions.delete(s.id);
        s.worker.sessions--;
        if (msg.code === 'EADDRINUSE' || msg.code === 'EACCES') ports.markBusy(s.port);
        else ports.release(s.port);
        s.state = 'closed';
        s.unlistenAbort?.();
        s.beep.resolve(null);
        s.late.resolve(null);
        s.opened.reject(
          Object.assign(new MediaPlaneError(msg.message, msg.code === 'EDETECTOR' ? 'DETECTOR' : 'BIND'), { errno: msg.code }),
        );
        return;
      case 'decision':
        s.decision.resolve(msg.decision);
        return;
      case 'beep':
        s.beep.resolve(msg.event);
        return;
      case 'late':
        s.late.resolve(msg.late);
        return;
      case 'closed':
        sessions.delete(s.id);
        ports.release(s.port);
        s.worker.sessions--;
        s.state = 'closed';
        s.unlistenAbort?.();
        s.decision.resolve(msg.report.decision); // no-op when a decision came first
        s.beep.resolve(null); // likewise when a beep came
        s.late.resolve(msg.report.decision.late ?? null);
        s.report.resolve(msg.report);
        return;
    }
  }

  function send(link: WorkerLink, msg: ToWorker): void {
    link.port.postMessage(msg);
  }

  function leastLoaded(): WorkerLink {
    let best: WorkerLink | undefined;
    for (const l of links) if (l.alive && (!best || l.sessions < best.sessions)) best = l;
    if (!best) throw new MediaPlaneError('no media worker is running', 'WORKER');
    return best;
  }

  function requestClose(s: SessionEntry, reason: CloseReason): void {
    if (s.state === 'closing' || s.state === 'closed') return;
    const wasOpen = s.state === 'open';
    s.state = 'closing';
    s.closeReason = reason;
    if (wasOpen) send(s.worker, { t: 'close', id: s.id, reason });
  }

  async function openOnce(o: OpenSessionOptions, format: Required<MediaFormat>): Promise<SessionEntry> {
    const port = ports.allocate();
    if (port === undefined) throw new MediaPlaneError(`no free RTP port in ${ports.min}..${ports.max}`, 'NO_PORT');
    const link = leastLoaded();
    const s: SessionEntry = {
      id: nextId++,
      callId: o.callId,
      port,
      worker: link,
      opened: deferred(),
      decision: deferred(),
      beep: deferred(),
      late: deferred(),
      report: deferred(),
      state: 'opening',
    };
    s.decision.promise.catch(() => {});
    s.report.promise.catch(() => {});
    sessions.set(s.id, s);
    link.sessions++;
    send(link, { t: 'open', id: s.id, callId: o.callId, host: opts.host, port, params: o.params, format, continuous: o.analyseContinuously === true, captureFrames: Math.max(0, Math.floor((o.captureMs ?? 0) / 20)) });
    await s.opened.promise;
    return s;
  }

  const plane: MediaPlane = {
    host: opts.host,
    get size() {
      return sessions.size;
    },

    async openSession(o) {
      if (closing) throw new MediaPlaneError('media plane is closed', 'CLOSED');
      if (o.signal?.aborted) throw new MediaPlaneError(`call ${o.callId} hung up before media`, 'CLOSED');
      const codec = o.format?.codec ?? 'ulaw';
      const format: Required<MediaFormat> = { codec, payloadType: o.format?.payloadType ?? DEFAULT_PAYLOAD_TYPE[codec] };
      let s: SessionEntry | undefined;
      for (let attempt = 1; !s; attempt++) {
        try {
          s = await openOnce(o, format);
        } catch (err) {
          const retry = err instanceof MediaPlaneError && err.code === 'BIND' && attempt < MAX_BIND_ATTEMPTS;
          if (!retry) throw err;
          log.debug({ err, callId: o.callId }, 'RTP port busy, trying the next one');
        }
      }
      const entry = s;
      if (o.signal) {
        const signal = o.signal;
        const onAbort = (): void => requestClose(entry, 'hangup');
        if (signal.aborted) onAbort();
        else {
          signal.addEventListener('abort', onAbort, { once: true });
          entry.unlistenAbort = () => signal.removeEventListener('abort', onAbort);
        }
      }
      return {
        callId: entry.callId,
        host: opts.host,
        port: entry.port,
        decision: entry.decision.promise,
        beep: entry.beep.promise,
        late: entry.late.promise,
        close(reason: CloseReason = 'hangup') {
          requestClose(entry, reason);
          return entry.report.promise;
        },
      };
    },

    async workerStats() {
      const alive = links.filter((l) => l.alive);
      return Promise.all(
        alive.map(
          (l) =>
            new Promise<WorkerStats>((resolve) => {
              const req = nextId++;
              statsWaiters.set(req, { link: l, resolve });
              send(l, { t: 'stats', req });
            }),
        ),
      );
    },

    async close() {
      if (closing) return;
      closing = true;
      for (const l of links) if (l.alive) send(l, { t: 'stop' });
      await Promise.allSettled(serveDone);
      // The workers' last `closed` reports travel on the control ports, not with the task result: let them land.
      await new Promise((r) => setImmediate(r));
      for (const s of [...sessions.values()]) failSession(s, new MediaPlaneError('media plane closed', 'CLOSED'));
      await pool.destroy();
    },
  };

  for (let i = 0; i < workerCount; i++) links.push(startWorker(i));
  try {
    await Promise.all(links.map((l) => l.ready));
  } catch (err) {
    closing = true;
    await pool.destroy();
    throw new MediaPlaneError(`media workers failed to start: ${String(err)}`, 'WORKER');
  }
  log.info({ workers: workerCount, host: opts.host, ports: `${opts.portMin}-${opts.portMax}` }, 'media plane ready');
  return plane;
}
