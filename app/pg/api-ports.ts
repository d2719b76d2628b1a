/**
 * Every API port that has a PostgreSQL side (#18), built over one pool: what `createApiApp` reads and writes in
 * PostgreSQL instead of the SQLite `store` when the product runs with DATABASE_URL=postgres://…. One place on
 * purpose: a port ported later is added here and every PostgreSQL start gets
 * it. The app refuses ports of two databases where one reads the other's rows (leads and campaigns, lead imports
 * and leads, trunks and campaigns, manual calls and figures): all of these are of the one pool.
 */
import type { ApiDeps } from '../../api/index.js';
import type { CampaignCommandPublisher } from '../../api/routes/index.js';
import type { CallHangupPort } from '../../engine/cluster/index.js';
import { nodeRecordingClient, nodeRecordingKey } from '../../engine/recordings/index.js';
import { PgClusterNodes, pgAgentDirectory, pgAuthStore, pgCallHistory, pgCallMetrics, pgCampaignCatalog, pgLeadCatalog, pgLeadImports, pgManualCallLog, pgQaStore, pgRecordingCatalog, pgTrunkCatalog, type PgPool } from '../../engine/store/pg/index.js';
import { REFRESH_TTL_MS } from '../../api/auth/index.js';

/** The ApiDeps a PostgreSQL pool provides; the rest (health, store, control…) comes from the start. */
export type PgApiPorts = Pick<
  ApiDeps,
  | 'authStore'
  | 'callHistory'
  | 'campaignCatalog'
  | 'leadCatalog'
  | 'leadImports'
  | 'agentDirectory'
  | 'callMetrics'
  | 'qaStore'
  | 'recordingCatalog'
  | 'trunkCatalog'
  | 'manualCalls'
  | 'campaignCommands'
  | 'clusterHangup'
>;

export interface PgApiPortsOptions {
  /** With REDIS_URL: publishes each stored campaign command to the nodes at once (else they read it within CAMPAIGN_POLL_MS). */
  campaignCommands?: CampaignCommandPublisher;
  /** With REDIS_URL: asks the node that owns a live call to hang it up (else a call live elsewhere answers 404). */
  clusterHangup?: CallHangupPort;
}

/**
 * The recordings of the other engine nodes (#18): each node serves its own files on its health server at the URL
 * it advertises in cluster_nodes (`public_url`); this API signs each request with the shared SECRETS_KEY /
 * JWT_SECRET. `localNodeId`: this process's own node, whose files are on this disk (null: none).
 */
export function pgNodeRecordings(
  pool: PgPool,
  o: { localNodeId: string | null; config: { SECRETS_KEY?: string | undefined; JWT_SECRET?: string | undefined }; now: () => number; timeoutMs?: number },
): NonNullable<ApiDeps['nodeRecordings']> {
  const nodes = new PgClusterNodes(pool);
  return {
    localNodeId: o.localNodeId,
    client: nodeRecordingClient({ key: nodeRecordingKey(o.config), nodes, now: o.now, ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}) }),
  };
}

export function pgApiPorts(pool: PgPool, o: PgApiPortsOptions = {}): PgApiPorts {
  return {
    authStore: pgAuthStore(pool, { refreshTtlMs: REFRESH_TTL_MS }),
    callHistory: pgCallHistory(pool),
    campaignCatalog: pgCampaignCatalog(pool),
    leadCatalog: pgLeadCatalog(pool),
    leadImports: pgLeadImports(pool),
    agentDirectory: pgAgentDirectory(pool),
    callMetrics: pgCallMetrics(pool),
    qaStore: pgQaStore(pool),
    recordingCatalog: pgRecordingCatalog(pool),
    trunkCatalog: pgTrunkCatalog(pool),
    manualCalls: pgManualCallLog(pool),
    ...(o.campaignCommands ? { campaignCommands: o.campaignCommands } : {}),
    ...(o.clusterHangup ? { clusterHangup: o.clusterHangup } : {}),
  };
}
