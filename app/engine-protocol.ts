/**
 * The messages between the API thread and the engine thread (app/engine-host.ts runs the engine, app/engine-thread.ts
 * is the API side's handle on it), over ./thread-channel.ts. Plain data only: everything crosses a MessagePort by
 * structured clone.
 */
import type { Config } from '../engine/config/index.js';
import type { AgentLiveState, ControlError, ControlProblem } from '../engine/control/index.js';
import type { EngineSnapshot } from '../engine/shell/index.js';
import type { RecordingsStatus } from '../engine/recordings/index.js';
import type { CampaignEngineView } from './engine-control.js';
import type { ThreadMessage } from './thread-channel.js';

/** Where the engine's event loop runs: its own worker thread (the product), or the caller's (a test's control run). */
export type EngineThreadKind = 'worker' | 'main';

export interface EngineHostInit {
  config: Config;
  /** The API side's logger level; the engine thread logs with the same level to the same stdout. */
  logLevel: string;
  pretty: boolean;
  thread: EngineThreadKind;
  /** How often the engine thread sends its status (default 250 ms). */
  statusIntervalMs?: number;
}

/** Event-loop delay of one thread over a window, in ms (perf_hooks' monitorEventLoopDelay, 10 ms resolution). */
export interface LagFigures {
  p50: number;
  p99: number;
  max: number;
  /** Length of the window measured (ms). */
  windowMs: number;
}

/** What the engine thread tells the API side several times a second: everything /health, the board and reads need. */
export interface EngineStatus {
  at: number;
  thread: EngineThreadKind;
  snapshot: EngineSnapshot;
  agents: AgentLiveState[];
  campaigns: Record<string, CampaignEngineView>;
  media: { activeSessions: number };
  /** The engine thread's own event-loop lag over its last full health window (5 s). */
  lag: LagFigures;
  /** The recorder's status (it runs in the engine thread: it records bridges through ARI); null when unreadable. */
  recordings: RecordingsStatus | null;
}

/** The commands the API side may send (EngineControl's commands, by path). */
export const ENGINE_COMMANDS = [
  'campaigns.start',
  'campaigns.pause',
  'campaigns.stop',
  'campaigns.testCall',
  'campaigns.applySettings',
  'agents.login',
  'agents.ready',
  'agents.pause',
  'agents.logout',
  'agents.upsert',
  'agents.remove',
  'calls.hangup',
  // The recorder (engine/recordings) runs beside the engine: pause/resume reach Asterisk through its ARI gateway.
  'recordings.pause',
  'recordings.resume',
  'recordings.delete',
] as const;
export type EngineCommand = (typeof ENGINE_COMMANDS)[number];

export type SerializedError =
  | { kind: 'control'; code: ControlError['code']; message: string; problem?: ControlProblem }
  | { kind: 'recording'; status: 404 | 409; message: string }
  | { kind: 'error'; message: string; code?: string };

export type ToEngine =
  | { type: 'call'; id: number; command: EngineCommand; args: unknown[] }
  /** Event-loop lag since the last `lag` request with reset (or since start), for benchmarks. */
  | { type: 'lag'; id: number; reset: boolean }
  /** Start-up aborted (SIGTERM while still waiting for Asterisk). */
  | { type: 'abort' }
  /** Stop: gracefully (`graceMs`) or at once (`hangup`), then close everything the engine thread opened. */
  | { type: 'stop'; graceMs?: number; hangup?: boolean };

export type FromEngine = ThreadMessage<EngineStatus, { simulated: boolean; ariUrl: string }>;
