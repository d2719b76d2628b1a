/**
 * The other nodes' rows kept up to date from the live feed's deltas (api/live/cluster-rows-delta.ts): the server
 * sends `cluster.rows` whole (with its `seq`) on connect, then `cluster.rows.delta` with the rows set and the ids gone.
 * `applyRowsDelta` gives the rows after a delta, or null when the delta does not follow the rows held (one was
 * missed): the caller then asks for the whole rows again (`cluster.rows.sync`). Rows keep their place when changed;
 * new ones come last. Pure, so the server's tests apply deltas exactly as the browser does.
 */
/**
 * `cluster.rows` (main namespace, supervisors and admins; PostgreSQL + Redis): every agent and call of the other
 * engine nodes that are up, each with its node (api/live/cluster-rows.ts); sent whole on connect, then as deltas (below).
 */
export interface ClusterRowsEvent {
  at: number;
  /** The node of the API this tab is connected to: its rows come as the other events. */
  self: string;
  up: string[];
  down: string[];
  agents: Array<{ id: string; node_id: string; status: string; since: number | null; pause_reason: string | null; call_id: string | null }>;
  calls: Array<{ id: string; node_id: string; campaign_id: string | null; phone: string; agent_id: string | null; stage: 'dialing' | 'ringing' | 'amd' | 'waiting' | 'machine' | 'talking'; created_at: number; stage_since: number }>;
}

export interface ClusterRowsHeld extends ClusterRowsEvent {
  seq: number;
}

export interface ClusterRowsDeltaEvent {
  at: number;
  self: string;
  up: string[];
  down: string[];
  seq: number;
  base: number;
  agents: { set: ClusterRowsEvent['agents']; gone: string[] };
  calls: { set: ClusterRowsEvent['calls']; gone: string[] };
}

function merge<R extends { id: string }>(rows: readonly R[], change: { set: readonly R[]; gone: readonly string[] }): R[] {
  const gone = new Set(change.gone);
  const set = new Map(change.set.map((r) => [r.id, r]));
  const out: R[] = [];
  for (const r of rows) {
    if (gone.has(r.id)) continue;
    const changed = set.get(r.id);
    out.push(changed ?? r);
    set.delete(r.id);
  }
  for (const r of set.values()) out.push(r);
  return out;
}

export function applyRowsDelta(held: ClusterRowsHeld | null, delta: ClusterRowsDeltaEvent): ClusterRowsHeld | null {
  if (held === null || held.seq !== delta.base) return null;
  return { at: delta.at, self: delta.self, up: delta.up, down: delta.down, seq: delta.seq, agents: merge(held.agents, delta.agents), calls: merge(held.calls, delta.calls) };
}
