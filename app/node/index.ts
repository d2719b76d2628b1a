/** `centralita node`: an engine node of a multi-node call center on PostgreSQL (#18). See docs/scale-out.md. */
export { loadNodeConfig, type NodeConfig } from './node-config.js';
export { runNode, type RunningNode, type RunNodeOptions, type NodeHealthReport } from './run-node.js';
export { CampaignFollower, type CampaignFollowerDeps } from './campaign-follower.js';
export { NodeLiveness, type ClusterView, type LivenessDeps } from './liveness.js';
export { claimNodeId, NODE_ID_TAKEN, NodeIdTakenError, thisInstance, type ClaimOutcome } from './node-claim.js';
export { startHealthServer, type HealthServer } from './health-server.js';
export { nodeRecordingHandler, type NodeRecordingServerDeps } from './recording-server.js';
export { AgentFollower, type AgentFollowerDeps } from './agent-follower.js';
