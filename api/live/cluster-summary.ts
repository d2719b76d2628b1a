/**
 * What the web app's wallboard gets of the cluster (#18): per node its state and since when, its Asterisk (without
 * credentials), its agents by state and its calls by wallboard stage, and the totals over the nodes that are up.
 * Counts only, so the payload stays small at any size; the other nodes' agents and calls themselves reach the
 * wallboard's lists on the main namespace (`cluster.rows`, ./cluster-rows.ts).
 * Pure: the cluster's view (Redis, engine/cluster) joined with the node registry (PostgreSQL's cluster_nodes).
 */
import type { ClusterView } from '../../engine/cluster/index.js';

/** The wallboard's call stages (api/routes/wallboard.ts `CALL_STAGES_SHOWN`). */
export type WallboardStage = 'dialing' | 'ringing' | 'amd' | 'waiting' | 'machine' | 'talking';

/** The wallboard's call stages, from the engine's call phases. */
const STAGE_OF_PHASE: Record<string, WallboardStage> = {
  created: 'dialing',
  dialing: 'dialing',
  ringing: 'ringing',
  answered: 'amd',
  amd: 'amd',
  'agent-wait': 'waiting',
  bridged: 'talking',
  machine: 'machine',
};

/** A call phase's wallboard stage; undefined for the phases of a call ending (dropping, hanging up, ended). */
export function stageOfPhase(phase: string): WallboardStage | undefined {
  return Object.hasOwn(STAGE_OF_PHASE, phase) ? STAGE_OF_PHASE[phase] : undefined;
}

export interface ClusterBoardNode {
  nodeId: string;
  state: 'up' | 'down';
  /** Epoch ms: up since it started (registry), down since its last board. Null when not known. */
  since: number | null;
  lastSeenAt: number;
  /** The node's Asterisk (ARI URL without user or password, or "embedded"); null when the registry has none. */
  asterisk: string | null;
  /** Agents by status (LOGGED_OUT included); `agentsLoggedIn` leaves them out. */
  agents: Record<string, number>;
  agentsLoggedIn: number;
  /** Live calls by wallboard stage (calls ending are in `callsTotal` only). */
  calls: Record<string, number>;
  callsTotal: number;
}

export interface ClusterBoard {
  at: number;
  nodes: ClusterBoardNode[];
  /** Summed over the nodes that are up. */
  totals: { nodesUp: number; nodesDown: number; agents: Record<string, number>; agentsLoggedIn: number; calls: Record<string, number>; callsTotal: number };
}

/** A node as the registry (cluster_nodes) has it. */
export interface RegisteredNode {
  id: string;
  ariUrl: string | null;
  startedAt: number | null;
}

/** `http://user:secret@host:8088/` → `http://host:8088/`; anything that is not a URL ("embedded") as is. */
export function withoutCredentials(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url.includes('@') ? url.slice(url.lastIndexOf('@') + 1) : url;
  }
}

const add = (into: Record<string, number>, key: string, n = 1) => (into[key] = (into[key] ?? 0) + n);

export function summarizeCluster(view: ClusterView, registry: readonly RegisteredNode[]): ClusterBoard {
  const byId = new Map(registry.map((r) => [r.id, r]));
  const totals: ClusterBoard['totals'] = { nodesUp: view.totals.nodesUp, nodesDown: view.totals.nodesDown, agents: {}, agentsLoggedIn: 0, calls: {}, callsTotal: 0 };
  const nodes = view.nodes.map((n): ClusterBoardNode => {
    const reg = byId.get(n.nodeId);
    const agents: Record<string, number> = {};
    const calls: Record<string, number> = {};
    for (const a of n.agents) add(agents, a.status);
    let callsTotal = 0;
    for (const c of n.calls) {
      if (c.phase === 'ended') continue;
      callsTotal++;
      const stage = stageOfPhase(c.phase);
      if (stage) add(calls, stage);
    }
    const agentsLoggedIn = n.agents.filter((a) => a.status !== 'LOGGED_OUT').length;
    if (n.state === 'up') {
      for (const [k, v] of Object.entries(agents)) add(totals.agents, k, v);
      for (const [k, v] of Object.entries(calls)) add(totals.calls, k, v);
      totals.agentsLoggedIn += agentsLoggedIn;
      totals.callsTotal += callsTotal;
    }
    return {
      nodeId: n.nodeId,
      state: n.state,
      // Up: since the registry says it started (a restart is a new start); down: since its board stopped coming.
      since: n.state === 'up' ? (reg?.startedAt ?? null) : n.lastSeenAt,
      lastSeenAt: n.lastSeenAt,
      asterisk: reg?.ariUrl ? withoutCredentials(reg.ariUrl) : null,
      agents,
      agentsLoggedIn,
      calls,
      callsTotal,
    };
  });
  return { at: view.at, nodes, totals };
}
