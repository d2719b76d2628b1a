/** Payloads of the live feed's events (engine/events/types.ts, as api/live sends them). */
export type AgentStatus = 'LOGGED_OUT' | 'READY' | 'RESERVED' | 'TALKING' | 'WRAP_UP' | 'PAUSED';

export interface AgentStateEvent {
  type: 'agent.state';
  agentId: string;
  from: AgentStatus;
  to: AgentStatus;
  reason: string | null;
  callId: string | null;
  at: number;
}
export interface CallCreatedEvent {
  type: 'call.created';
  callId: string;
  campaignId: string;
  leadId: string | null;
  phone: string;
  agentId: string | null;
  at: number;
}
export interface CallRefEvent {
  callId: string;
  at: number;
}
export interface CallAmdEvent extends CallRefEvent {
  status: string;
  cause: string;
  treatedAs: 'HUMAN' | 'MACHINE';
}
export interface CallBridgedEvent extends CallRefEvent {
  agentId: string;
}
export interface CallEndedEvent extends CallRefEvent {
  disposition: string;
  agentId: string | null;
}
export interface CampaignPacingEvent {
  campaignId: string;
  mode: string;
  place: number;
  level: number | null;
  at: number;
}
export interface CampaignStateEvent {
  campaignId: string;
  from: string;
  to: string;
  at: number;
}
export interface MetricsEvent {
  at: number;
  data: { connected: boolean; activeCalls: number; agentsByStatus: Record<string, number>; waitingForAgent: number };
}

/** `hello`, once the server joined the socket's rooms; `cluster`: the `/cluster` namespace is served to this role. */
export interface HelloEvent {
  userId: string;
  role: string;
  team: string | null;
  agentIds: string[];
  cluster?: boolean;
}

/** One node on the cluster board (api/live/cluster-summary.ts). */
export interface ClusterBoardNode {
  nodeId: string;
  state: 'up' | 'down';
  since: number | null;
  lastSeenAt: number;
  asterisk: string | null;
  agents: Record<string, number>;
  agentsLoggedIn: number;
  calls: Record<string, number>;
  callsTotal: number;
}

/** The `cluster` event of the `/cluster` namespace: every node, totals over the nodes up. */
export interface ClusterBoardEvent {
  at: number;
  nodes: ClusterBoardNode[];
  totals: { nodesUp: number; nodesDown: number; agents: Record<string, number>; agentsLoggedIn: number; calls: Record<string, number>; callsTotal: number };
}

export type { ClusterRowsEvent } from './cluster-rows-delta';
