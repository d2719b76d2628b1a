export { attachLiveFeed, AUTH_EXPIRED, CLUSTER_ROWS_EVENT, METRICS_INTERVAL_MS, type LiveFeed, type LiveFeedOptions } from './feed.js';
export { pingRedisUrl, REDIS_PING_TIMEOUT_MS } from './redis.js';
export { rooms, type AgentDirectory, type LiveAuth, type LiveIdentity } from './access.js';
export { Coalescer } from './coalescer.js';
export { storeAgentDirectory } from './directory.js';
export { boardSnapshot, type BoardSnapshot } from './snapshot.js';
export { CLUSTER_NAMESPACE, type ClusterBoardSource } from './cluster-namespace.js';
export { ClusterRowsTracker, sameRows, withClusterCounts, type ClusterAgentRow, type ClusterCallRow, type ClusterRows } from './cluster-rows.js';
export { stageOfPhase, summarizeCluster, withoutCredentials, type WallboardStage, type ClusterBoard, type ClusterBoardNode, type RegisteredNode } from './cluster-summary.js';
