/** What engine nodes share through Redis (#18); see README.md. */
export { SharedAbandonCounters, type AbandonCounts, type RedisClient, type SharedAbandonCountersOptions, type TotalsOptions } from './abandon-counters.js';
export { ClusterAbandon, type ClusterAbandonOptions, type SharedAbandonStatus } from './abandon-sync.js';
export { clusterRedisClient } from './redis-io.js';
export {
  publishCampaignCommand,
  subscribeCampaignCommands,
  campaignCommandChannel,
  CAMPAIGN_ACTIONS,
  type CampaignAction,
  type CampaignCommand,
  type CampaignCommandOptions,
  type CampaignCommandSubscription,
} from './campaign-commands.js';
export {
  callHangupAsker,
  serveCallHangups,
  callHangupChannel,
  CALL_HANGUP_TIMEOUT_MS,
  type CallHangupAsker,
  type CallHangupAskerOptions,
  type CallHangupOutcome,
  type CallHangupPort,
  type CallHangupRequest,
  type CallHangupService,
} from './call-hangup.js';
export {
  agentCommandAsker,
  serveAgentCommands,
  agentCommandChannel,
  AGENT_COMMAND_TIMEOUT_MS,
  AGENT_VERBS,
  type AgentCommandAnswer,
  type AgentCommandAsker,
  type AgentCommandAskerOptions,
  type AgentCommandHandler,
  type AgentCommandOutcome,
  type AgentCommandPort,
  type AgentCommandRefusal,
  type AgentCommandRequest,
  type AgentCommandService,
  type AgentVerb,
} from './agent-commands.js';
export {
  configPushAsker,
  serveConfigPush,
  phonePasswordContext,
  CONFIG_PUSH_TIMEOUT_MS,
  type ConfigPushAnswer,
  type ConfigPushAsker,
  type ConfigPushAskerOptions,
  type ConfigPushHandler,
  type ConfigPushPort,
  type ConfigPushRequest,
  type ConfigPushService,
  type UpNode,
  type NodePushOutcome,
} from './config-push.js';
export { boardOf, clusterView, type BoardAgent, type BoardCall, type BoardCampaign, type BoardSource, type ClusterNodeView, type ClusterView, type NodeBoard } from './board.js';
export {
  attachClusterBoard,
  publishApiKeyRevoked,
  boardKeys,
  BOARD_NAMESPACE,
  type BoardPrincipal,
  type ClusterBoardHandle,
  type ClusterBoardOptions,
  type ClusterBoardStatus,
} from './board-server.js';
export { startBoardPublisher, publishNodeBoard, readClusterView, type BoardPublisher, type BoardPublisherOptions } from './board-publisher.js';
export { startClusterServices, type ClusterHealth, type ClusterServices, type ClusterServicesOptions } from './services.js';
