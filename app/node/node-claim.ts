/**
 * A node claims its NODE_ID at start (#18): two processes with one NODE_ID would share its leads' leases, its
 * queue_log stream (`(node_id, seq)` unique: each would lose the other's lines), its heartbeat and its place on the
 * board. Each start is an instance (a random id, the host's name, the process id) recorded in its cluster_nodes row;
 * a start is refused while another instance's heartbeat there is fresher than NODE_TTL_MS.
 *
 * - No row, a row `stopped` or `down`, or a heartbeat older than the TTL (a killed process, a dead host): taken at once.
 * - The holder ran on this host and its process is gone (kill -9, then a supervisor restarts the node at once): taken
 *   at once too — the heartbeat it left is fresh, but nothing can stamp it any more.
 * - Otherwise the holder may be alive, or may have died an instant ago: this start watches the row, every
 *   `pollMs`. A heartbeat that moves proves the holder alive: refused (`NodeIdTakenError`, naming the id and where
 *   the holder runs), usually within one heartbeat. A heartbeat that stops while this start waits: once it is older
 *   than the TTL the holder counts as dead and the row is taken (at most the TTL after its last beat) — exactly when
 *   the other nodes would reap it. Should the holder only have stalled and come back, its next heartbeat finds the
 *   row another instance's: it stops without touching the row, the leases or the queue_log table (app/node/liveness.ts).
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../engine/clock/index.js';
import type { NodeHolder, NodeInstance, PgClusterNodes } from '../../engine/store/pg/index.js';

/** The refusal's error code: both CLIs (`centralita node`, `npm start` on PostgreSQL) exit 3 on it. */
export const NODE_ID_TAKEN = 'NODE_ID_TAKEN';

export class NodeIdTakenError extends Error {
  /** Kept across a MessagePort (app/engine-parts serializeError): `npm start` on PostgreSQL claims in its node's thread. */
  readonly code = NODE_ID_TAKEN;
  constructor(
    readonly nodeId: string,
    readonly holder: NodeHolder,
    silentForMs: number,
  ) {
    const where = `${holder.host ?? 'an unknown host'}${holder.pid !== null ? `, pid ${holder.pid}` : ''}${holder.instanceId ? `, instance ${holder.instanceId}` : ''}`;
    super(
      `NODE_ID ${nodeId} is already running (${where}; last heartbeat ${Math.max(0, Math.round(silentForMs))} ms ago, started ${new Date(holder.startedAt).toISOString()}): ` +
        'two processes with one NODE_ID would share its leads, queue_log and board. Stop that one, or give this one another NODE_ID.',
    );
    this.name = 'NodeIdTakenError';
  }
}

/** This process as a holder of a NODE_ID: a new instance id at each start. */
export function thisInstance(): NodeInstance {
  return { instanceId: randomUUID(), host: hostname(), pid: process.pid };
}

/** Whether a process of this host still exists (signal 0: EPERM means it exists, owned by someone else). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface ClaimOutcome {
  /** The instance that held the row when it was taken (a killed process, a stale heartbeat), else null. */
  previous: NodeHolder | null;
  /** How long this start waited to decide (ms, wall clock). */
  waitedMs: number;
}

export async function claimNodeId(o: {
  cluster: Pick<PgClusterNodes, 'claim'>;
  nodeId: string;
  ariUrl: string;
  me: NodeInstance;
  ttlMs: number;
  clock: Clock;
  /** Between two looks at the row (ms of wall time); default a quarter of the TTL, at most 250. */
  pollMs?: number;
  /** Tests: whether a pid of this host is alive. */
  alive?: (pid: number) => boolean;
}): Promise<ClaimOutcome> {
  const alive = o.alive ?? processAlive;
  const pollMs = o.pollMs ?? Math.min(250, o.ttlMs / 4);
  const began = Date.now();
  let first: NodeHolder | null = null;
  // Bounded in wall time too: with a virtual clock that does not move, the heartbeat never ages.
  const deadline = began + o.ttlMs + 2 * pollMs + 1000;
  for (;;) {
    const now = o.clock.now();
    const r = await o.cluster.claim(o.nodeId, o.ariUrl, now, o.me, o.ttlMs);
    if (r.claimed) return { previous: r.previous, waitedMs: Date.now() - began };
    const h = r.holder;
    if (h.host === o.me.host && h.pid !== null && h.pid !== o.me.pid && !alive(h.pid)) {
      const forced = await o.cluster.claim(o.nodeId, o.ariUrl, o.clock.now(), o.me, o.ttlMs, true);
      if (forced.claimed) return { previous: forced.previous, waitedMs: Date.now() - began };
    }
    if (first && (h.instanceId !== first.instanceId || h.heartbeatAt !== first.heartbeatAt)) throw new NodeIdTakenError(o.nodeId, h, now - h.heartbeatAt);
    first ??= h;
    if (Date.now() >= deadline) throw new NodeIdTakenError(o.nodeId, h, now - h.heartbeatAt);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
