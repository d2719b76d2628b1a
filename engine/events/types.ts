/**
 * The one domain event list (DESIGN.md: "one event type list, one place"). State machines emit these; the store,
 * the metrics, the Socket.IO board and (multi-node) Redis subscribe. Plain JSON-serialisable data only, so an
 * event can cross a worker, a socket or Redis unchanged. `at` is epoch ms from the engine's Clock.
 */
import type { AmdStatus } from '../amd/index.js';

/** How a dial attempt ended. One per CallLog. */
export type Disposition =
  | 'ANSWERED_HUMAN'
  | 'MACHINE'
  | 'NO_ANSWER'
  | 'BUSY'
  | 'CONGESTION'
  | 'INVALID_NUMBER'
  | 'FAILED'
  | 'DROPPED'
  | 'HUNG_UP_DURING_AMD'
  | 'CANCELLED';

export const DISPOSITIONS: readonly Disposition[] = [
  'ANSWERED_HUMAN',
  'MACHINE',
  'NO_ANSWER',
  'BUSY',
  'CONGESTION',
  'INVALID_NUMBER',
  'FAILED',
  'DROPPED',
  'HUNG_UP_DURING_AMD',
  'CANCELLED',
];

export type AgentStatus = 'LOGGED_OUT' | 'READY' | 'RESERVED' | 'TALKING' | 'WRAP_UP' | 'PAUSED';

export type AgentKind = 'human' | 'bot';

interface CallRef {
  callId: string;
  at: number;
}

export type DomainEvent =
  | (CallRef & {
      type: 'call.created';
      campaignId: string;
      leadId: string | null;
      phone: string;
      channelId: string;
      agentId: string | null;
      nodeId: string;
    })
  | (CallRef & { type: 'call.dialing' })
  | (CallRef & { type: 'call.ringing' })
  | (CallRef & { type: 'call.answered' })
  | (CallRef & { type: 'call.amd'; status: AmdStatus; cause: string; decisionMs: number; treatedAs: 'HUMAN' | 'MACHINE' })
  | (CallRef & { type: 'call.bridged'; agentId: string; bridgeId: string })
  /**
   * The async watch turned a call handed to an agent into a machine ("voicemail detected"): a beep or a
   * monologue after the HUMAN verdict. `agentId` is the agent it was pulled back from (null if none yet).
   */
  | (CallRef & { type: 'call.amd_late'; cause: string; decisionMs: number; agentId: string | null })
  | (CallRef & { type: 'call.dropped'; reason: 'no-agent' | 'agent-bridge-failed' })
  | (CallRef & { type: 'call.voicemail'; media: string })
  | (CallRef & {
      type: 'call.ended';
      disposition: Disposition;
      /** Q.850 cause of the callee channel's ChannelDestroyed, null when never seen (e.g. after a reconnect). */
      hangupCause: number | null;
      dialStatus: string | null;
      agentId: string | null;
      safeHarborPlayed: boolean;
      voicemailLeft: boolean;
      /**
       * Set when the callee hung up while AMD was still listening: the analysis ended as HANGUP (app_amd's status
       * for it), so QA sees how far it got. Absent otherwise (the result went out as `call.amd`).
       */
      amd?: { status: 'HANGUP'; cause: string; decisionMs: number };
    })
  | {
      type: 'agent.state';
      agentId: string;
      kind: AgentKind;
      from: AgentStatus;
      to: AgentStatus;
      reason: string | null;
      callId: string | null;
      at: number;
    }
  | { type: 'campaign.state'; campaignId: string; from: string; to: string; at: number }
  | {
      /** The pacing rule's latest decision for a campaign; emitted when it changes, not every tick. */
      type: 'campaign.pacing';
      campaignId: string;
      mode: string;
      place: number;
      level: number | null;
      at: number;
    }
  | { type: 'engine.connected'; at: number }
  | { type: 'engine.disconnected'; at: number; reason: string }
  | { type: 'engine.reconciled'; at: number; closedCalls: number; orphansHungUp: number };

export type DomainEventType = DomainEvent['type'];

export type DomainEventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;
