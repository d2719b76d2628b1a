import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { EngineControl } from '../../engine/control/index.js';
import { type Store, type CallMetrics, EMPTY_AGGREGATE, deriveGroupMetrics, serviceLevelPct, sqliteCallMetrics } from '../../engine/store/index.js';
import type { AgentList } from './metrics.js';
import type { AuthService } from '../auth/index.js';
import type { HealthProbe } from '../health/index.js';
import { type ApiEnv, jsonResponse, protectedRoute, validationHook } from '../http/index.js';
import { agentsOnNodes, countByState, type ClusterRowsSource } from '../live/index.js';
import { startOfLocalDay } from '../../engine/clock/index.js';
import { ianaZone } from '../../engine/campaigns/index.js';

/** A human counts as served when bridged to an agent within this long of being recognised (US TSR: 2 s). */
export const SERVICE_LEVEL_MS = 2000;

const DashboardSchema = z
  .object({
    at: z.number().int(),
    /** Start of today: local midnight in `time_zone`. */
    since: z.number().int(),
    time_zone: z.string(),
    calls_today: z.number().int(),
    /** Calls the engine has up now (with several nodes: every node up); null when no engine figure is available. */
    active_calls: z.number().int().nullable(),
    /** Agents by live state (with several nodes: every node up, as their boards last said). */
    agents_by_state: z.record(z.string(), z.number().int()),
    /** Where agents_by_state came from: the engine (with several nodes, and the other nodes' boards), or the last state in the agent event log. */
    agents_source: z.enum(['engine', 'store']),
    abandon_pct_today: z.number(),
    aht_today: z.number(),
    /** % of humans answered today who reached an agent within 2 s of being recognised; null when none answered. */
    service_level_today: z.number().nullable(),
    success_pct_today: z.number(),
  })
  .openapi('Dashboard');

const dashboard = protectedRoute('metrics.org', {
  method: 'get',
  path: '/api/dashboard',
  tags: ['metrics'],
  summary: 'Wallboard summary: calls today, active calls, agents by state, abandon %, AHT, service level',
  request: { query: z.strictObject({ tz: ianaZone.optional().openapi({ description: 'IANA zone whose midnight starts "today" (default REPORT_TIME_ZONE)' }) }) },
  responses: { 200: jsonResponse('Summary', DashboardSchema) },
});

export interface DashboardDeps {
  store: Store;
  auth: AuthService;
  health: HealthProbe;
  control?: EngineControl;
  /** Default zone of "today" (REPORT_TIME_ZONE). */
  timeZone?: string;
  /** Where the stored call figures and agent states are read (#18); absent → the SQLite `store`. */
  metrics?: CallMetrics;
  /** Where the agents are read (#18); absent → the SQLite `store`. */
  agents?: AgentList;
  /**
   * Several engine nodes (#18, PostgreSQL with REDIS_URL): the other nodes' agents and calls (api/live `ClusterRows`),
   * counted with this node's. Absent: this node only.
   */
  cluster?: ClusterRowsSource;
}

/**
 * Agents by state: live from the engine when attached (with `cluster`, every node up: api/live agentsOnNodes), else
 * each agent's last logged state.
 */
export async function agentsByState(
  agents: AgentList,
  metrics: CallMetrics,
  control: EngineControl | undefined,
  now: number,
  cluster?: ClusterRowsSource,
): Promise<{ source: 'engine' | 'store'; counts: Record<string, number> }> {
  const counts: Record<string, number> = {};
  if (control !== undefined) {
    try {
      return { source: 'engine', counts: countByState(agentsOnNodes(control.agents.list(), cluster).values()) };
    } catch {
      // Fall through to the log.
    }
  }
  for (const s of (await metrics.lastAgentStates((await agents.list()).map((a) => a.id), now + 1)).values()) counts[s] = (counts[s] ?? 0) + 1;
  return { source: 'store', counts };
}

export function dashboardRoutes({ store, auth, health, control, timeZone = 'UTC', cluster, ...deps }: DashboardDeps): OpenAPIHono<ApiEnv> {
  const metrics = deps.metrics ?? sqliteCallMetrics(store);
  const agentList: AgentList = deps.agents ?? { list: async (f) => store.agents.list(f) };
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.openapi(dashboard, async (c) => {
    const at = auth.now();
    const zone = c.req.valid('query').tz ?? timeZone;
    const since = startOfLocalDay(at, zone);
    const calls = await metrics.countCreated(since, at + 1);
    const agentIds = (await agentList.list()).map((a) => a.id);
    const agg = (await metrics.aggregate(undefined, { from: since, to: at + 1 })).get(0) ?? EMPTY_AGGREGATE;
    const [wrapMs] = await metrics.wrapMsPer(agentIds, [[since, at + 1]]);
    const m = deriveGroupMetrics(agg, wrapMs);
    const sl = await metrics.serviceLevel(since, at + 1, SERVICE_LEVEL_MS);
    let active: number | null = null;
    try {
      active = (await health()).calls?.active ?? null;
    } catch {
      active = null;
    }
    // The other nodes' calls up, as their boards last said.
    const others = cluster?.rows()?.calls.length ?? 0;
    if (active !== null) active += others;
    const agents = await agentsByState(agentList, metrics, control, at, cluster);
    return c.json(
      {
        at,
        since,
        time_zone: zone,
        calls_today: calls,
        active_calls: active,
        agents_by_state: agents.counts,
        agents_source: agents.source,
        abandon_pct_today: m.abandon_pct,
        aht_today: m.aht,
        service_level_today: serviceLevelPct(sl.humans, sl.within),
        success_pct_today: m.success_pct,
      },
      200,
    );
  });
  return app;
}
