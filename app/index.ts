/**
 * The composition root: what `npm start` wires (store, media plane, engine shell, API, live feed, embedded PBX)
 * and the application services over it (the engine control, demo data). It depends on engine/ and api/; nothing
 * depends on it but the CLI (app/cli) and the tests.
 */
export { startProduct, ENGINE_STALL_MS, type Product, type StartProductOptions } from './product.js';
export { startEngineThread, remoteEngineControl, type EngineThread } from './engine-thread.js';
export type { EngineThreadKind, EngineStatus, LagFigures, SerializedError } from './engine-protocol.js';
export { lagFigures } from './engine-host.js';
export { openThreadClient, serializeError, serveThread, toError, type ThreadClient, type ThreadMessage } from './thread-channel.js';
export { startEngine, type StartEngineOptions } from './start-engine.js';
export { agentConfigFromRow, agentLiveState, campaignEngineView, campaignsToResume, createEngineControl, loadCampaign, type EngineControlDeps } from './engine-control.js';
export { DEMO_AGENT_EXTENSIONS, DEMO_CAMPAIGN_ID, ensureDemoData } from './demo-data.js';
export { guardStorageFailures, type GuardedProcess } from './storage-guard.js';
export { configOrExitCode } from './config-or-exit.js';
export { scenarioCalleeRule, simScenarioRules } from './sim-scenario.js';
export { attachQueueLog, attachQueueLogWith, queueLogPath, queueServiceLevels, startQueueStats, type AttachedQueueLog, type QueueLogNames, type QueueStats } from './queue-log.js';
export { QueueLogTableWriter, startTableQueueStats, queueLogColumns, queueLogLineOf, type QueueLogTableStatus, type TableQueueStats, type TableQueueStatsStatus } from './queue-log-table.js';
export { closerStack, type Closer } from './closers.js';
export { catchUpQueueLog, type QueueLogCatchUpOutcome, type QueueLogCatchUpStatus } from './queue-log-catch-up.js';
