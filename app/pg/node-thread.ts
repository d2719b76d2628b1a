/**
 * The API side's handle on the engine node's thread of `npm start` on PostgreSQL (./node-host.ts): starts it,
 * forwards the control's and the recorder's commands to it, re-emits its domain events on a local DomainEvents (the
 * live feed subscribes there) and keeps its last status, so /health, the wallboard, the cluster board and the API's
 * reads are answered here without waiting on the engine — as the SQLite product's engine thread (app/engine-thread.ts).
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { RecorderControl } from '../../api/index.js';
import type { BoardSource } from '../../engine/cluster/index.js';
import { ControlError, type AgentLiveState, type EngineControl } from '../../engine/control/index.js';
import type { DomainEvents } from '../../engine/events/index.js';
import type { Logger } from '../../engine/log/index.js';
import type { Campaign, RecordingRow } from '../../engine/store/index.js';
import { openThreadClient, toError } from '../index.js';
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
  /** Ms since the last status arrived: large means the node's thread is stalled (a loop that never yields) or gone. */
  statusAgeMs(): number;
  /** False once the node's thread has ended without being asked to. */
  alive(): boolean;
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
  let endWith: (code: number) => void = () => {};
  const ended = new Promise<number>((r) => (endWith = r));
  const c = await openThreadClient<ToNode, NodeStatus, Extract<FromNode, { type: 'ready' }>, Extract<FromNode, { type: 'ended' }>>({
    port,
    worker,
    name: 'the engine node thread',
    logger: o.logger,
    ...(o.signal ? { signal: o.signal } : {}),
    onLost: () => endWith(1),
    onOther: (m) => endWith(m.code),
  });
  return {
    nodeId: c.ready.nodeId,
    simulated: c.ready.simulated,
    ari: c.ready.ari,
    recordingsUrl: c.ready.recordingsUrl,
    recorder: c.ready.recorder,
    events: c.events,
    status: c.status,
    statusAgeMs: c.statusAgeMs,
    alive: c.alive,
    command: (command, args) => c.request((id) => ({ type: 'call', id, command, args })),
    probe: (reset = false) => c.request((id) => ({ type: 'probe', id, reset })) as Promise<EngineLoopProbe>,
    ended,
    stop: (graceMs) => c.stop({ type: 'stop', graceMs }),
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
      applySettings: (id) => done(run('campaigns.applySettings', id)),
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
    thread: { statusAgeMs: () => t.statusAgeMs(), alive: () => t.alive(), lag: () => t.status().lag },
    report: () => t.status().report,
    simulated: t.simulated,
    ari: t.ari,
    queueLog: { status: () => t.status().queueLog },
    recordings: t.recorder ? { status: () => t.status().recordings } : null,
    recordingsUrl: t.recordingsUrl,
  };
}
