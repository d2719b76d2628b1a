/**
 * The messages between `npm start` on PostgreSQL's API thread and its engine node's thread (./node-host.ts runs the
 * node, ./node-thread.ts is the API side's handle on it), over app/thread-channel.ts as the SQLite product's engine
 * thread (app/engine-protocol.ts). Plain data only: everything crosses a MessagePort by structured clone.
 */
import type { QueueLogFileStatus } from '../../engine/analytics/index.js';
import type { AgentLiveState, CampaignLiveStats } from '../../engine/control/index.js';
import type { PacingObservation } from '../../engine/pacing/index.js';
import type { RecordingsStatus } from '../../engine/recordings/index.js';
import type { EngineSnapshot } from '../../engine/shell/index.js';
import { ENGINE_COMMANDS, type LagFigures, type SerializedError, type ThreadMessage } from '../engine-parts.js';
import type { NodeConfig, NodeHealthReport } from '../node/index.js';

export interface NodeHostInit {
  cfg: NodeConfig;
  /** The API side's logger level; the node's thread logs with the same level to the same stdout. */
  logLevel: string;
  pretty: boolean;
  /** Where other API processes fetch this node's recordings (the product's port under /node, or NODE_PUBLIC_URL's). */
  recordingsUrl: string;
  /** The path prefix of those routes on the product's port. */
  recordingsPrefix: string;
  /** How often the node's thread sends its status (default 250 ms). */
  statusIntervalMs?: number;
}

/** What the node's thread tells the API side several times a second: everything /health, the feed and reads need. */
export interface NodeStatus {
  at: number;
  snapshot: EngineSnapshot;
  /** The node's own /health body (app/node runNode `report()`). */
  report: NodeHealthReport;
  queueLog: QueueLogFileStatus | null;
  /** The recorder's status, read at most once a second; null without a recorder or when unreadable. */
  recordings: RecordingsStatus | null;
  /** EngineControl's synchronous reads, answered on the API side from here. */
  agents: AgentLiveState[];
  liveStats: Record<string, { ok: true; value: CampaignLiveStats } | { ok: false; error: SerializedError }>;
  campaignIds: string[];
  /** The cluster board's pacing figures per loaded campaign. */
  observations: Record<string, PacingObservation | null>;
  /** The node thread's event-loop delay over its last full health window (5 s). */
  lag: LagFigures;
}

/**
 * The commands the API side may send: the SQLite engine thread's (EngineControl's by path, and the recorder's), and
 * `agents.ask` (an agent's command for another node, through Redis).
 */
export const NODE_COMMANDS = [...ENGINE_COMMANDS, 'agents.ask'] as const;
export type NodeCommand = (typeof NODE_COMMANDS)[number];

/** The engine loop's figures since the last probe with `reset` (bench:pg-loop): its delay, and how late it heard ARI events. */
export interface EngineLoopProbe {
  loop: LagFigures;
  /** PBX sent an ARI event → the engine's loop ran its handler (ms), every event. */
  ariEventMs: number[];
  /** The same, StasisStart and channels answered (ChannelStateChange to Up) only. */
  ariCallEventMs: number[];
}

export type ToNode =
  | { type: 'call'; id: number; command: NodeCommand; args: unknown[] }
  | { type: 'probe'; id: number; reset: boolean }
  /** Start-up aborted (SIGTERM while still waiting for Asterisk). */
  | { type: 'abort' }
  /** Graceful stop: dialling stops, live calls get `graceMs`, then everything the node's thread opened is closed. */
  | { type: 'stop'; graceMs?: number };

export type FromNode =
  | ThreadMessage<NodeStatus, { nodeId: string; simulated: boolean; ari: string; recordingsUrl: string | null; recorder: boolean }>
  /** Another node found this one dead and closed its calls: the process must end (runNode's `ended`). */
  | { type: 'ended'; code: number };
