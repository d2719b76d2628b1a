/**
 * The other nodes' live rows for the web app's wallboard (#18): every agent and every call of each engine node that
 * is up, other than this process's own node (whose rows the feed's domain events and /api/wallboard already carry),
 * each with the node it is on. Built from the cluster's view in Redis (engine/cluster `ClusterView`, every node's
 * published board), so it is as fresh as the boards: a period (1 s) behind the node. A node that goes down (its
 * board deleted or expired) leaves the rows and is named in `down`: its agents are live nowhere any more.
 *
 * A call's `created_at` and `stage_since` are taken from the board they were first seen in (the node's clock when it
 * published): within a period of the node's own times, which the call's CallLog in PostgreSQL has exactly.
 */
import type { ClusterView } from '../../engine/cluster/index.js';
import { stageOfPhase, type WallboardStage } from './cluster-summary.js';

export interface ClusterAgentRow {
  id: string;
  /** The node the agent is live on. */
  node_id: string;
  status: string;
  /** When its status began (the node's clock, epoch ms); null when the node's board does not say. */
  since: number | null;
  pause_reason: string | null;
  /** The call it is reserved for or talking on (the first, for a bot on several). */
  call_id: string | null;
}

export interface ClusterCallRow {
  id: string;
  node_id: string;
  campaign_id: string | null;
  phone: string;
  agent_id: string | null;
  stage: WallboardStage;
  created_at: number;
  stage_since: number;
}

/** The `cluster.rows` event of the main namespace (supervisors and admins). */
export interface ClusterRows {
  at: number;
  /** This process's own node: its rows are not here (they come as domain events). */
  self: string;
  /** The other nodes that are up, whose rows these are. */
  up: string[];
  /** Nodes that published a board once and are down now: none of their agents or calls is live. */
  down: string[];
  agents: ClusterAgentRow[];
  calls: ClusterCallRow[];
}

/**
 * Keeps, across successive views, when each call was first seen and when its stage last changed; `rows(view)` is
 * the other nodes' rows as of that view. One per process (the feed's and /api/wallboard's source).
 */
export class ClusterRowsTracker {
  private seen = new Map<string, { stage: WallboardStage; createdAt: number; stageSince: number }>();

  constructor(private readonly self: string) {}

  rows(view: ClusterView): ClusterRows {
    const next = new Map<string, { stage: WallboardStage; createdAt: number; stageSince: number }>();
    const out: ClusterRows = { at: view.at, self: this.self, up: [], down: [], agents: [], calls: [] };
    const listed = new Set<string>();
    for (const n of view.nodes) {
      if (n.nodeId === this.self) continue;
      if (n.state === 'down') {
        out.down.push(n.nodeId);
        continue;
      }
      out.up.push(n.nodeId);
      for (const c of n.calls) {
        const prev = this.seen.get(c.id);
        // Dropping or hanging up: still live, shown at the stage it had; ended (or never staged): not shown.
        const stage = stageOfPhase(c.phase) ?? (c.phase === 'ended' ? undefined : prev?.stage);
        if (stage === undefined) continue;
        const t = { stage, createdAt: prev?.createdAt ?? n.at, stageSince: prev && prev.stage === stage ? prev.stageSince : n.at };
        next.set(c.id, t);
        out.calls.push({ id: c.id, node_id: n.nodeId, campaign_id: c.campaignId ?? null, phone: c.phone ?? '', agent_id: c.agentId ?? null, stage, created_at: t.createdAt, stage_since: t.stageSince });
      }
      for (const a of n.agents) {
        // An agent moved between nodes may still be on its old node's roster, logged out there: one row, the live one.
        if (a.status === 'LOGGED_OUT' && listed.has(a.id)) continue;
        if (listed.has(a.id)) out.agents.splice(out.agents.findIndex((x) => x.id === a.id), 1);
        listed.add(a.id);
        out.agents.push({ id: a.id, node_id: n.nodeId, status: a.status, since: a.since ?? null, pause_reason: a.pauseReason ?? null, call_id: a.calls?.[0] ?? null });
      }
    }
    this.seen = next;
    return out;
  }
}

/**
 * A team lead's share of the rows: the other nodes' agents of `team` and the calls they are on (the team-scoped
 * /api/wallboard's lists); the nodes up and down as they are.
 */
export function rowsForTeam(rows: ClusterRows, team: string, teamOfAgent: (agentId: string) => string | null): ClusterRows {
  const ofTeam = (id: string | null) => id !== null && teamOfAgent(id) === team;
  return { ...rows, agents: rows.agents.filter((a) => ofTeam(a.id)), calls: rows.calls.filter((c) => ofTeam(c.agent_id)) };
}

/** The teams with an agent in the rows (whose team leads' share of them may have changed). */
export function teamsInRows(rows: ClusterRows | null, teamOfAgent: (agentId: string) => string | null): Set<string> {
  const out = new Set<string>();
  for (const a of rows?.agents ?? []) {
    const t = teamOfAgent(a.id);
    if (t !== null) out.add(t);
  }
  return out;
}

/** A live-feed `metrics` snapshot (api/live boardSnapshot) with the other nodes' agents and calls added in. */
export function withClusterCounts<T extends { activeCalls: number; agentsByStatus: Record<string, number> }>(local: T, rows: ClusterRows | null): T {
  if (rows === null) return local;
  const agentsByStatus = { ...local.agentsByStatus };
  for (const a of rows.agents) agentsByStatus[a.status] = (agentsByStatus[a.status] ?? 0) + 1;
  return { ...local, activeCalls: local.activeCalls + rows.calls.length, agentsByStatus };
}
