import { randomUUID } from 'node:crypto';
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { ZodError } from 'zod';
import { CAMPAIGN_STATES, campaignSettingsSchema } from '../../engine/campaigns/index.js';
import { normalisePhone } from '../../engine/leads/index.js';
import type { ClusterServices } from '../../engine/cluster/index.js';
import { ControlError, startCheck } from '../../engine/control/index.js';
import { CampaignError, type Campaign, type CampaignCatalog } from '../../engine/store/index.js';
import { requireControl, toApiError, viaControl, type ApiEnv, ApiError, jsonBody, jsonResponse, protectedRoute, issuesToDetails, validationHook } from '../http/index.js';
import type { LeadApiDeps } from '../leads/index.js';
import { auditFrom } from './audit-context.js';

const tags = ['campaigns'];
const IdParam = z.strictObject({ id: z.string().min(1).max(64) });

/** A campaign as stored: its settings (see engine/campaigns/settings.ts) plus id, state and times. */
export const CampaignSchema = z
  .looseObject({
    id: z.string(),
    name: z.string(),
    state: z.enum(CAMPAIGN_STATES),
    /** Why the campaign is `failed` (its stored settings could not be loaded when the engine started); null otherwise. */
    stateReason: z.string().nullable(),
    dialMode: z.string(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi('Campaign');

/** Create: the full settings schema (defaults filled), unknown fields refused. */
const CreateCampaign = campaignSettingsSchema.strict().openapi('CreateCampaign');
/**
 * Patch: any subset of the settings keys. Values are checked by merging over the current settings and
 * re-validating the whole (so cross-field rules such as machineAction/voicemailMessage still hold).
 */
const UpdateCampaign = z
  .strictObject(Object.fromEntries(Object.keys(campaignSettingsSchema.shape).map((k) => [k, z.unknown().optional()])) as Record<string, z.ZodOptional<z.ZodUnknown>>)
  .openapi('UpdateCampaign', { description: 'Any subset of the campaign settings (see CreateCampaign for each field).' });

const ListQuery = z.strictObject({ state: z.enum(CAMPAIGN_STATES).optional() });

const CountsSchema = z.record(z.string(), z.number().int());
const CampaignDetail = z.looseObject({ id: z.string(), leads: CountsSchema }).openapi('CampaignDetail');

const StatsSchema = z
  .looseObject({
    campaignId: z.string(),
    state: z.enum(CAMPAIGN_STATES),
    pacing: z.looseObject({ mode: z.string(), place: z.number(), level: z.number().nullable(), at: z.number() }).nullable(),
    calls: z.looseObject({ ringing: z.number(), amd: z.number(), waiting: z.number(), connected: z.number() }),
    agents: z.looseObject({ ready: z.number(), talk: z.number(), wrap: z.number(), paused: z.number(), loggedIn: z.number() }),
    today: z.looseObject({
      placed: z.number(),
      answered: z.number(),
      humans: z.number(),
      machines: z.number(),
      dropped: z.number(),
      abandonPct: z.number(),
    }),
    leads: z.record(z.string(), z.number().optional()),
  })
  .openapi('CampaignLiveStats');

const unavailable = { 503: { description: 'The engine is not running in this process (engine_unavailable)' } };
const notFound = { 404: { description: 'No such campaign' } };

const list = protectedRoute('campaigns.read', {
  method: 'get',
  path: '/api/campaigns',
  tags,
  summary: 'All campaigns, oldest first (optionally one state)',
  request: { query: ListQuery },
  responses: { 200: jsonResponse('Campaigns', z.object({ items: z.array(CampaignSchema) })) },
});
const create = protectedRoute('campaigns.manage', {
  method: 'post',
  path: '/api/campaigns',
  tags,
  summary: 'Create a campaign (state draft); settings validated, defaults filled',
  request: { body: jsonBody(CreateCampaign) },
  responses: { 201: jsonResponse('Created', CampaignSchema) },
});
const detail = protectedRoute('campaigns.read', {
  method: 'get',
  path: '/api/campaigns/{id}',
  tags,
  summary: 'One campaign with its lead counts per status',
  request: { params: IdParam },
  responses: { 200: jsonResponse('The campaign', CampaignDetail), ...notFound },
});
const update = protectedRoute('campaigns.manage', {
  method: 'patch',
  path: '/api/campaigns/{id}',
  tags,
  summary: 'Change settings (merged over the current ones and re-validated; the state is not touched; a running or paused campaign dials with them at once)',
  request: { params: IdParam, body: jsonBody(UpdateCampaign) },
  responses: {
    200: jsonResponse('The campaign', CampaignSchema),
    ...notFound,
    409: { description: 'The campaign is running and its new settings would be refused as a start (a power/predictive campaign sharing agents with a running one)' },
  },
});
const remove = protectedRoute('campaigns.manage', {
  method: 'delete',
  path: '/api/campaigns/{id}',
  tags,
  summary: 'Delete a campaign and its leads (refused while running)',
  request: { params: IdParam },
  responses: {
    200: jsonResponse('Deleted', z.object({ message: z.string(), id: z.string() })),
    ...notFound,
    409: { description: 'The campaign is running' },
  },
});

const lifecycle = (cmd: 'start' | 'pause' | 'stop', summary: string) =>
  protectedRoute('campaigns.manage', {
    method: 'post',
    path: `/api/campaigns/{id}/${cmd}`,
    tags,
    summary,
    request: { params: IdParam },
    responses: {
      200: jsonResponse('The campaign in its new state', CampaignSchema),
      ...notFound,
      409: { description: 'Not allowed from the current state' },
      ...unavailable,
    },
  });
const start = lifecycle('start', 'Start (or resume) dialing');
const pause = lifecycle('pause', 'Pause: no new dials, live calls finish');
const stop = lifecycle('stop', 'Stop: no new dials, leased leads given back');

const TestCall = z.strictObject({ phone: z.string().trim().min(1).max(40) }).openapi('TestCall');
const testCall = protectedRoute('campaigns.manage', {
  method: 'post',
  path: '/api/campaigns/{id}/test-call',
  tags,
  summary: 'Place one call with the campaign’s settings to a number (no lead; logged as a CallLog)',
  request: { params: IdParam, body: jsonBody(TestCall) },
  responses: { 202: jsonResponse('Call placed', z.object({ call_id: z.string(), phone: z.string() })), ...notFound, ...unavailable },
});
const stats = protectedRoute('campaigns.read', {
  method: 'get',
  path: '/api/campaigns/{id}/stats',
  tags,
  summary: 'Live figures from the engine: pacing, calls in flight, agents, today’s totals, leads per status',
  request: { params: IdParam },
  responses: { 200: jsonResponse('Live stats', StatsSchema), ...notFound, ...unavailable },
});

/** A settings ZodError (from the store's own validation) as the API's 422. */
export function settingsError(err: unknown): never {
  if (err instanceof ZodError) {
    const details = issuesToDetails(err.issues);
    const first = details[0];
    throw new ApiError(422, 'validation_failed', first === undefined ? 'Invalid settings' : `Invalid json: ${first.field} ${first.problem}`, details);
  }
  throw err;
}

/** Publishes a stored lifecycle command to every engine node at once (engine/cluster `ClusterServices.publishCommand`). */
export type CampaignCommandPublisher = Pick<ClusterServices, 'publishCommand'>;

export interface CampaignRouteDeps extends LeadApiDeps {
  /** Where campaigns are read and written (#18): the SQLite store's or PostgreSQL's (api/app.ts chooses). */
  campaigns: CampaignCatalog;
  /** On PostgreSQL: tells the nodes of a stored command at once (without it they follow at their next read). */
  commands?: CampaignCommandPublisher | undefined;
}

export function campaignRoutes(deps: CampaignRouteDeps): OpenAPIHono<ApiEnv> {
  const { auth, campaigns: catalog, logger } = deps;
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });
  const mustGet = async (id: string): Promise<Campaign> => {
    const c = await catalog.get(id);
    if (c === undefined) throw new ApiError(404, 'not_found', `No campaign ${id}`);
    return c;
  };

  /**
   * A lifecycle command on PostgreSQL: stored in the row (the truth every node follows; the lifecycle's refusals as
   * the engine control answers them: 404, 409 conflict; a start's refusals from engine/control's `startCheck`,
   * 409/422, nothing stored), then published when a publisher is given. A publish that fails is logged, not answered
   * as an error: the command is stored and the nodes follow it at their next read.
   */
  const storedCommand = async (id: string, cmd: 'start' | 'pause' | 'stop'): Promise<{ campaign: Campaign; from: Campaign['state'] }> => {
    let stored: Awaited<ReturnType<CampaignCatalog['command']>>;
    try {
      stored = await catalog.command(id, cmd, auth.now(), cmd === 'start' ? startCheck : undefined);
    } catch (err) {
      if (err instanceof CampaignError && err.code === 'not_found') throw new ApiError(404, 'not_found', `No campaign ${id}`);
      if (err instanceof CampaignError) throw new ApiError(409, 'conflict', err.message);
      throw toApiError(err);
    }
    if (deps.commands) {
      try {
        await deps.commands.publishCommand(id, cmd);
      } catch (err) {
        logger.warn({ err, campaignId: id, action: cmd }, 'campaign command stored but not published: the nodes follow it at their next read');
      }
    }
    return stored;
  };

  app.openapi(list, async (c) => c.json({ items: await catalog.list(c.req.valid('query').state) }, 200));

  app.openapi(create, async (c) => {
    const body = c.req.valid('json');
    let campaign: Campaign;
    try {
      campaign = await catalog.create(randomUUID(), body, auth.now());
    } catch (err) {
      settingsError(err);
    }
    await auth.audit.record(auditFrom(c, auth, 'campaign.create', 'campaign', campaign.id, { name: campaign.name, dialMode: campaign.dialMode }));
    return c.json(campaign, 201);
  });

  app.openapi(detail, async (c) => {
    const campaign = await mustGet(c.req.valid('param').id);
    const leads = (await catalog.leadCounts(campaign.id)) as Record<string, number>;
    return c.json({ ...campaign, leads }, 200);
  });

  app.openapi(update, async (c) => {
    const { id } = c.req.valid('param');
    const patch = c.req.valid('json') as Record<string, unknown>;
    let before: Campaign;
    let after: Campaign;
    try {
      // A running campaign's new settings take effect while it runs (PostgreSQL's nodes reload them within a poll;
      // SQLite's engine below, at once): checked with the start's rule, so an edit never makes the overlap a start is
      // refused for (409 naming the campaign and the shared agents, nothing stored).
      ({ before, after } = await catalog.update(id, patch, auth.now(), startCheck));
    } catch (err) {
      if (err instanceof CampaignError && err.code === 'not_found') throw new ApiError(404, 'not_found', `No campaign ${id}`);
      if (err instanceof ControlError) throw toApiError(err);
      settingsError(err);
    }
    // SQLite, one process: the API's own engine has the campaign loaded while it runs or is paused.
    const control = deps.control;
    if (catalog.dialect === 'sqlite' && control !== undefined && (after.state === 'running' || after.state === 'paused')) {
      await viaControl(() => control.campaigns.applySettings(id));
    }
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const k of Object.keys(patch)) {
      const from = (before as unknown as Record<string, unknown>)[k];
      const to = (after as unknown as Record<string, unknown>)[k];
      if (JSON.stringify(from) !== JSON.stringify(to)) changes[k] = { from, to };
    }
    await auth.audit.record(auditFrom(c, auth, 'campaign.update', 'campaign', id, changes));
    return c.json(after, 200);
  });

  app.openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    const r = await catalog.remove(id);
    if (!r.ok && r.reason === 'not_found') throw new ApiError(404, 'not_found', `No campaign ${id}`);
    if (!r.ok) throw new ApiError(409, 'conflict', `Campaign ${id} is running; stop it first`);
    await auth.audit.record(auditFrom(c, auth, 'campaign.delete', 'campaign', id, { name: r.campaign.name }));
    return c.json({ message: 'Campaign deleted', id }, 200);
  });

  for (const [route, cmd] of [
    [start, 'start'],
    [pause, 'pause'],
    [stop, 'stop'],
  ] as const) {
    app.openapi(route, async (c) => {
      const { id } = c.req.valid('param');
      let from: Campaign['state'];
      let campaign: Campaign;
      if (catalog.dialect === 'postgres') {
        ({ campaign, from } = await storedCommand(id, cmd));
      } else {
        // SQLite, one process: the API's own engine stores the command and acts on it (503 without one).
        const control = requireControl(deps.control);
        from = (await mustGet(id)).state;
        campaign = await viaControl(() => control.campaigns[cmd](id));
      }
      await auth.audit.record(auditFrom(c, auth, `campaign.${cmd}`, 'campaign', id, { state: { from, to: campaign.state } }));
      return c.json(campaign, 200);
    });
  }

  app.openapi(testCall, async (c) => {
    const { id } = c.req.valid('param');
    const control = requireControl(deps.control);
    const campaign = await mustGet(id);
    const phone = normalisePhone(c.req.valid('json').phone, campaign.defaultCountry);
    if (!phone.ok) throw new ApiError(422, 'validation_failed', `Invalid json: phone ${phone.reason}`, [{ field: 'phone', problem: phone.reason, code: 'invalid_phone' }]);
    const { callId } = await viaControl(() => control.campaigns.testCall(id, phone.e164));
    await auth.audit.record(auditFrom(c, auth, 'campaign.test_call', 'campaign', id, { phone: phone.e164, callId }));
    return c.json({ call_id: callId, phone: phone.e164 }, 202);
  });

  app.openapi(stats, async (c) => {
    const { id } = c.req.valid('param');
    const control = requireControl(deps.control);
    await mustGet(id);
    const s = await viaControl(() => control.campaigns.liveStats(id));
    return c.json(s as z.infer<typeof StatsSchema>, 200);
  });

  return app;
}
