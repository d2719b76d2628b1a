import type { CommonEffect, Step } from '../step/index.js';
import type { AmdDecision, AmdLateVerdict, AmdStatus, AmdTrace } from '../amd/index.js';
import type { AriCommand, AriEvent, AriFailureKind, ChannelState } from '../ari/index.js';
import type { Disposition, InterruptionCause } from '../events/index.js';

/**
 * The phases of one dial attempt. `amd` covers "snoop + externalMedia set up, waiting for the decision";
 * `agent-wait` is a human waiting (≤ 2 s) for an agent; `dropping` is the safe-harbor message playing;
 * `machine` is hanging up or leaving a voicemail; `ended` means the callee channel is gone (the CallLog is
 * closed) — resources we created may still be tearing down until `done`.
 */
export type CallPhase =
  | 'created'
  | 'dialing'
  | 'ringing'
  | 'answered'
  | 'amd'
  | 'agent-wait'
  | 'bridged'
  | 'machine'
  | 'dropping'
  | 'hanging-up'
  | 'ended';

/** What the campaign wants done with answering machines and unsure AMD results. */
export interface CallPolicy {
  machine: 'hangup' | 'voicemail';
  notSure: 'human' | 'machine';
  /** Media URI played to a machine after the beep, e.g. "sound:vm-centralita". */
  voicemailMedia: string | null;
  /** Media URI played to an answered human when no agent is available (the abandon rule). */
  safeHarborMedia: string;
  /**
   * The abandon rule's limit (2000 ms by regulation): an answered human for whom no agent is found within it is
   * dropped (safe harbor). Measured from `agentWaitFrom`. Once an agent is committed in time, the bridge
   * round trip gets the same length again as a guard (a bridge that never confirms is still a drop).
   */
  agentWaitMs: number;
  /**
   * Where the limit starts: 'answer' (default; the US reading the pacing simulator uses: a human must reach an
   * agent by answer + 2 s, AMD's listening time included) or 'verdict' (from AMD's HUMAN decision).
   */
  agentWaitFrom?: 'answer' | 'verdict';
  /** Seconds the callee may ring (originate timeout). */
  ringTimeoutSec: number;
  /** Max ms to wait for the beep when the decision had none, then leave the message anyway. */
  beepWaitMs: number;
  /** Max ms from answer to an AMD decision; after it the call is treated as NOTSURE. */
  amdTimeoutMs: number;
  /**
   * The async watch: after a HUMAN (or NOTSURE-as-human) verdict the AMD session stays open this long (the
   * detector's `lateWatchMs`); a late MACHINE verdict pulls the call back from the agent. 0: off.
   */
  amdWatchMs?: number;
  /** Max ms a message playback may take before we hang up regardless (lost PlaybackFinished). */
  playbackGuardMs: number;
  callerId?: string;
}

export const defaultCallPolicy: CallPolicy = {
  machine: 'hangup',
  notSure: 'human',
  voicemailMedia: null,
  safeHarborMedia: 'sound:centralita-safe-harbor',
  agentWaitMs: 2000,
  agentWaitFrom: 'answer',
  ringTimeoutSec: 30,
  beepWaitMs: 8000,
  amdTimeoutMs: 10000,
  amdWatchMs: 0,
  playbackGuardMs: 30000,
};

/** Ids of everything this call may create; derived from the call id so events can be routed by prefix. */
export interface CallIds {
  customer: string;
  snoop: string;
  externalMedia: string;
  amdBridge: string;
  safeHarborPlayback: string;
  voicemailPlayback: string;
  /** Bot agents: the per-call bridge and the leg dialled to the voice-AI endpoint. */
  botBridge: string;
  botLeg: string;
}

export function callIds(callId: string): CallIds {
  return {
    customer: callId,
    snoop: `${callId}-snoop`,
    externalMedia: `${callId}-em`,
    amdBridge: `${callId}-amd`,
    safeHarborPlayback: `${callId}-sh`,
    voicemailPlayback: `${callId}-vm`,
    botBridge: `${callId}-ab`,
    botLeg: `${callId}-bot`,
  };
}

/**
 * The agent a call goes to. Human: `bridgeId` is the agent's own bridge where the nailed-up leg waits.
 * Bot: `dial` is the voice-AI dial string; the call dials it into a bridge of its own (`bridgeId` = the call's
 * botBridge) when the human is detected.
 */
export interface AgentSlot {
  agentId: string;
  bridgeId: string;
  dial?: string;
}

export interface CallState {
  id: string;
  ids: CallIds;
  phase: CallPhase;
  campaignId: string;
  leadId: string | null;
  phone: string;
  endpoint: string;
  nodeId: string;
  policy: CallPolicy;
  /** When the call was dialled (the `dial` input's time); null before. Pacing's ring age, a pacer's cancel order. */
  placedAt: number | null;
  /** A test call (placed from the API, no lead): not the campaign's for pacing, never cancelled by a pacer. */
  test: boolean;
  /**
   * Hung up by its pacer's `cancel` while it rang (`cancel` input with `by: 'pacer'`): gone for pacing while its
   * hang-up completes, and its lead is retried like a no-answer (the CallLog keeps CANCELLED).
   */
  pacerCancelled: boolean;
  /** Agent reserved before answer (pacing) or assigned after the HUMAN decision. */
  agent: AgentSlot | null;
  /** Channels and bridges we asked Asterisk to create and have not seen destroyed. */
  ownedChannels: string[];
  ownedBridges: string[];
  /** StasisStart seen for the snoop / externalMedia channels. */
  snoopUp: boolean;
  mediaUp: boolean;
  /** addChannel(callee) into the agent's bridge has been sent. */
  agentAddSent: boolean;
  /** addChannel(snoop, externalMedia) into the AMD bridge has been sent. */
  amdBridged: boolean;
  /**
   * MACHINE under the voicemail policy, no beep yet: the AMD session and its audio path stay up so that the
   * media plane can report the beep (the moment to start the message); torn down when the message starts.
   */
  listeningForBeep: boolean;
  /** HUMAN handed to the agent, the async watch still listening (AMD session and audio path up). */
  watching: boolean;
  dialStatus: string | null;
  /** A Dial event was seen for the callee (a Local dial into a missing extension sends none). */
  sawDial: boolean;
  hangupCause: number | null;
  answeredAt: number | null;
  amd: { status: AmdStatus; cause: string; decisionMs: number } | null;
  /** How the decision was acted upon (NOTSURE resolved by policy). */
  treatedAs: 'HUMAN' | 'MACHINE' | null;
  /** The async watch's late MACHINE verdict, beside the first one. */
  amdLate: { cause: string; decisionMs: number } | null;
  disposition: Disposition | null;
  cancelled: boolean;
  /** We asked Asterisk to hang up the callee (re-sent after a reconnect if the channel is still there). */
  hangupSent: boolean;
  /** Asterisk said the callee's channel is hanging up (ChannelHangupRequest). */
  customerHangupSeen: boolean;
  /** …because Asterisk itself is shutting down (soft hang-up, AST_SOFTHANGUP_SHUTDOWN): the call is cut. */
  cutByShutdown: boolean;
  /** The message played to the end (PlaybackFinished "done"); a failed or cut playback is not "played". */
  safeHarborPlayed: boolean;
  voicemailLeft: boolean;
  /** Id of the message playback we started (safe harbor or voicemail), null before. */
  playbackId: string | null;
  /** Timers currently set, by name. */
  timers: CallTimer[];
  /** All created resources are gone after the end: the shell can forget this call. */
  done: boolean;
}

export type CallTimer = 'amd' | 'agent-wait' | 'beep' | 'playback' | 'watch';

export type CallInput =
  | { type: 'dial'; at: number }
  | { type: 'ari'; event: AriEvent; at: number }
  | { type: 'amd-endpoint'; host: string; port: number; at: number }
  | { type: 'amd-decision'; decision: AmdDecision; at: number }
  /** The media plane heard the beep after a MACHINE decision (voicemail policy). */
  | { type: 'beep'; at: number }
  /** The async watch heard a beep or a monologue after a HUMAN verdict: the call is a machine after all. */
  | { type: 'amd-late'; late: AmdLateVerdict; at: number }
  | { type: 'timer'; timer: CallTimer; at: number }
  /** An agent became available for a human waiting in `agent-wait`. */
  | { type: 'agent-assigned'; agent: AgentSlot; at: number }
  /**
   * A command the shell performed for this call failed. `kind` says how (engine/ari AriError): `timeout`, `reset`
   * and `aborted` leave its outcome unknown (reconciliation tells); `disconnected` and `refused` mean it never
   * reached Asterisk.
   */
  | { type: 'command-failed'; command: AriCommand; status: number; message: string; kind?: AriFailureKind; at: number }
  /**
   * Stop this attempt (campaign stopped, agent lost, operator): hang up whatever exists. `by: 'pacer'`: its
   * campaign's pacer cut it while it rang (see `pacerCancelChoice`), which decides what the lead is told.
   */
  | { type: 'cancel'; by?: 'pacer'; at: number }
  /**
   * After a (re)connect: what Asterisk has now. Calls whose channel vanished are closed with what is known.
   * `channels` maps channel id → state.
   */
  | {
      type: 'reconcile';
      channels: ReadonlyMap<string, ChannelState | string>;
      /** bridge id → ids of the channels in it */
      bridges: ReadonlyMap<string, readonly string[]>;
      /**
       * Sight of Asterisk was lost before this reconciliation (calls exist only across a reconnect): why, and the
       * last moment it was known alive (the end time of calls found gone).
       */
      lost: { cause: InterruptionCause; at: number };
      at: number;
    }
  /**
   * The engine stops with this call still up and cannot wait for it (graceful shutdown past its grace, or ARI
   * unreachable): close the record now as interrupted; what is left in Asterisk is the next start's orphan.
   */
  | { type: 'interrupt'; cause: InterruptionCause; at: number };

export type CallEffect =
  | CommonEffect<CallTimer>
  /** Open an AMD session for this call; the shell answers with `amd-endpoint` then `amd-decision`. */
  | { kind: 'amd-start' }
  | { kind: 'amd-stop' }
  /** A human is waiting and there is no agent: the shell should find one (answer with `agent-assigned`). */
  | { kind: 'agent-request' }
  /** The call no longer needs its agent: `talked` says whether they were connected (→ wrap-up) or not. */
  | { kind: 'agent-release'; agentId: string; talked: boolean }
  /**
   * The attempt is over and its lead (never a test call's: those have none) gets this outcome: the call's
   * disposition, except that a call its pacer cut while ringing is a NO_ANSWER for the lead (`leadDisposition`).
   */
  | { kind: 'lead-outcome'; leadId: string; disposition: Disposition; at: number }
  /**
   * AMD decided, with the detector's trace (`AmdDecision.trace`): the shell keeps it with the CallLog so the
   * decision can be replayed (engine/amd `encodeAmdTrace`, `replayAmdTrace`). Not for the timeout/failure
   * NOTSURE the reducer makes up itself (their trace is empty).
   */
  | { kind: 'amd-trace'; trace: AmdTrace };

export type CallStep = Step<CallState, CallEffect>;
