/**
 * The PostgreSQL twin of ../schema (same tables, columns, indexes, constraints); test/unit/store/pg-schema-drift
 * fails when the two drift. Epoch-ms columns are bigint (mode number), JSON columns jsonb, flags boolean.
 * Not re-exported from engine/store/index.ts: the engine and API still run on the SQLite schema.
 */
export * from './campaigns.js';
export * from './leads.js';
export * from './dnc.js';
export * from './call-logs.js';
export * from './agents.js';
export * from './agent-events.js';
export * from './import-jobs.js';
export * from './users.js';
export * from './api-keys.js';
export * from './refresh-tokens.js';
export * from './audit-log.js';
export * from './lead-locks.js';
export * from './lead-history.js';
export * from './login-throttle.js';
export * from './call-amd-traces.js';
export * from './recordings.js';
export * from './qa.js';
export * from './trunks.js';
export * from './cluster-nodes.js';
export * from './queue-log.js';
