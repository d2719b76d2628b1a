/**
 * The API side's handle on the engine thread (app/engine-host.ts): starts it, forwards EngineControl's commands to
 * it, re-emits its domain events on a local DomainEvents (the live feed subscribes there) and keeps its last status,
 * so health, the wallboard and the API's reads are answered here without waiting on the engine.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { systemClock, type Clock } from '../engine/clock/index.js';
import type { Config } from '../engine/config/index.js';
import { ControlError, type AgentLiveState, type EngineControl } from '../engine/control/index.js';
import { DomainEvents } from '../engine/events/index.js';
import type { Logger } from '../engine/log/index.js';
import { type Campaign, type RecordingRow, type Store } from '../engine/store/index.js';
import { RecordingError } from '../engine/recordings/index.js';
import type { RecorderControl } from '../api/index.js';
import { campaignLiveStats } from './engine-control.js';
import type { EngineCommand, EngineHostInit, EngineStatus, EngineThreadKind, FromEngine, LagFigures, SerializedError, ToEngine } from './engine-protocol.js';

const WORKER_ENTRY = new URL('./engine-worker-entry.mjs', import.meta.url);

export interface StartEngineThreadOptions {
  config: Config;
  logger: Logger;
  /** 'worker' (the product); 'main' runs the same host on this thread — the load test's control run only. */
  thread?: EngineThreadKind;
  /** Aborts a start still waiting for Asterisk. */
  signal?: AbortSignal;
  /** The engine thread ended without being asked to (an uncaught error): called once. */
  onLost?: (err: Error) => void;
  statusIntervalMs?: number;
}

export interface EngineThread {
  thread: EngineThreadKind;
  simulated: boolean;
  ariUrl: string;
  /** The engine's domain events, re-emitted on this thread. */
  events: DomainEvents;
  /** The engine's last status (at most a status interval old while it runs). */
  status(): EngineStatus;
  /** Ms since the last status arrived: large means the engine thread is stalled or gone. */
  statusAgeMs(): number;
  /** False once the thread ended without being asked to. */
  alive(): boolean;
  command(command: EngineCommand, args: unknown[]): Promise<unknown>;
  /** The engine thread's event-loop lag since the last call with `reset` (benchmarks). */
  lag(reset?: boolean): Promise<LagFigures>;
  /** Stops the engine (dialling at once; live calls get `graceMs`, or are hung up with `hangup`) and ends the thread. */
  stop(opts: { graceMs?: number; hangup?: boolean }): Promise<void>;
}

export function toError(e: SerializedError): Error {
  if (e.kind === 'control') return new ControlError(e.code, e.message);
  if (e.kind === 'recording') return new RecordingError(e.status, e.message);
  const err = new Error(e.message) as Error & { code?: string };
  if (e.code !== undefined) err.code = e.code;
  return err;
}

export async function startEngineThread(o: StartEngineThreadOptions): Promise<EngineThread> {
  const thread = o.thread ?? 'worker';
  const init: EngineHostInit = {
    config: o.config,
    logLevel: o.logger.level,
    pretty: Boolean(process.stdout.isTTY),
    thread,
    ...(o.statusIntervalMs !== undefined ? { statusIntervalMs: o.statusIntervalMs } : {}),
  };
  const { port1, port2 } = new MessageChannel();
  let worker: Worker | undefined;
  if (thread === 'worker') {
    worker = new Worker(WORKER_ENTRY, { workerData: { port: port2, init }, transferList: [port2 as unknown as MessagePort] });
  } else {
    // Loaded only for this control mode: the product's API thread never loads the engine's modules for it.
    const { runEngineHost } = await import('./engine-host.js');
    void runEngineHost(port2, init);
  }
  const port = port1;
  const send = (m: ToEngine) => port.postMessage(m);
  const events = new DomainEvents((err, event) => o.logger.warn({ err, event: event.type }, 'a subscriber of engine events failed'));

  let last: EngineStatus | undefined;
  let lastAt = 0;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let stopped: (() => void) | undefined;
  const stoppedP = new Promise<void>((r) => (stopped = r));
  let asked = false;
  let lost = false;

  const started = new Promise<{ simulated: boolean; ariUrl: string }>((resolve, reject) => {
    const failStart = (err: Error) => {
      reject(err);
    };
    port.on('message', (m: FromEngine) => {
      switch (m.type) {
        case 'ready':
          last = m.status;
          lastAt = systemClock.now();
          resolve({ simulated: m.simulated, ariUrl: m.ariUrl });
          return;
        case 'failed':
          failStart(toError(m.error));
          return;
        case 'status':
          last = m.status;
          lastAt = systemClock.now();
          return;
        case 'events':
          events.emitAll(m.events);
          return;
        case 'result': {
          const p = pending.get(m.id);
          if (!p) return;
          pending.delete(m.id);
          if (m.ok) p.resolve(m.value);
          else p.reject(toError(m.error));
          return;
        }
        case 'stopped':
          stopped?.();
          return;
      }
    });
    worker?.on('error', (err) => {
      o.logger.error({ err }, 'the engine thread failed');
      failStart(err);
    });
    worker?.on('exit', (code) => {
      stopped?.();
      const err = new Error(`the engine thread exited (code ${code})`);
      for (const p of pending.values()) p.reject(new ControlError('unavailable', err.message));
      pending.clear();
      failStart(err);
      if (!asked && last !== undefined && !lost) {
        lost = true;
        o.onLost?.(err);
      }
    });
  });

  const onAbort = () => send({ type: 'abort' });
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let ready: { simulated: boolean; ariUrl: string };
  try {
    ready = await started;
  } catch (err) {
    asked = true;
    await worker?.terminate();
    port.close();
    throw err;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }

  const request = (make: (id: number) => ToEngine): Promise<unknown> => {
    if (lost || asked) return Promise.reject(new ControlError('unavailable', 'the engine is not running'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      send(make(id));
    });
  };

  return {
    thread,
    simulated: ready.simulated,
    ariUrl: ready.ariUrl,
    events,
    status: () => last!,
    statusAgeMs: () => systemClock.now() - lastAt,
    alive: () => !lost,
    command: (command, args) => request((id) => ({ type: 'call', id, command, args })),
    lag: (reset = false) => request((id) => ({ type: 'lag', id, reset })) as Promise<LagFigures>,
    async stop(opts) {
      if (asked) return;
      asked = true;
      if (!lost) {
        send({ type: 'stop', ...opts });
        await stoppedP;
      }
      for (const p of pending.values()) p.reject(new ControlError('unavailable', 'the engine stopped'));
      pending.clear();
      port.close();
      await worker?.terminate();
    },
  };
}

/**
 * EngineControl over the engine thread: commands go to the engine (and answer when it has carried them out);
 * reads are answered here, from the engine's last status and this thread's own store connection.
 */
export function remoteEngineControl(t: EngineThread, store: Pick<Store, 'campaigns' | 'callLogs' | 'leads'>, clock: Clock = systemClock): EngineControl {
  const stored = (id: string): Campaign => {
    const c = store.campaigns.get(id);
    if (!c) throw new ControlError('not_found', `campaign ${id} not found`);
    return c;
  };
  const run = (command: EngineCommand, ...args: unknown[]) => t.command(command, args);
  const done = async (p: Promise<unknown>): Promise<void> => void (await p);
  return {
    campaigns: {
      start: (id) => run('campaigns.start', id) as Promise<Campaign>,
      pause: (id) => run('campaigns.pause', id) as Promise<Campaign>,
      stop: (id) => run('campaigns.stop', id) as Promise<Campaign>,
      testCall: (id, phone) => run('campaigns.testCall', id, phone) as Promise<{ callId: string }>,
      liveStats: (id) => campaignLiveStats(store, clock, stored(id), t.status().campaigns[id] ?? null),
    },
    agents: {
      login: (id) => done(run('agents.login', id)),
      ready: (id) => done(run('agents.ready', id)),
      pause: (id, reason) => done(run('agents.pause', id, reason)),
      logout: (id) => done(run('agents.logout', id)),
      upsert: (id) => done(run('agents.upsert', id)),
      remove: (id) => done(run('agents.remove', id)),
      state: (id): AgentLiveState | null => t.status().agents.find((a) => a.id === id) ?? null,
      list: () => t.status().agents,
    },
    calls: {
      hangup: (id) => done(run('calls.hangup', id)),
    },
  };
}

/** The recorder's controls over the engine thread (the recorder runs there: pause/resume go to Asterisk over ARI). */
export function remoteRecorder(t: EngineThread): RecorderControl {
  const run = (command: EngineCommand, ...args: unknown[]) => t.command(command, args) as Promise<RecordingRow>;
  return {
    pause: (callId, by) => run('recordings.pause', callId, by),
    resume: (callId) => run('recordings.resume', callId),
    delete: (callId, by) => run('recordings.delete', callId, by),
  };
}
