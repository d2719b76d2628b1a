import type { AmdTrace } from '../amd/index.js';
import type { CampaignCommand, CampaignEffect, CampaignState } from '../campaigns/index.js';
import type { Disposition, InterruptionCause } from '../events/index.js';
import type { AmdResultInput, BridgedInput, CreateCallLogInput, EndCallLogInput } from './repos/call-logs.js';
import type { Campaign } from './repos/campaigns.js';
import type { LeaseRequest } from './repos/leads.js';
import type { AgentRow } from './schema/agents.js';
import type { CallLogRow } from './schema/call-logs.js';
import type { LeadRow } from './schema/leads.js';
import type { Store } from './store.js';
import type { AgentEventAppend } from './pg/agent-events.js';
import { promised } from './promised.js';

/**
 * What an engine node reads and writes in the store, as one asynchronous shape over both dialects (#18): the
 * SQLite repositories answer synchronously (awaiting their value is free), the PostgreSQL ones with Promises.
 * Code written against this port (and the dialect-parametrised store tests, test/support/store-dialects.ts) runs
 * on either; a behaviour difference between the two is a bug of one of them.
 */
export interface NodeCallLogs {
  create(input: CreateCallLogInput): Promise<CallLogRow>;
  markRinging(id: string, at: number): Promise<boolean>;
  markAnswered(id: string, at: number): Promise<boolean>;
  markAmd(id: string, r: AmdResultInput): Promise<boolean>;
  markAmdLate(id: string, r: { cause: string; decisionMs: number; at: number }): Promise<boolean>;
  markBridged(id: string, b: BridgedInput): Promise<boolean>;
  /** Keeps the AMD decision's trace with the CallLog (the first one kept); throws when there is no such CallLog. */
  saveAmdTrace(id: string, trace: AmdTrace, at: number): Promise<boolean>;
  end(id: string, e: EndCallLogInput): Promise<boolean>;
  markAlive(nodeId: string, at: number): Promise<number>;
  closeCallLog(id: string, disposition: Disposition, cause: number | null, at: number, interruption?: InterruptionCause): Promise<boolean>;
  /** Open rows oldest first (ties by id), only `nodeId`'s when given. */
  listOpenCallLogs(nodeId?: string): Promise<CallLogRow[]>;
  get(id: string): Promise<CallLogRow | undefined>;
}

export interface NodeLeadHopper {
  lease(req: LeaseRequest): Promise<LeadRow[]>;
  renewLeases(owner: string, now: number, leaseMs: number, ids?: readonly string[]): Promise<number>;
  markCalling(leadId: string, owner: string, at: number): Promise<boolean>;
  completeAttempt(leadId: string, disposition: Disposition, at: number, opts?: { owner?: string; error?: string }): Promise<LeadRow | undefined>;
  releaseLeases(filter: { campaignId?: string; owner?: string; expiredAt?: number; at: number }): Promise<number>;
}

export interface NodeCampaigns {
  /** Oldest first (ties by id); only those in `states` when given. */
  list(states?: readonly CampaignState[]): Promise<Campaign[]>;
  get(id: string): Promise<Campaign | undefined>;
  command(id: string, cmd: CampaignCommand, at: number): Promise<{ campaign: Campaign; from: CampaignState; effects: CampaignEffect[] }>;
  markFailed(id: string, reason: string, at: number): Promise<void>;
}

export interface NodeAgents {
  /** By name, ties by id. */
  list(): Promise<AgentRow[]>;
  /** The agents whose phones register to `nodeId`'s Asterisk (null node_id: the default node, `node-1`). */
  listForNode(nodeId: string): Promise<AgentRow[]>;
}

/** The agent state log the supervisors' figures read (wrap-up, occupancy, pause time): append-only. */
export interface NodeAgentEvents {
  append(e: AgentEventAppend): Promise<unknown>;
}

export interface NodeStore {
  readonly dialect: 'sqlite' | 'postgres';
  readonly callLogs: NodeCallLogs;
  readonly agentEvents: NodeAgentEvents;
  readonly hopper: NodeLeadHopper;
  readonly campaigns: NodeCampaigns;
  readonly agents: NodeAgents;
}

/** The node port over the SQLite store (one process, the embedded default). */
export function sqliteNodeStore(store: Store): NodeStore {
  return {
    dialect: 'sqlite',
    callLogs: promised(store.callLogs, [
      'create',
      'markRinging',
      'markAnswered',
      'markAmd',
      'markAmdLate',
      'markBridged',
      'saveAmdTrace',
      'end',
      'markAlive',
      'closeCallLog',
      'listOpenCallLogs',
      'get',
    ] as const),
    agentEvents: promised(store.agentEvents, ['append'] as const),
    hopper: promised(store.leads, ['lease', 'renewLeases', 'markCalling', 'completeAttempt', 'releaseLeases'] as const),
    campaigns: {
      ...promised(store.campaigns, ['list', 'get', 'command'] as const),
      markFailed: async (id, reason, at) => void store.campaigns.markFailed(id, reason, at),
    },
    agents: promised(store.agents, ['list', 'listForNode'] as const),
  };
}
