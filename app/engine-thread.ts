/**
 * The API side's handle on the engine thread (app/engine-host.ts): starts it, forwards EngineControl's commands to
 * it, re-emits its domain events on a local DomainEvents (the live feed subscribes there) and keeps its last status,
 * so health, the wallboard and the API's reads are answered here without waiting on the engine. The port's
 * machinery (requests by id, status, events, start and stop) is ./thread-channel.ts's.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { systemClock, type Clock } from '../engine/clock/index.js';
import type { Config } from '../engine/config/index.js';
import { ControlError, type AgentLiveState, type EngineControl } from '../engine/control/index.js';
import type { DomainEvents } from '../engine/events/index.js';
import type { Logger } from '../engine/log/index.js';
import { type Campaign, type RecordingRow, type Store } from '../engine/store/index.js';
import type { RecorderControl } from '../api/index.js';
import { campaignLiveStats } from './engine-control.js';
import type { EngineCommand, EngineHostInit, EngineStatus, EngineThreadKind, FromEngine, LagFigures, ToEngine } from './engine-protocol.js';
import { openThreadClient } from './thread-channel.js';

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
  const c = await openThreadClient<ToEngine, EngineStatus, Extract<FromEngine, { type: 'ready' }>>({
    port: port1,
    ...(worker ? { worker } : {}),
    name: 'the engine thread',
    logger: o.logger,
    ...(o.signal ? { signal: o.signal } : {}),
    onLost: (err) => o.onLost?.(err),
  });
  return {
    thread,
    simulated: c.ready.simulated,
    ariUrl: c.ready.ariUrl,
    events: c.events,
    status: c.status,
    statusAgeMs: c.statusAgeMs,
    alive: c.alive,
    command: (command, args) => c.request((id) => ({ type: 'call', id, command, args })),
    lag: (reset = false) => c.request((id) => ({ type: 'lag', id, reset })) as Promise<LagFigures>,
    stop: (opts) => c.stop({ type: 'stop', ...opts }),
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
      applySettings: (id) => done(run('campaigns.applySettings', id)),
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
