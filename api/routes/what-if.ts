import { OpenAPIHono, z } from '@hono/zod-openapi';
import { loadScenario, runWhatIfInWorker, whatIfScenario } from '../../engine/pacing/index.js';
import { sqliteCampaignCatalog, type CampaignCatalog, type Store } from '../../engine/store/index.js';
import type { AuthService } from '../auth/index.js';
import { ApiError, jsonBody, jsonResponse, protectedRoute, validationHook, type ApiEnv } from '../http/index.js';

/**
 * The campaign's what-if: the pacing simulator (engine/pacing/simulate) with this campaign's settings and the team
 * size asked, every dialing algorithm side by side. It runs in a worker thread (never on the event loop the
 * dialer shares); at most MAX_RUNNING at once per process, more answer 429.
 */
const MAX_RUNNING = 2;
let running = 0;

const Body = z
  .strictObject({
    agents: z.number().int().min(1).max(500),
    hours: z.number().min(0.5).max(8).default(1),
    seeds: z.number().int().min(1).max(5).default(2),
    human_rate: z.number().min(0).max(1).optional().openapi({ description: 'Share of dials a person answers (default: the reference scenario’s 25 %)' }),
    machine_rate: z.number().min(0).max(1).optional(),
    talk_mean_s: z.number().min(10).max(3600).optional(),
  })
  .refine((b) => (b.human_rate ?? 0) + (b.machine_rate ?? 0) <= 1, { path: ['machine_rate'], message: 'human_rate + machine_rate must not exceed 1' })
  .openapi('WhatIfRequest');

const Result = z.object({
  name: z.string(),
  talk_min_per_agent_hour: z.number(),
  occupancy: z.number(),
  abandon_us_pct: z.number(),
  abandon_ofcom_pct: z.number(),
  worst_hour_us_pct: z.number(),
  calls_per_hour: z.number(),
  mean_wait_s: z.number(),
  within_target: z.boolean(),
});
const Answer = z
  .object({
    campaign_id: z.string(),
    agents: z.number().int(),
    hours: z.number(),
    seeds: z.number().int(),
    target_pct: z.number(),
    upper_bound_talk_min: z.number(),
    elapsed_ms: z.number().int(),
    results: z.array(Result),
  })
  .openapi('WhatIfReport');

const whatIf = protectedRoute('campaigns.read', {
  method: 'post',
  path: '/api/campaigns/{id}/what-if',
  tags: ['campaigns'],
  summary: 'Simulate every dialing algorithm for this campaign’s settings and a team size (runs in a worker thread)',
  request: { params: z.strictObject({ id: z.string().min(1).max(64) }), body: jsonBody(Body) },
  responses: { 200: jsonResponse('The comparison', Answer), 404: { description: 'No such campaign' }, 429: { description: 'Too many simulations running' } },
});

/** `campaignCatalog`: where the simulated campaign's settings are read (#18); absent → the SQLite `store`. */
export function whatIfRoutes({ store, campaignCatalog }: { store: Store; auth: AuthService; campaignCatalog?: Pick<CampaignCatalog, 'get'> }): OpenAPIHono<ApiEnv> {
  const campaigns = campaignCatalog ?? sqliteCampaignCatalog(store);
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  app.openapi(whatIf, async (c) => {
    const { id } = c.req.valid('param');
    const b = c.req.valid('json');
    const campaign = await campaigns.get(id);
    if (campaign === undefined) throw new ApiError(404, 'not_found', `No campaign ${id}`);
    if (running >= MAX_RUNNING) throw new ApiError(429, 'busy', 'Other simulations are running; try again in a moment', undefined, { 'Retry-After': '5' });
    running++;
    const started = Date.now();
    try {
      const input = { agents: b.agents, hours: b.hours, seeds: b.seeds, humanRate: b.human_rate, machineRate: b.machine_rate, talkMeanS: b.talk_mean_s };
      const scenario = whatIfScenario(await loadScenario('standard'), campaign, input);
      const report = await runWhatIfInWorker(scenario, input);
      return c.json(
        {
          campaign_id: id,
          agents: report.agents,
          hours: report.shiftHours,
          seeds: report.seeds,
          target_pct: report.target * 100,
          upper_bound_talk_min: report.upperBoundTalkMin,
          elapsed_ms: Date.now() - started,
          results: report.results.map((r) => ({
            name: r.name,
            talk_min_per_agent_hour: r.talkMinPerAgentHour,
            occupancy: r.occupancy,
            abandon_us_pct: r.abandonUs * 100,
            abandon_ofcom_pct: r.abandonOfcom * 100,
            worst_hour_us_pct: r.worstHourMeanUs * 100,
            calls_per_hour: r.callsPerHour,
            mean_wait_s: r.meanWaitS,
            within_target: r.pass.shift && r.pass.everyHour,
          })),
        },
        200,
      );
    } finally {
      running--;
    }
  });
  return app;
}
