/**
 * The dialect ports (../node-store.ts, ../auth-store.ts, ../call-history.ts …) over PostgreSQL: each `pgX(pool)` beside
 * its SQLite twin `sqliteX(store)` of the port's own file. They live here, behind this door (./index.ts), so that the
 * SQLite product (`npm start` without DATABASE_URL) loads no PostgreSQL code: ../index.ts exports the SQLite side only.
 */
import type { NodeStore } from '../node-store.js';
import type { AuthStore, AuthStoreOptions } from '../auth-store.js';
import type { CallHistory } from '../call-history.js';
import type { AgentDirectory } from '../agent-directory.js';
import type { CallMetrics } from '../call-metrics.js';
import type { RecordingCatalog } from '../recording-catalog.js';
import type { RecorderStore } from '../recorder-store.js';
import type { QaStore } from '../qa-store.js';
import type { CampaignCatalog } from '../campaign-catalog.js';
import type { ManualCallLog } from '../manual-call-log.js';
import type { TrunkCatalog } from '../trunk-catalog.js';
import type { LeadCatalog } from '../lead-catalog.js';
import type { LeadImports } from '../lead-imports.js';
import type { PgPool } from './connect.js';
import { PgAgentEvents } from './agent-events.js';
import { PgAgents } from './agents.js';
import { PgApiKeys } from './api-keys.js';
import { PgAuditLog } from './audit-log.js';
import { PgCallHistory } from './call-history.js';
import { PgCallLogs } from './call-logs.js';
import { PgCallMetrics } from './call-metrics.js';
import { PgCampaigns } from './campaigns.js';
import { PgLeadHopper } from './hopper.js';
import { PgLeadImports } from './lead-imports.js';
import { PgLeads } from './leads.js';
import { PgLoginThrottle } from './login-throttle.js';
import { PgManualCalls } from './manual-calls.js';
import { PgQaStore } from './qa.js';
import { PgRecorderStore } from './recorder-store.js';
import { PgRecordingCatalog } from './recordings.js';
import { PgRefreshTokens } from './refresh-tokens.js';
import { PgTrunks } from './trunks.js';
import { PgUsers } from './users.js';

/** The node port over PostgreSQL (`centralita node`, several nodes on one database). */
export function pgNodeStore(pool: PgPool): NodeStore {
  return {
    dialect: 'postgres',
    // The PostgreSQL rows have the SQLite rows' properties (the schema drift test keeps them one).
    callLogs: new PgCallLogs(pool),
    agentEvents: new PgAgentEvents(pool),
    hopper: new PgLeadHopper(pool),
    campaigns: new PgCampaigns(pool),
    agents: new PgAgents(pool),
  };
}

/** The auth port over PostgreSQL (several API processes may share the database). */
export function pgAuthStore(pool: PgPool, o: AuthStoreOptions): AuthStore {
  return {
    dialect: 'postgres',
    users: new PgUsers(pool),
    refreshTokens: new PgRefreshTokens(pool, o.refreshTtlMs),
    apiKeys: new PgApiKeys(pool),
    loginThrottle: new PgLoginThrottle(pool),
    audit: new PgAuditLog(pool),
  };
}

/** Over PostgreSQL: the call_logs the engine nodes write (`centralita node`). */
export function pgCallHistory(pool: PgPool): CallHistory {
  return new PgCallHistory(pool);
}

/** Over PostgreSQL: the agents table the engine nodes read (`PgAgents`), the users and campaigns beside it. */
export function pgAgentDirectory(pool: PgPool): AgentDirectory {
  const pg = new PgAgents(pool);
  const users = new PgUsers(pool);
  return {
    dialect: 'postgres',
    list: (filter) => pg.list(filter),
    get: (id) => pg.get(id),
    create: (row, check) => pg.create(row, check),
    update: (id, patch, check) => pg.update(id, patch, check),
    remove: (id) => pg.remove(id),
    unknownCampaigns: (ids) => pg.unknownCampaigns(ids),
    teamUserIds: (team) => users.teamUserIds(team),
  };
}

/** Over PostgreSQL: the call_logs (and agent_events) of the database the engine nodes write. */
export function pgCallMetrics(pool: PgPool): CallMetrics {
  return new PgCallMetrics(pool);
}

/** Over PostgreSQL: the recordings, recording_jobs and call_amd_traces tables beside the nodes' call_logs. */
export function pgRecordingCatalog(pool: PgPool): RecordingCatalog {
  return new PgRecordingCatalog(pool);
}

/** Over PostgreSQL: the recordings and recording_jobs tables beside the nodes' call_logs and the campaigns. */
export function pgRecorderStore(pool: PgPool): RecorderStore {
  return new PgRecorderStore(pool);
}

/** Over PostgreSQL: the qa_scorecards and qa_scores of the database the engine nodes write their CallLogs to. */
export function pgQaStore(pool: PgPool): QaStore {
  return new PgQaStore(pool);
}

/** Over PostgreSQL: the campaigns table the engine nodes follow (`PgCampaigns`, the statements the nodes use too). */
export function pgCampaignCatalog(pool: PgPool): CampaignCatalog {
  const pg = new PgCampaigns(pool);
  return {
    dialect: 'postgres',
    list: (state) => pg.list(state === undefined ? undefined : [state]),
    get: (id) => pg.get(id),
    leadCounts: (id) => pg.leadCounts(id),
    create: (id, input, at) => pg.create(id, input, at),
    update: (id, patch, at, check) => pg.update(id, patch, at, check),
    remove: (id) => pg.remove(id),
    command: (id, cmd, at, check) => pg.command(id, cmd, at, check),
  };
}

/** Over PostgreSQL: the `call_logs` table the engine nodes write (`PgManualCalls`). */
export function pgManualCallLog(pool: PgPool): ManualCallLog {
  return new PgManualCalls(pool);
}

/** Over PostgreSQL: the `trunks` table of the database the nodes use (`PgTrunks`). */
export function pgTrunkCatalog(pool: PgPool): TrunkCatalog {
  return new PgTrunks(pool);
}

/** Over PostgreSQL: the `leads` table the engine nodes lease from (`PgLeads`). */
export function pgLeadCatalog(pool: PgPool): LeadCatalog {
  return new PgLeads(pool);
}

/** Over PostgreSQL: the `import_jobs` and `leads` tables the nodes lease from, written through `pool`. */
export function pgLeadImports(pool: PgPool): LeadImports {
  return new PgLeadImports(pool);
}
