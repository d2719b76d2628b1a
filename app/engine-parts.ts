/**
 * app/'s second door (test/support/import-graph.ts SECOND_DOORS): the engine's side of the composition root without
 * the product — no API, live feed or web app behind it. What an engine node loads (app/node: `centralita node`, and
 * the engine node's thread of `npm start` on PostgreSQL, app/pg/node-host.ts): going through app/index.ts would load
 * the whole API in that thread too (app/product.ts), seconds of module loading per start for nothing it runs.
 */
export { agentConfigFromRow, agentLiveState, campaignEngineView } from './engine-control.js';
export { startEngine, type StartEngineOptions } from './start-engine.js';
export { closerStack, type Closer } from './closers.js';
export { answerCommand } from './engine-command.js';
export { ENGINE_COMMANDS } from './engine-protocol.js';
export { lagFigures } from './engine-host.js';
export { openThreadClient, serializeError, serveThread, toError, type ThreadClient, type ThreadMessage } from './thread-channel.js';
export type { LagFigures, SerializedError } from './engine-protocol.js';
export { guardStorageFailures, type GuardedProcess } from './storage-guard.js';
export { simScenarioRules } from './sim-scenario.js';
export { attachQueueLogWith, queueLogPath, type AttachedQueueLog } from './queue-log.js';
export { QueueLogTableWriter, type QueueLogTableStatus } from './queue-log-table.js';
export { catchUpQueueLog, type QueueLogCatchUpOutcome, type QueueLogCatchUpStatus } from './queue-log-catch-up.js';
