/**
 * The API side's handle on the engine node's thread of `npm start` on PostgreSQL (./node-host.ts): starts it,
 * forwards the control's and the recorder's commands to it, re-emits its domain events on a local DomainEvents (the
 * live feed subscribes there) and keeps its last status, so /health, the wallboard, the cluster board and the API's
 * reads are answered here without waiting on the engine — as the SQLite product's engine thread (app/engine-thread.ts).
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { RecorderControl } from '../../api/index.js';
import type { BoardSource } from '../../engine/cluster/index.js';
import { systemClock } from '../../engine/clock/index.js';
import { ControlError, type AgentLiveState, type EngineControl } from '../../engine/control/index.js';
import { DomainEvents } from '../../engine/events/index.js';
import type { Logger } from '../../engine/log/index.js';
import type { Campaign, RecordingRow } from '../../engine/store/index.js';
import { toError } from '../index.js';
import type { EngineLoopProbe, FromNode, NodeCommand, NodeHostInit, NodeStatus, ToNode } from './node-protocol.js';
import type { PgProductHealthDeps } from './product-health.js';

const WORKER_ENTRY = new URL('./node-worker-entry.mjs', import.meta.url);

export interface StartNodeThreadOptions {
  init: NodeHostInit;
  logger: Logger;
  /** Aborts a start still waiting for Asterisk. */
  signal?: AbortSignal;
}

export interface NodeThread {
  nodeId: string;
  simulated: boolean;
  /** The ARI the engine talks to (credentials never included); "embedded" for the simulator. */
  ari: string;
  /** Where other API processes fetch this node's recordings (cluster_nodes.public_url); null without a recorder. */
  recordingsUrl: string | null;
  /** Whether the node records (its recorder runs in the node's thread). */
  recorder: boolean;
  /** The engine's domain events, re-emitted on this thread. */
  events: DomainEvents;
  /** The node's last status (at most a status interval old while it runs). */
  status(): NodeStatus;
  command(command: NodeCommand, args: unknown[]): Promise<unknown>;
  /** The engine loop's figures since the last call with `reset` (bench:pg-loop). */
  probe(reset?: boolean): Promise<EngineLoopProbe>;
  /**
   * Resolves with an exit code when the node must end by itself: another node reaped it (runNode's `ended`), or its
   * thread ended without being asked to (an uncaught error).
   */
  ended: Promise<number>;
  /** Graceful stop: dialling stops, live calls get `graceMs`, the node is marked stopped, then the thread ends. */
  stop(graceMs: number): Promise<void>;
}

export async function startNodeThread(o: StartNodeThreadOptions): Promise<NodeThread> {
  const { port1: port, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_ENTRY, { workerData: { port: port2, init: o.init }, transferList: [port2 as unknown as MessagePort] });
  const send = (m: ToNode) => port.postMessage(m);
  const events = new DomainEvents((err, event) => o.logger.warn({ err, event: event.type }, 'a subscriber of engine events failed'));

  let last: NodeStatus | undefined;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let stopped: (() => void) | undefined;
  const stoppedP = new Promise<void>((r) => (stopped = r));
  let endWith: (code: number) => void = () => {};
  const ended = new Promise<number>((r) => (endWith = r));
  let asked = false;
  let lost = false;

  const started = new Promise<Extract<FromNode, { type: 'ready' }>>((resolve, reject) => {
    port.on('message', (m: FromNode) => {
      switch (m.type) {
        case 'ready':
          last = m.status;
          resolve(m);
          return;
        case 'failed':
          reject(toError(m.error));
          return;
        case 'status':
          last = m.status;
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
        case 'ended':
          endWith(m.code);
          return;
        case 'stopped':
          stopped?.();
          return;
      }
    });
    worker.on('error', (err) => {
      o.logger.error({ err }, 'the engine node thread failed');
      reject(err);
    });
    worker.on('exit', (code) => {
      stopped?.();
      const err = new Error(`the engine node thread exited (code ${code})`);
      for (const p of pending.values()) p.reject(new ControlError('unavailable', err.message));
      pending.clear();
      reject(err);
      if (!asked && last !== undefined && !lost) {
        lost = true;
        endWith(1);
      }
    });
  });

  const onAbort = () => send({ type: 'abort' });
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let ready: Extract<FromNode, { type: 'ready' }>;
  try {
    ready = await started;
  } catch (err) {
    asked = true;
    await worker.terminate();
    port.close();
    throw err;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }

  const request = (make: (id: number) => ToNode): Promise<unknown> => {
    if (lost || asked) return Promise.reject(new ControlError('unavailable', 'the engine is not running'));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { resolve, reject });
      send(make(id));
    });
  };

  return {
    nodeId: ready.nodeId,
    simulated: ready.simulated,
    ari: ready.ari,
    recordingsUrl: ready.recordingsUrl,
    recorder: ready.recorder,
    events,
    status: () => last!,
    command: (command, args) => request((id) => ({ type: 'call', id, command, args })),
    probe: (reset = false) => request((id) => ({ type: 'probe', id, reset })) as Promise<EngineLoopProbe>,
    ended,
    async stop(graceMs) {
      if (asked) return;
      asked = true;
      if (!lost) {
        send({ type: 'stop', graceMs });
        await stoppedP;
      }
      for (const p of pending.values()) p.reject(new ControlError('unavailable', 'the engine stopped'));
      pending.clear();
      port.close();
      await worker.terminate();
    },
  };
}

/**
 * EngineControl over the node's thread (./node-control.ts runs there): commands go to the node and answer when it
 * has carried them out; reads (`state`, `list`, `liveStats`) are answered here from its last status.
 */
export function remoteNodeControl(t: NodeThread): EngineControl {
  const run = (command: NodeCommand, ...args: unknown[]) => t.command(command, args);
  const done = async (p: Promise<unknown>): Promise<void> => void (await p);
  const agentCommand = async (p: Promise<unknown>): Promise<AgentLiveState | void> => ((await p) as AgentLiveState | null) ?? undefined;
  return {
    campaigns: {
      start: (id) => run('campaigns.start', id) as Promise<Campaign>,
      pause: (id) => run('campaigns.pause', id) as Promise<Campaign>,
      stop: (id) => run('campaigns.stop', id) as Promise<Campaign>,
      testCall: (id, phone) => run('campaigns.testCall', id, phone) as Promise<{ callId: string }>,
      liveStats(id) {
        const s = t.status().liveStats[id];
        if (!s) throw new ControlError('unavailable', `campaign ${id} is not loaded on node ${t.nodeId}: its live figures start with it`);
        if (!s.ok) throw toError(s.error);
        return s.value;
      },
    },
    agents: {
      login: (id) => agentCommand(run('agents.login', id)),
      ready: (id) => agentCommand(run('agents.ready', id)),
      pause: (id, reason) => agentCommand(run('agents.pause', id, reason)),
      logout: (id) => agentCommand(run('agents.logout', id)),
      upsert: (id) => done(run('agents.upsert', id)),
      remove: (id) => done(run('agents.remove', id)),
      state: (id) => t.status().agents.find((a) => a.id === id) ?? null,
      ask: (id) => run('agents.ask', id) as Promise<AgentLiveState | null>,
      list: () => t.status().agents,
    },
    calls: {
      hangup: (id) => done(run('calls.hangup', id)),
    },
  };
}

/** The recorder's controls over the node's thread (the recorder runs there: pause/resume reach Asterisk over ARI). */
export function remoteNodeRecorder(t: NodeThread): RecorderControl {
  const run = (command: NodeCommand, ...args: unknown[]) => t.command(command, args) as Promise<RecordingRow>;
  return {
    pause: (callId, by) => run('recordings.pause', callId, by),
    resume: (callId) => run('recordings.resume', callId),
    delete: (callId, by) => run('recordings.delete', callId, by),
  };
}

/** What the cluster board publishes of this node (engine/cluster boardOf), from the node's last status. */
export function nodeBoardSource(t: NodeThread): BoardSource {
  return {
    snapshot: () => t.status().snapshot,
    campaignObservation: (id) => t.status().observations[id] ?? null,
  };
}

/** What /health shows of the node (./product-health.ts), from its last status. */
export function nodeHealthView(t: NodeThread): PgProductHealthDeps['node'] {
  return {
    engine: { snapshot: () => t.status().snapshot },
    report: () => t.status().report,
    simulated: t.simulated,
    ari: t.ari,
    queueLog: { status: () => t.status().queueLog },
    recordings: t.recorder ? { status: () => t.status().recordings } : null,
    recordingsUrl: t.recordingsUrl,
  };
}
