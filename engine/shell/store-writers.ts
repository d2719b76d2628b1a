/**
 * The store as a subscriber of domain events: each call transition becomes one CallLog write (so a crash leaves
 * the row at its last stage), agent state changes are appended as agent events.
 */
import type { DomainEvents } from '../events/index.js';
import type { CallLogWriter } from './ports.js';

export interface AgentEventWriter {
  append(e: { agentId: string; from: string; to: string; reason?: string | null; callId?: string | null; at: number }): unknown;
}

export function attachCallLogWriter(events: DomainEvents, logs: CallLogWriter): () => void {
  return events.on('*', (e) => {
    switch (e.type) {
      case 'call.created':
        logs.create({
          id: e.callId,
          campaignId: e.campaignId,
          leadId: e.leadId,
          phone: e.phone,
          nodeId: e.nodeId,
          at: e.at,
          agentId: e.agentId,
          channelId: e.channelId,
        });
        return;
      case 'call.ringing':
        logs.markRinging(e.callId, e.at);
        return;
      case 'call.answered':
        logs.markAnswered(e.callId, e.at);
        return;
      case 'call.amd':
        logs.markAmd(e.callId, { status: e.status, cause: e.cause, decisionMs: e.decisionMs, treatedAs: e.treatedAs, at: e.at });
        return;
      case 'call.amd_late':
        logs.markAmdLate(e.callId, { cause: e.cause, decisionMs: e.decisionMs, at: e.at });
        return;
      case 'call.bridged':
        logs.markBridged(e.callId, { agentId: e.agentId, at: e.at, bridgeId: e.bridgeId });
        return;
      case 'call.ended':
        if (e.amd) logs.markAmd(e.callId, { status: e.amd.status, cause: e.amd.cause, decisionMs: e.amd.decisionMs, at: e.at });
        logs.end(e.callId, {
          disposition: e.disposition,
          hangupCause: e.hangupCause,
          at: e.at,
          dialStatus: e.dialStatus,
          agentId: e.agentId,
          safeHarborPlayed: e.safeHarborPlayed,
          voicemailLeft: e.voicemailLeft,
        });
        return;
      default:
        return;
    }
  });
}

export function attachAgentEventWriter(events: DomainEvents, repo: AgentEventWriter): () => void {
  return events.on('agent.state', (e) => {
    repo.append({ agentId: e.agentId, from: e.from, to: e.to, reason: e.reason, callId: e.callId, at: e.at });
  });
}
