/**
 * The routes added for the web app (issue #14), mounted together so app.ts names them once. Each module follows
 * the same rules as the rest: zod validation, one permission from permissions.ts, OpenAPI, audit on change.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { ApiEnv } from '../http/index.js';
import { accountRoutes } from './account.js';
import { wallboardRoutes, type WallboardDeps } from './wallboard.js';
import { callActionRoutes } from './call-actions.js';
import { whatIfRoutes } from './what-if.js';
import type { LeadApiDeps } from '../leads/index.js';
import type { HealthProbe } from '../health/index.js';
import type { CallHistory, CallMetrics, CampaignCatalog } from '../../engine/store/index.js';
import type { AgentList } from './metrics.js';
import type { CallHangupPort } from '../../engine/cluster/index.js';
import type { TeamSource } from '../calls/index.js';

export interface WebAppDeps extends LeadApiDeps {
  timeZone: string;
  health: HealthProbe;
  /** The call history the API reads and the agent's disposition is written to (#18). */
  calls: CallHistory;
  /** Where a team lead's team is read for call visibility (#18). */
  teams: TeamSource;
  /** This API process's node id (its engine's): a call of this node that the engine refuses is not asked elsewhere. */
  nodeId: string;
  /** Hang-ups of calls live on another node's engine, asked over Redis (#18); absent → 404 as before. */
  clusterHangup?: CallHangupPort;
  /** Where the wallboard reads stored call figures (#18). */
  metrics?: CallMetrics;
  /** Where the wallboard and the account page read the agent directory (#18). */
  agents?: AgentList;
  /**
   * Where the wallboard (names, states) and what-if (settings) read campaigns (#18): the campaign routes' catalog,
   * which may differ from `campaigns` (the lead routes' campaigns, SQLite's beside SQLite's leads).
   */
  campaignCatalog?: CampaignCatalog;
  /** The first admin's generated-password file, deleted by their first password change (api/auth/bootstrap.ts). */
  initialPasswordFile?: string;
  /** Several engine nodes (#18): the other nodes' live rows for the wallboard (wallboard.ts `WallboardDeps.cluster`). */
  cluster?: WallboardDeps['cluster'];
}

export function webAppRoutes(deps: WebAppDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>();
  app.route('/', accountRoutes(deps));
  app.route('/', wallboardRoutes(deps));
  app.route('/', callActionRoutes(deps));
  app.route('/', whatIfRoutes(deps));
  return app;
}
