/**
 * The cluster board's data (#18): what one node publishes about itself (`NodeBoard`) and the supervisor's view of
 * every node (`ClusterView`): each node's agents and calls side by side, each campaign's metrics summed across
 * the nodes that are up, and the nodes whose board expired marked down. Pure.
 */
import { countObservation, type PacingObservation } from '../pacing/index.js';
import type { Engine } from '../shell/index.js';

export interface BoardAgent {
  id: string;
  status: string;
  /** When `status` began (epoch ms); absent from boards published before it was added. */
  since?: number | null;
  pauseReason?: string | null;
  calls?: string[];
}

export interface BoardCall {
  id: string;
  phase: string;
  campaignId?: string | null;
  agentId?: string | null;
  /** The number dialled (the web app's wallboard lists every node's calls with it). */
  phone?: string | null;
}

export interface BoardCampaign {
  id: string;
  state?: string;
  /** The pacing rule's label (`predictive`, `predictive/progressive (…)`). */
  mode?: string | null;
  /** Counts that add up across nodes (agents ready, calls ringing…). */
  metrics: Record<string, number>;
}

/** One node's board, published every second or so with a short expiry. */
export interface NodeBoard {
  nodeId: string;
  /** Epoch ms when it was taken. */
  at: number;
  agents: BoardAgent[];
  calls: BoardCall[];
  campaigns: BoardCampaign[];
}

export interface ClusterNodeView extends NodeBoard {
  /** `up` while its board is fresh in Redis; `down` once it expired (the node stopped publishing: gone, or cut off). */
  state: 'up' | 'down';
  /** Epoch ms of its last board. */
  lastSeenAt: number;
}

export interface ClusterView {
  at: number;
  nodes: ClusterNodeView[];
  /** Per campaign, summed over the nodes that are up. */
  campaigns: Array<{ id: string; nodes: string[]; metrics: Record<string, number> }>;
  totals: { nodesUp: number; nodesDown: number; agents: number; calls: number };
}

/**
 * The cluster view from the fresh boards (`up`) and the nodes known to have published before whose board expired
 * (`down`, shown with what they last published and emptied of agents and calls: they are not live any more).
 */
export function clusterView(up: NodeBoard[], down: Array<{ nodeId: string; lastSeenAt: number }>, at: number): ClusterView {
  const nodes: ClusterNodeView[] = [
    ...up.map((b) => ({ ...b, state: 'up' as const, lastSeenAt: b.at })),
    ...down.filter((d) => !up.some((b) => b.nodeId === d.nodeId)).map((d) => ({ nodeId: d.nodeId, at: d.lastSeenAt, agents: [], calls: [], campaigns: [], state: 'down' as const, lastSeenAt: d.lastSeenAt })),
  ].sort((a, b) => (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
  const byCampaign = new Map<string, { id: string; nodes: string[]; metrics: Record<string, number> }>();
  for (const b of up) {
    for (const c of b.campaigns) {
      const cur = byCampaign.get(c.id) ?? { id: c.id, nodes: [], metrics: {} };
      cur.nodes.push(b.nodeId);
      for (const [k, v] of Object.entries(c.metrics)) if (Number.isFinite(v)) cur.metrics[k] = (cur.metrics[k] ?? 0) + v;
      byCampaign.set(c.id, cur);
    }
  }
  return {
    at,
    nodes,
    campaigns: [...byCampaign.values()].sort((a, b) => (a.id < b.id ? -1 : 1)),
    totals: {
      nodesUp: up.length,
      nodesDown: nodes.length - up.length,
      agents: up.reduce((n, b) => n + b.agents.length, 0),
      calls: up.reduce((n, b) => n + b.calls.length, 0),
    },
  };
}

/** What a node's board is taken from: the engine's snapshot and each campaign's pacing observation. */
export interface BoardSource {
  snapshot(): {
    calls: Array<{ id: string; phase: string; agentId: string | null; campaignId?: string | null; phone?: string | null }>;
    agents: Array<{ id: string; status: string; since?: number | null; pauseReason: string | null; calls: string[] }>;
    campaigns: Array<{ id: string; state: string; pacing: { mode: string; place: number } | null }>;
  };
  campaignObservation(campaignId: string): PacingObservation | null;
}

/** The Engine is a BoardSource (checked here at compile time, so the two cannot drift apart). */
export const engineBoardSource = (engine: Engine): BoardSource => engine;

/** A node's board from its engine (`Engine` is a BoardSource): agents, calls and per-campaign counts. */
export function boardOf(nodeId: string, engine: BoardSource, at: number): NodeBoard {
  const s = engine.snapshot();
  return {
    nodeId,
    at,
    agents: s.agents.map((a) => ({ id: a.id, status: a.status, since: a.since ?? null, pauseReason: a.pauseReason, calls: a.calls })),
    calls: s.calls.map((c) => ({ id: c.id, phase: c.phase, agentId: c.agentId, campaignId: c.campaignId ?? null, phone: c.phone ?? null })),
    campaigns: s.campaigns.map((c): BoardCampaign => {
      const obs = engine.campaignObservation(c.id);
      const k = obs ? countObservation(obs) : null;
      return {
        id: c.id,
        state: c.state,
        mode: c.pacing?.mode ?? null,
        metrics: k
          ? {
              agentsLoggedIn: k.loggedIn,
              agentsReady: k.ready,
              agentsTalking: k.talk,
              agentsWrapUp: k.wrap,
              agentsPaused: k.paused,
              callsRinging: k.ringing,
              callsAmd: k.amd,
              callsWaiting: k.waiting,
              callsConnected: k.connected,
              placing: c.pacing?.place ?? 0,
            }
          : ({} as Record<string, number>),
      };
    }),
  };
}
