/**
 * `npm start` on PostgreSQL (#18): the API over every PostgreSQL port (`pgApiPorts`), the engine as an in-process
 * node, the readiness check, and what still stays in the SQLite file. app/cli/start-command.ts chooses it when
 * DATABASE_URL=postgres://… is set.
 */
export { startPgProduct, type PgProduct, type StartPgProductOptions } from './start-pg-product.js';
export { pgApiPorts, pgNodeRecordings, type PgApiPorts, type PgApiPortsOptions } from './api-ports.js';
export { assertPgReady, PgNotReady } from './readiness.js';
export { nodeEngineControl, type NodeControlDeps } from './node-control.js';
export { productClusterBoard, type ProductClusterBoardOptions } from './cluster-board.js';
export { cachedLiveDirectory, type CachedLiveDirectory } from './live-directory.js';
export { SQLITE_KEPT, sqliteKeptLine } from './sqlite-kept.js';
export { CampaignFigures, type CampaignFiguresDeps, type StoredCampaignFigures } from './campaign-figures.js';
