import { OpenAPIHono, z } from '@hono/zod-openapi';
import { ianaZone } from '../../engine/campaigns/index.js';
import { startOfLocalDay } from '../../engine/clock/index.js';
import { abandonPercents, defaultGovernorConfig } from '../../engine/pacing/index.js';
import type { AgentLiveState, EngineControl } from '../../engine/control/index.js';
import { sqliteCallMetrics, sqliteCampaignCatalog, type CampaignCatalog, type CallMetrics, type CallScope, type OpenCallRow, type Store } from '../../engine/store/index.js';
import type { TeamSource } from '../calls/index.js';
import type { AuthService } from '../auth/index.js';
import type { HealthProbe } from '../health/index.js';
import { agentsOnNodes, countByState, type ClusterRowsSource } from '../live/index.js';
import { jsonResponse, protectedRoute, validationHook, type ApiEnv } from '../http/index.js';
import { groupReport, type AgentList } from './metrics.js';

/**
 * Everything the wallboard shows in one answer, so a board that (re)connects re-syncs in one request and then
 * follows the live feed: KPIs since local midnight, the agent grid with time in state and current call, calls in
 * progress with their stage, each campaign's pacing, calls per minute (last hour) and per local hour (today).
 * Supervisors and admins see the organisation; team leads their team (its agents, their calls, its figures).
 */
export const CALL_STAGES_SHOWN = ['dialing', 'ringing', 'amd', 'waiting', 'machine', 'talking'] as const;
export type ShownStage = (typeof CALL_STAGES_SHOWN)[number];

/** A CallLog's last written stage as the board names it (AMD listening, waiting for an agent, talking…). */
export function shownStage(c: Pick<OpenCallRow, 'stage' | 'amdTreatedAs'>): ShownStage {
  switch (c.stage) {
    case 'bridged':
      return 'talking';
    case 'amd':
      return c.amdTreatedAs === 'MACHINE' ? 'machine' : 'waiting';
    case 'answered':
      return 'amd';
    case 'ringing':
      return 'ringing';
    default:
      return 'dialing';
  }
}

/** Start of the current stage (ms), for "time in stage". */
function stageSince(c: OpenCallRow): number {
  return c.bridgedAt ?? c.amdAt ?? c.answeredAt ?? c.ringingAt ?? c.createdAt;
}

const Kpis = z.object({
  calls_today: z.number().int(),
  humans_today: z.number().int(),
  machines_today: z.number().int(),
  dropped_today: z.number().int(),
  abandon_pct_us: z.number().nullable().openapi({ description: 'Dropped / live answers × 100 (FTC TSR counting): the counted figure; null with no live answer today' }),
  abandon_pct_ofcom: z
    .number()
    .nullable()
    .openapi({ description: 'Ofcom counting: the counted figure plus the estimated AMD false positives (at amd_fp_rate_pct) as abandoned, as the governor counts it; null with no live answer today' }),
  amd_fp_rate_pct: z.number().openapi({ description: 'The assumed share of live people AMD takes for machines (%), the allowance in abandon_pct_ofcom' }),
  abandon_limit_pct: z.number(),
  aht_s: z.number(),
  asa_s: z.number().nullable().openapi({ description: 'Mean seconds from a human recognised to an agent on the line' }),
  calls_per_minute: z.number().openapi({ description: 'Mean over the last 5 minutes' }),
  active_calls: z.number().int(),
  agents_by_state: z.record(z.string(), z.number().int()),
});

const WallboardSchema = z
  .object({
    at: z.number().int(),
    since: z.number().int(),
    time_zone: z.string(),
    scope: z.enum(['org', 'team']),
    team: z.string().nullable(),
    kpis: Kpis,
    agents: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        team: z.string().nullable(),
        status: z.string(),
        since: z.number().int().nullable(),
        pause_reason: z.string().nullable(),
        call_id: z.string().nullable(),
        campaign_id: z.string().nullable(),
        call_since: z.number().int().nullable(),
        node_id: z
          .string()
          .nullable()
          .openapi({ description: 'The engine node the agent is live on (PostgreSQL with REDIS_URL: any node up); null when live on none, and always on SQLite' }),
      }),
    ),
    calls: z.array(
      z.object({
        id: z.string(),
        campaign_id: z.string().nullable(),
        phone: z.string(),
        agent_id: z.string().nullable(),
        stage: z.enum(CALL_STAGES_SHOWN),
        created_at: z.number().int(),
        stage_since: z.number().int(),
        node_id: z.string().nullable().openapi({ description: 'The engine node that placed the call (PostgreSQL with REDIS_URL); null on SQLite' }),
      }),
    ),
    campaigns: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        state: z.string(),
        dial_mode: z.string(),
        pacing: z.object({ mode: z.string(), place: z.number(), level: z.number().nullable(), at: z.number().int() }).nullable(),
      }),
    ),
    per_minute: z.array(z.object({ start: z.number().int(), calls: z.number().int(), humans: z.number().int() })),
    hourly: z.array(z.object({ start: z.number().int(), calls: z.number().int(), humans: z.number().int(), dropped: z.number().int() })),
    /**
     * Recording storage on this node, as /health reports it: bytes kept, free and total on RECORDINGS_DIR's file
     * system, the last disk problem, failed jobs. Null for team leads, or when the recorder is not running.
     */
    recordings: z
      .object({
        ok: z.boolean(),
        used_bytes: z.number().int(),
        free_bytes: z.number().int().nullable(),
        total_bytes: z.number().int().nullable(),
        disk_error: z.string().nullable(),
        failed_jobs: z.number().int(),
      })
      .nullable(),
  })
  .openapi('Wallboard');

const wallboard = protectedRoute('wallboard.read', {
  method: 'get',
  path: '/api/wallboard',
  tags: ['metrics'],
  summary: 'The wallboard in one answer: KPIs today, agents with time in state, calls in progress by stage, pacing, per-minute and hourly counts (team leads: their team)',
  request: { query: z.strictObject({ tz: ianaZone.optional().openapi({ description: 'IANA zone whose midnight starts "today" (default REPORT_TIME_ZONE)' }) }) },
  responses: { 200: jsonResponse('The wallboard', WallboardSchema) },
});

export interface WallboardDeps {
  store: Store;
  auth: AuthService;
  control?: EngineControl | undefined;
  timeZone: string;
  /** /health's report: the recording storage figures (absent: the board shows none). */
  health?: HealthProbe;
  /** Where the stored call figures are read (#18); absent → the SQLite `store`. */
  metrics?: CallMetrics;
  /** Where the agent grid's directory is read (#18); absent → the SQLite `store`. */
  agents?: AgentList;
  /** Where a team lead's team is read (#18); absent → the users the API authenticates. */
  teams?: TeamSource;
  /** Where the campaigns' names and states are read (#18); absent → the SQLite `store`. */
  campaignCatalog?: Pick<CampaignCatalog, 'list'>;
  /**
   * Several engine nodes (#18, PostgreSQL with REDIS_URL): this process's node and the other nodes' live rows (api/live
   * `ClusterRows`, from their boards in Redis). The grid's agents of another node up take their state from it, its
   * calls not written yet are added, and the open calls of a node that is down are left out. Absent: this node only.
   */
  cluster?: ClusterRowsSource;
}

export function wallboardRoutes({ store, auth, control, timeZone, health, cluster, ...deps }: WallboardDeps): OpenAPIHono<ApiEnv> {
  const metrics = deps.metrics ?? sqliteCallMetrics(store);
  const agentList: AgentList = deps.agents ?? { list: async (f) => store.agents.list(f) };
  const teams: TeamSource = deps.teams ?? auth.users;
  const campaignList = deps.campaignCatalog ?? sqliteCampaignCatalog(store);
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.openapi(wallboard, async (c) => {
    const p = c.get('principal');
    const at = auth.now();
    const zone = c.req.valid('query').tz ?? timeZone;
    const since = startOfLocalDay(at, zone);
    const teamScoped = p.role === 'teamlead';
    const directory = teamScoped ? (p.team === null ? [] : await agentList.list({ team: p.team })) : await agentList.list();
    const agentIds = directory.map((a) => a.id);
    const scope: CallScope | undefined = teamScoped ? { userIds: p.team === null ? [p.userId] : [p.userId, ...(await teams.teamUserIds(p.team))], agentIds } : undefined;

    // Every node's agents: the engine's here when attached, the other nodes' as their boards last said (several nodes
    // on PostgreSQL with Redis); an agent live on none shows logged out.
    let local: AgentLiveState[] | null = null;
    try {
      local = control ? control.agents.list() : null;
    } catch {
      local = null;
    }
    const live = agentsOnNodes(local, cluster);
    const rows = cluster?.rows() ?? null;
    const down = new Set(rows?.down ?? []);
    // Calls still open: created in the last 12 h (older open rows are crash leftovers reconciliation will close);
    // a node that is down has no live call any more (the node that reaps it closes their rows).
    const written = (await metrics.openCalls(at - 12 * 3600_000, scope)).filter((o) => !down.has(o.nodeId));
    const openIds = new Set(written.map((o) => o.id));
    const calls = written.map((o) => ({ id: o.id, campaign_id: o.campaignId, phone: o.phone, agent_id: o.agentId, stage: shownStage(o), created_at: o.createdAt, stage_since: stageSince(o), node_id: cluster ? o.nodeId : null }));
    // Another node's calls whose CallLog is not written yet (a team lead: those of the team's agents).
    for (const r of rows?.calls ?? []) {
      if (openIds.has(r.id) || (teamScoped && (r.agent_id === null || !agentIds.includes(r.agent_id)))) continue;
      calls.push(r);
    }
    // Each agent's call on the line: bridged by the CallLog, or talking on another node's board.
    const byAgent = new Map<string, { id: string; campaignId: string | null; since: number }>();
    for (const o of written) if (o.agentId !== null && o.bridgedAt !== null) byAgent.set(o.agentId, { id: o.id, campaignId: o.campaignId, since: o.bridgedAt });
    for (const r of rows?.calls ?? []) if (r.agent_id !== null && r.stage === 'talking' && !byAgent.has(r.agent_id)) byAgent.set(r.agent_id, { id: r.id, campaignId: r.campaign_id, since: r.stage_since });
    const agents = directory.map((a) => {
      const l = live.get(a.id);
      const call = byAgent.get(a.id);
      return {
        id: a.id,
        name: a.name,
        team: a.team,
        status: l?.status ?? 'LOGGED_OUT',
        since: l?.since ?? null,
        pause_reason: l?.pauseReason ?? null,
        call_id: call?.id ?? null,
        campaign_id: call?.campaignId ?? null,
        call_since: call?.since ?? null,
        node_id: l?.nodeId ?? null,
      };
    });
    const agentsByState = countByState(agents);

    const day = await metrics.dayFigures(since, at + 1, scope);
    const abandon = abandonPercents({ humans: day.humans, dropped: day.dropped }, defaultGovernorConfig.amdHumanAsMachineRate);
    const hourReport = await groupReport(metrics, scope, agentIds, { from: since, to: at + 1, group: 'hour', timeZone: zone });
    const minuteStart = Math.floor(at / 60_000) * 60_000 - 59 * 60_000;
    const perMinute = await metrics.perMinute(minuteStart, at + 1, scope);
    // The last five minutes (the current, partial minute included): a rate that moves as calls are placed.
    const cpm = perMinute.filter((m) => m.start > at - 5 * 60_000).reduce((s, m) => s + m.calls, 0) / 5;

    // Team leads read campaigns too (names on the grid); the pacing panel is the organisation board's.
    const campaigns = (await campaignList.list()).map((k) => {
      let pacing = null;
      try {
        pacing = teamScoped ? null : (control?.campaigns.liveStats(k.id).pacing ?? null);
      } catch {
        pacing = null;
      }
      return { id: k.id, name: k.name, state: k.state, dial_mode: k.dialMode, pacing };
    });

    // Storage is the organisation's concern (and the same for every team): the org board shows it.
    let recordings: z.infer<typeof WallboardSchema>['recordings'] = null;
    try {
      const r = teamScoped || !health ? null : (await health()).recordings;
      if (r) recordings = { ok: r.ok, used_bytes: r.usedBytes, free_bytes: r.freeBytes, total_bytes: r.totalBytes, disk_error: r.diskError, failed_jobs: r.jobs.failed };
    } catch {
      recordings = null;
    }

    return c.json(
      {
        at,
        since,
        time_zone: zone,
        scope: teamScoped ? ('team' as const) : ('org' as const),
        team: teamScoped ? p.team : null,
        kpis: {
          calls_today: day.calls,
          humans_today: day.humans,
          machines_today: day.machines,
          dropped_today: day.dropped,
          abandon_pct_us: abandon.us,
          abandon_pct_ofcom: abandon.ofcom,
          amd_fp_rate_pct: abandon.amdFpRatePct,
          abandon_limit_pct: 3,
          aht_s: hourReport.metrics.aht,
          asa_s: day.asaMs === null ? null : day.asaMs / 1000,
          calls_per_minute: cpm,
          active_calls: calls.length,
          agents_by_state: agentsByState,
        },
        agents,
        calls,
        campaigns,
        per_minute: perMinute,
        hourly: (hourReport.breakdown ?? []).map((b) => ({ start: b.start, calls: b.calls_made, humans: b.calls_success, dropped: b.dropped })),
        recordings,
      },
      200,
    );
  });
  return app;
}
