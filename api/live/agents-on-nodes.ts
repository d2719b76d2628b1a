/**
 * Every agent's live state over the engine nodes that are up (#18): this process's engine's own agents, and the
 * other nodes' agents as their boards last said (api/live `ClusterRows`, PostgreSQL with REDIS_URL), each with the
 * node it is live on. The one merge the wallboard, the agent list and the dashboard read, so they agree.
 *
 * An agent on both (moved between nodes, still on its old node's roster logged out) is the node it is logged in on.
 * An agent of a node that is down is on no board any more: absent here (logged out / unknown), never its last state.
 */
import type { ClusterRows } from './cluster-rows.js';

/** What this process's engine says of one of its agents (engine/control AgentLiveState has it). */
export interface LocalAgentState {
  id: string;
  status: string;
  since: number;
  pauseReason: string | null;
  calls: readonly string[];
}

/** The other nodes' rows (absent: this node only, as on SQLite). */
export interface ClusterRowsSource {
  /** This process's node (NODE_ID). */
  nodeId: string;
  rows(): ClusterRows | null;
}

export interface AgentOnNode<L extends LocalAgentState = LocalAgentState> {
  id: string;
  status: string;
  /** When `status` began (epoch ms); null when another node's board does not say. */
  since: number | null;
  pauseReason: string | null;
  /** The call it is reserved for or talking on (the first, for a bot on several). */
  callId: string | null;
  /** The node it is live on; null without a cluster (SQLite, or no REDIS_URL). */
  nodeId: string | null;
  /** This engine's full state when the agent is live here; null when it is another node's. */
  local: L | null;
}

/**
 * The agents live on any node up, by id. `local`: this engine's agents (null: no engine attached, or it failed to
 * answer). Without `cluster` this is the engine's agents alone, with no node.
 */
export function agentsOnNodes<L extends LocalAgentState>(local: readonly L[] | null, cluster?: ClusterRowsSource): Map<string, AgentOnNode<L>> {
  const out = new Map<string, AgentOnNode<L>>();
  const self = cluster ? cluster.nodeId : null;
  for (const a of local ?? []) {
    out.set(a.id, { id: a.id, status: a.status, since: a.since, pauseReason: a.pauseReason, callId: a.calls[0] ?? null, nodeId: self, local: a });
  }
  for (const r of cluster?.rows()?.agents ?? []) {
    const own = out.get(r.id);
    // This node's state first, unless it holds the agent logged out and the other node has it logged in (moved).
    if (own && (own.status !== 'LOGGED_OUT' || r.status === 'LOGGED_OUT')) continue;
    out.set(r.id, { id: r.id, status: r.status, since: r.since, pauseReason: r.pause_reason, callId: r.call_id, nodeId: r.node_id, local: null });
  }
  return out;
}

/** Agents by state over every node up (the dashboard's and wallboard's counts). */
export function countByState(agents: Iterable<Pick<AgentOnNode, 'status'>>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of agents) counts[a.status] = (counts[a.status] ?? 0) + 1;
  return counts;
}
