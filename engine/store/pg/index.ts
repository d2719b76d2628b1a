/**
 * What runs on PostgreSQL today (#18): the schema twin's migrations, the SQLite → PostgreSQL copy, what an engine
 * node (`centralita node`) needs (the multi-node hopper lease, CallLogs, agent state events, campaigns and agents read, node liveness
 * and the reaper), and the auth side's repositories (users, refresh tokens, API keys, failed-login counters, the
 * audit trail; behind `AuthStore`, ../auth-store.ts), the API's call history (`PgCallHistory`, behind
 * `CallHistory`, ../call-history.ts), the API's campaign routes (`PgCampaigns`, behind `CampaignCatalog`,
 * ../campaign-catalog.ts), its agent routes (`PgAgents`, behind `AgentDirectory`, ../agent-directory.ts), its lead
 * routes (`PgLeads`, behind `LeadCatalog`, ../lead-catalog.ts), its lead imports (`PgLeadImports`, behind
 * `LeadImports`, ../lead-imports.ts) and the supervisors' call figures
 * (`PgCallMetrics`, behind `CallMetrics`, ../call-metrics.ts) and the QA scorecards and scores (`PgQaStore`, behind
 * `QaStore`, ../qa-store.ts) and the recordings' metadata reads (`PgRecordingCatalog`, behind `RecordingCatalog`,
 * ../recording-catalog.ts) and the carrier trunks (`PgTrunks`, behind `TrunkCatalog`, ../trunk-catalog.ts) and the agents' manual calls
 * (`PgManualCalls`, behind `ManualCallLog`, ../manual-call-log.ts). `npm start` with DATABASE_URL=postgres://… builds
 * the API over all of these ports (app/pg/api-ports.ts) and runs the engine as an in-process node; what has no port
 * here yet (an agent's own live call…) still uses the SQLite store (../store.ts) beside it; see ../README.md.
 *
 * This is the store's second door: ../index.ts (the SQLite side, what the default product loads) does not re-export
 * it, so only what runs on PostgreSQL (app/pg, app/node, the db:* commands) pays for node-postgres and the pg-core schema.
 */
export { openPgPool, checkPg, createDatabase, dropDatabase, isPostgresUrl, redactUrl, describePgError, pgTransaction, PgConfigError, type PgPool, type PgClient, type PgPoolOptions } from './connect.js';
export { migratePg, pgMigrationStatus, sqliteMigrationStatus, PG_MIGRATIONS_DIR, type MigrationStatus } from './migrate.js';
export { copySqliteToPg, CopyError, type CopyOptions, type CopyProgress, type CopyReport, type TableReport } from './copy.js';
export { lookupApiKeyPg, type PgApiKeyPrincipal } from './api-key-lookup.js';
export { pgTables, type PgTableShape } from './tables.js';
export { PgLeadHopper, LEASE_CAMPAIGN_SQL, LEASE_ZONES_SQL, LEASE_HAS_NULL_ZONE_SQL, type PgLeadRow } from './hopper.js';
export { PgCallLogs, type PgCallLogRow } from './call-logs.js';
export { PgAgentEvents, type AgentEventAppend } from './agent-events.js';
export { pgCampaignToday } from './campaign-today.js';
export { PgCallHistory } from './call-history.js';
export { PgCallMetrics } from './call-metrics.js';
export { PgQaStore } from './qa.js';
export { PgRecordingCatalog } from './recordings.js';
export { PgRecorderStore } from './recorder-store.js';
export { PgCampaigns } from './campaigns.js';
export { PgAgents } from './agents.js';
export { PgUsers } from './users.js';
export { PgRefreshTokens } from './refresh-tokens.js';
export { PgApiKeys } from './api-keys.js';
export { PgLoginThrottle } from './login-throttle.js';
export { PgAuditLog } from './audit-log.js';
export { PgClusterNodes, type ClaimResult, type ClusterNode, type NodeHolder, type NodeInstance, type ReapReport } from './cluster-nodes.js';
export { PgLeads } from './leads.js';
export { PgLeadImports } from './lead-imports.js';
export { PgTrunks } from './trunks.js';
export { PgManualCalls } from './manual-calls.js';
export { PgQueueLog, type QueueLogTableLine, type NodeQueueLogLine, type QueueLogTableRow, type QueueLogCursor } from './queue-log.js';
export { dumpPg, restorePg, pgDumpVersion, pgToolEnv, userTableCount, RestoreRefused, type PgToolOptions } from './dump.js';
export { pgNodeStore, pgAuthStore, pgCallHistory, pgAgentDirectory, pgCallMetrics, pgRecordingCatalog, pgRecorderStore, pgQaStore, pgCampaignCatalog, pgManualCallLog, pgTrunkCatalog, pgLeadCatalog, pgLeadImports } from './ports.js';
