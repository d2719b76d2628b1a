/**
 * The other nodes' rows as a stream of changes (#18). Sent whole every second, `cluster.rows` grew with the center
 * (`npm run bench:cluster-rows`: 8 nodes × 250 agents, 535 KB a second to each supervisor's socket, whole rows
 * re-serialized to compare them); in a second only the rows whose agent or call changed differ. So the live feed
 * sends a socket the whole rows once (`cluster.rows`, on connect or when it asks for them again) and then only
 * what changed (`cluster.rows.delta`): rows set (new or changed) and ids gone, per list, with the nodes up and down.
 *
 * Each stream (the supervisors' room, each team's room) numbers what it sends: the whole rows carry `seq`, each delta
 * its own `seq` and the `base` it applies to. A client whose last `seq` is not a delta's `base` has missed one and
 * asks for the whole rows again (`cluster.rows.sync`) instead of guessing. The web app applies deltas in
 * web/src/live/cluster-rows-delta.ts. Pure.
 */
import type { ClusterAgentRow, ClusterCallRow, ClusterRows } from './cluster-rows.js';

/** The whole rows as a stream sends them: the rows and the number the next delta's `base` will be. */
export interface ClusterRowsFull extends ClusterRows {
  seq: number;
}

export interface ClusterRowsDelta {
  at: number;
  self: string;
  /** The nodes up and down now (whole: a handful of ids). */
  up: string[];
  down: string[];
  seq: number;
  /** The `seq` of the rows this delta applies to. */
  base: number;
  agents: { set: ClusterAgentRow[]; gone: string[] };
  calls: { set: ClusterCallRow[]; gone: string[] };
}

/** Client → server: "send me the whole rows again" (a gap in the deltas). */
export const CLUSTER_ROWS_SYNC_EVENT = 'cluster.rows.sync';
export const CLUSTER_ROWS_DELTA_EVENT = 'cluster.rows.delta';

function sameAgent(a: ClusterAgentRow, b: ClusterAgentRow): boolean {
  return a.node_id === b.node_id && a.status === b.status && a.since === b.since && a.pause_reason === b.pause_reason && a.call_id === b.call_id;
}

function sameCall(a: ClusterCallRow, b: ClusterCallRow): boolean {
  return a.node_id === b.node_id && a.campaign_id === b.campaign_id && a.phone === b.phone && a.agent_id === b.agent_id && a.stage === b.stage && a.created_at === b.created_at && a.stage_since === b.stage_since;
}

function diff<R extends { id: string }>(prev: readonly R[], next: readonly R[], same: (a: R, b: R) => boolean): { set: R[]; gone: string[] } {
  const before = new Map(prev.map((r) => [r.id, r]));
  const set: R[] = [];
  for (const r of next) {
    const p = before.get(r.id);
    if (p === undefined || !same(p, r)) set.push(r);
    before.delete(r.id);
  }
  return { set, gone: [...before.keys()] };
}

const sameIds = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * What changed from `prev` to `next` (the view's time aside), numbered `seq` on `base`; null when nothing did, so
 * nothing is sent.
 */
export function rowsDelta(prev: ClusterRows, next: ClusterRows, base: number): ClusterRowsDelta | null {
  const agents = diff(prev.agents, next.agents, sameAgent);
  const calls = diff(prev.calls, next.calls, sameCall);
  const nodesSame = prev.self === next.self && sameIds(prev.up, next.up) && sameIds(prev.down, next.down);
  if (nodesSame && agents.set.length === 0 && agents.gone.length === 0 && calls.set.length === 0 && calls.gone.length === 0) return null;
  return { at: next.at, self: next.self, up: next.up, down: next.down, seq: base + 1, base, agents, calls };
}

/**
 * One stream's rows as its clients have them: `advance(next)` is the delta to send (null: nothing changed) and
 * keeps `next` as what they have; `full()` is what a socket joining now (or asking again) is sent.
 */
export class RowsStream {
  private seq = 0;

  constructor(private rows: ClusterRows) {}

  advance(next: ClusterRows): ClusterRowsDelta | null {
    const d = rowsDelta(this.rows, next, this.seq);
    if (d === null) return null;
    this.rows = next;
    this.seq = d.seq;
    return d;
  }

  full(): ClusterRowsFull {
    return { ...this.rows, seq: this.seq };
  }

  get current(): ClusterRows {
    return this.rows;
  }
}
