/**
 * One call's CallLog written as an engine node writes it, step by step through the node's port (`NodeCallLogs`,
 * either dialect): created, ringing 1 s later, then — each when asked — answered, AMD's verdict, bridged to an
 * agent, ended. Each step's time counts from the one before, as a call unfolds.
 */
import type { Disposition } from '../../engine/events/index.js';
import type { NodeCallLogs } from '../../engine/store/index.js';

export interface NodeCall {
  id: string;
  /** When it was dialled (epoch ms). */
  at: number;
  campaignId?: string | null;
  phone?: string;
  nodeId?: string;
  /** Ended with this disposition; absent or null: still open. */
  disposition?: Disposition | null;
  /** Answered `answerAfter` ms after ringing (4 s when only `answered` is set); neither: never answered. */
  answered?: boolean;
  answerAfter?: number;
  /** AMD decided this many ms after the answer: MACHINE when the disposition is MACHINE, else HUMAN. */
  amdAfter?: number;
  /** Bridged to `agentId` this many ms after the step before. */
  bridgeAfter?: number;
  agentId?: string;
  /** Ended this many ms after the step before (0 when absent). */
  endAfter?: number;
}

export async function writeNodeCall(logs: NodeCallLogs, c: NodeCall): Promise<void> {
  await logs.create({ id: c.id, campaignId: c.campaignId ?? null, leadId: null, phone: c.phone ?? '+12125550100', nodeId: c.nodeId ?? 'node-1', at: c.at });
  let t = c.at + 1000;
  await logs.markRinging(c.id, t);
  if (c.answerAfter !== undefined || c.answered === true) await logs.markAnswered(c.id, (t += c.answerAfter ?? 4000));
  if (c.amdAfter !== undefined) {
    const machine = c.disposition === 'MACHINE';
    await logs.markAmd(c.id, { status: machine ? 'MACHINE' : 'HUMAN', cause: machine ? 'LONGGREETING' : 'HUMAN-200', decisionMs: c.amdAfter, treatedAs: machine ? 'MACHINE' : 'HUMAN', at: (t += c.amdAfter) });
  }
  if (c.bridgeAfter !== undefined) await logs.markBridged(c.id, { agentId: c.agentId!, at: (t += c.bridgeAfter) });
  if (c.disposition !== undefined && c.disposition !== null) await logs.end(c.id, { disposition: c.disposition, hangupCause: 16, at: t + (c.endAfter ?? 0) });
}
