/**
 * The store as a subscriber of domain events: each call transition becomes one CallLog write (so a crash leaves
 * the row at its last stage), agent state changes are appended as agent events. With a write queue
 * (write-queue.ts), writes the database cannot take now (disk full) wait there, in order, instead of failing.
 */
import type { DomainEvents } from '../events/index.js';
import type { CallLogWriter } from './ports.js';
import type { StoreWriteQueue } from './write-queue.js';

type Runner = (label: string, write: () => unknown) => void;
const direct: Runner = (_label, write) => void write();
const runnerOf = (q: StoreWriteQueue | undefined): Runner => (q ? (label, write) => q.run(label, write) : direct);

export interface AgentEventWriter {
  append(e: { agentId: string; from: string; to: string; reason?: string | null; callId?: string | null; at: number }): unknown;
}

export function attachCallLogWriter(events: DomainEvents, logs: CallLogWriter, writes?: StoreWriteQueue): () => void {
  const run = runnerOf(writes);
  return events.on('*', (e) => {
    switch (e.type) {
      case 'call.created':
        run('create', () => logs.create({
          id: e.callId,
          campaignId: e.campaignId,
          leadId: e.leadId,
          phone: e.phone,
          nodeId: e.nodeId,
          at: e.at,
          agentId: e.agentId,
          channelId: e.channelId,
        }));
        return;
      case 'call.ringing':
        run('markRinging', () => logs.markRinging(e.callId, e.at));
        return;
      case 'call.answered':
        run('markAnswered', () => logs.markAnswered(e.callId, e.at));
        return;
      case 'call.amd':
        run('markAmd', () => logs.markAmd(e.callId, { status: e.status, cause: e.cause, decisionMs: e.decisionMs, treatedAs: e.treatedAs, at: e.at }));
        return;
      case 'call.amd_late':
        run('markAmdLate', () => logs.markAmdLate(e.callId, { cause: e.cause, decisionMs: e.decisionMs, at: e.at }));
        return;
      case 'call.bridged':
        run('markBridged', () => logs.markBridged(e.callId, { agentId: e.agentId, at: e.at, bridgeId: e.bridgeId }));
        return;
      case 'call.ended':
        if (e.amd) {
          const amd = e.amd;
          run('markAmd', () => logs.markAmd(e.callId, { status: amd.status, cause: amd.cause, decisionMs: amd.decisionMs, at: e.at }));
        }
        run('end', () => logs.end(e.callId, {
          disposition: e.disposition,
          hangupCause: e.hangupCause,
          at: e.at,
          dialStatus: e.dialStatus,
          agentId: e.agentId,
          safeHarborPlayed: e.safeHarborPlayed,
          voicemailLeft: e.voicemailLeft,
          ...(e.interruption ? { interruption: e.interruption } : {}),
        }));
        return;
      default:
        return;
    }
  });
}

export function attachAgentEventWriter(events: DomainEvents, repo: AgentEventWriter, writes?: StoreWriteQueue): () => void {
  const run = runnerOf(writes);
  return events.on('agent.state', (e) => {
    run('agentEvent', () => repo.append({ agentId: e.agentId, from: e.from, to: e.to, reason: e.reason, callId: e.callId, at: e.at }));
  });
}
