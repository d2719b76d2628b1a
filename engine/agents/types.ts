import type { CommonEffect, Step } from '../step/index.js';
import type { AriCommand, AriEvent, ChannelState } from '../ari/index.js';
import type { AgentKind, AgentStatus } from '../events/index.js';

export type { AgentKind, AgentStatus };

export interface AgentConfig {
  id: string;
  kind: AgentKind;
  /**
   * human: the softphone endpoint dialled once for the nailed-up leg, e.g. "PJSIP/1001".
   * bot: the dial string of the voice-AI endpoint, e.g. "PJSIP/assistant@voice-ai-trunk".
   */
  endpoint: string;
  /** Calls at once: 1 for a human; the provider's concurrency cap for a bot. */
  maxConcurrent: number;
  /** Wrap-up after a talked call (per campaign; 0 = straight back to READY). */
  wrapUpMs: number;
  /**
   * The campaigns this agent serves; omitted or empty: every campaign. Routing gives the agent only calls of
   * these campaigns, and only their pacers count it.
   */
  campaignIds?: readonly string[];
}

export interface AgentState {
  config: AgentConfig;
  status: AgentStatus;
  pauseReason: string | null;
  /** Requested while busy; applied when the agent frees up. */
  pending: { kind: 'pause'; reason: string } | { kind: 'logout' } | null;
  /** When the agent last became idle-ready: routing serves the longest idle first. */
  readySince: number | null;
  /** Channel and bridge ids we own for this agent. */
  bridgeId: string;
  bridgeUp: boolean;
  bridgeRequested: boolean;
  legId: string | null;
  legSeq: number;
  /** The nailed-up leg is answered and sits in the agent's bridge. */
  legUp: boolean;
  /**
   * The leg is the agent's own call into Stasis (dialplan `agent-login`), not one we originated: its id is
   * Asterisk's, not ours by prefix, so it is remembered here; we never redial it (the agent chose to hang up).
   */
  legDialIn: boolean;
  /** Calls reserved for or talking to this agent. */
  calls: string[];
  talking: string[];
  timers: AgentTimer[];
  /** Prefix of every id we mint (our channel-id prefix, so orphans can be recognised). */
  idPrefix: string;
}

export type AgentTimer = 'wrap-up' | 'leg-retry';

export type AgentInput =
  | { type: 'ready'; at: number }
  | { type: 'pause'; reason: string; at: number }
  | { type: 'logout'; at: number }
  | { type: 'reserve'; callId: string; at: number }
  | { type: 'connect'; callId: string; at: number }
  /** The call no longer needs this agent; `talked` → wrap-up, otherwise straight back. */
  /** `wrapUpMs`: the wrap-up of the call's campaign (agents serve several); default the agent's own. */
  | { type: 'release'; callId: string; talked: boolean; wrapUpMs?: number; at: number }
  | { type: 'timer'; timer: AgentTimer; at: number }
  /** The agent's phone dialled into Stasis to log in: `channelId` (already in Stasis) becomes the nailed-up leg. */
  | { type: 'dial-in'; channelId: string; at: number }
  | { type: 'ari'; event: AriEvent; at: number }
  | { type: 'command-failed'; command: AriCommand; status: number; message: string; at: number }
  | {
      type: 'reconcile';
      channels: ReadonlyMap<string, ChannelState | string>;
      bridges: ReadonlyMap<string, readonly string[]>;
      at: number;
    };

export type AgentEffect =
  | CommonEffect<AgentTimer>
  /** The agent's leg or bridge died under these calls: the shell should cancel them. */
  | { kind: 'calls-lost'; callIds: string[] }
  /** A dial-in login the agent cannot take now (busy on a call, or a bot): the shell refuses the call. */
  | { kind: 'dial-in-refused'; channelId: string; reason: string };

export type AgentStep = Step<AgentState, AgentEffect>;

/** Ms between attempts to re-dial a nailed-up leg that failed or hung up. */
export const LEG_RETRY_MS = 3000;
/** Ring time for a nailed-up leg (seconds). */
export const LEG_RING_SEC = 30;
