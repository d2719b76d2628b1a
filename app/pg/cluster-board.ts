/**
 * `npm start` on PostgreSQL with REDIS_URL (#18): the in-process node's board published to Redis like any
 * `centralita node`'s (so the other nodes' boards show it), and the cluster's view handed to the web app's live
 * feed (api/live `/cluster` namespace) as counts per node, joined with the node registry (Asterisk, start time),
 * and as the other nodes' agents and calls (`rows()`: the main namespace's `cluster.rows`, /api/wallboard's lists).
 */
import type { ClusterBoard, ClusterBoardSource, ClusterRows, RegisteredNode } from '../../api/live/index.js';
import { ClusterRowsTracker, summarizeCluster } from '../../api/live/index.js';
import { boardOf, type BoardSource, type ClusterServices } from '../../engine/cluster/index.js';
import type { Clock } from '../../engine/clock/index.js';

export interface ProductClusterBoardOptions {
  services: Pick<ClusterServices, 'publishBoard'>;
  nodeId: string;
  engine: BoardSource;
  /** The node registry as last read (PostgreSQL's cluster_nodes, kept by the node's liveness). */
  registry: () => readonly RegisteredNode[];
  clock: Clock;
}

export function productClusterBoard(o: ProductClusterBoardOptions): ClusterBoardSource {
  // Closed with the cluster services (the node's stop): its key is deleted, the node shows down at once.
  const publisher = o.services.publishBoard(() => boardOf(o.nodeId, o.engine, o.clock.now()));
  let current: ClusterBoard | null = null;
  let rows: ClusterRows | null = null;
  const tracker = new ClusterRowsTracker(o.nodeId);
  const listeners = new Set<(b: ClusterBoard) => void>();
  publisher.onView((view) => {
    current = summarizeCluster(view, o.registry());
    rows = tracker.rows(view);
    for (const l of listeners) l(current);
  });
  return {
    current: () => current,
    rows: () => rows,
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}
