import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { assignmentRefusal, type EngineControl, type AgentLiveState } from '../../engine/control/index.js';
import { sortableId, type AgentDirectory, type AgentRow } from '../../engine/store/index.js';
import type { Principal, AuthService } from '../auth/index.js';
import { type ApiEnv, ApiError, requireControl, toApiError, viaControl, jsonBody, jsonResponse, patternRule, protectedRoute, validationHook } from '../http/index.js';
import { auditFrom } from './audit-context.js';
import { agentsOnNodes, type AgentOnNode, type ClusterRowsSource } from '../live/index.js';

const tags = ['agents'];
const NAME_CHARS = /^[A-Za-z0-9_.@-]+$/;
const agentId = z
  .string()
  .min(1)
  .max(64)
  .regex(NAME_CHARS, patternRule(NAME_CHARS, 'name_chars', 'may hold only letters, digits, "_", ".", "@" and "-"'));
const IdParam = z.strictObject({ id: z.string().min(1).max(64) });

const LiveSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['human', 'bot']),
    status: z.enum(['LOGGED_OUT', 'READY', 'RESERVED', 'TALKING', 'WRAP_UP', 'PAUSED']),
    pauseReason: z.string().nullable(),
    legUp: z.boolean(),
    calls: z.array(z.string()),
    since: z.number(),
    /** Wrap-up after each call (ms): the console counts it down. */
    wrapUpMs: z.number().int().optional(),
    nodeId: z
      .string()
      .nullable()
      .optional()
      .openapi({ description: 'In the agent list and an agent read: the engine node the agent is live on (PostgreSQL with REDIS_URL: any node up, as its board last said); null on SQLite or without Redis' }),
  })
  .openapi('AgentLiveState');

const AgentSchema = z
  .object({
    id: z.string(),
    kind: z.enum(['human', 'bot']),
    name: z.string(),
    endpoint: z.string(),
    concurrency: z.number().int(),
    team: z.string().nullable(),
    userId: z.string().nullable(),
    /** Campaigns the agent serves; null or empty: every campaign. */
    campaignIds: z.array(z.string()).nullable(),
    /** The engine node whose Asterisk the agent's phone registers to (NODE_ID); null: the default node, node-1. */
    nodeId: z.string().nullable(),
    createdAt: z.number().int(),
    /** Engine state; null when no engine is attached or the engine does not know the agent yet. */
    live: LiveSchema.nullable(),
  })
  .openapi('Agent');

const name = z.string().trim().min(1).max(120);
const endpoint = z.string().trim().min(1).max(200);
const team = z.string().trim().min(1).max(64).nullable();
const userId = z.string().min(1).max(64).nullable();
const concurrency = z.number().int().min(1).max(1000);
/** Campaign ids the agent serves (each must exist); null or []: every campaign. */
const campaignIds = z.array(z.string().min(1).max(64)).max(200).nullable();
/** The engine node (NODE_ID) that dials for the agent, on a cluster (#18); null: the default node, node-1. Same characters as an id. */
const nodeId = agentId.nullable();

const CreateAgent = z
  .strictObject({ id: agentId.optional(), kind: z.enum(['human', 'bot']).default('human'), name, endpoint, concurrency: concurrency.optional(), team: team.optional(), user_id: userId.optional(), campaign_ids: campaignIds.optional(), node_id: nodeId.optional() })
  .openapi('CreateAgent');
const UpdateAgent = z
  .strictObject({ kind: z.enum(['human', 'bot']).optional(), name: name.optional(), endpoint: endpoint.optional(), concurrency: concurrency.optional(), team: team.optional(), user_id: userId.optional(), campaign_ids: campaignIds.optional(), node_id: nodeId.optional() })
  .openapi('UpdateAgent');
const PauseBody = z.strictObject({ reason: z.string().trim().min(1).max(64) }).openapi('PauseAgent');

const notFound = { description: 'No such agent (or not one you may see)' };
const unavailable = { description: 'No engine attached (engine_unavailable), or the agent’s node did not answer in time (node_unreachable, the reason in the message)' };
const conflict = { description: 'The engine refused the change in the agent’s current state' };
const overlap = 'the agent would serve two or more running power/predictive campaigns (the campaigns and the agent in the message)';

const list = protectedRoute('agents.read', {
  method: 'get',
  path: '/api/agents',
  tags,
  summary: 'Agents with their live state (agents: their own; team leads: their team)',
  request: { query: z.strictObject({ team: z.string().min(1).max(64).optional() }) },
  responses: {
    200: jsonResponse(
      'Agents',
      z.object({
        items: z.array(AgentSchema),
        nodesUp: z.array(z.string()).openapi({ description: 'The engine nodes up (this one and every node whose board is fresh in Redis); [] on SQLite or without Redis' }),
      }),
    ),
  },
});
const create = protectedRoute('agents.manage', {
  method: 'post',
  path: '/api/agents',
  tags,
  summary: 'Create an agent (human phone or bot dial string)',
  request: { body: jsonBody(CreateAgent) },
  responses: { 201: jsonResponse('Created', AgentSchema), 409: { description: `Id taken, or ${overlap}` } },
});
const get = protectedRoute('agents.read', {
  method: 'get',
  path: '/api/agents/{id}',
  tags,
  summary: 'One agent',
  request: { params: IdParam },
  responses: { 200: jsonResponse('The agent', AgentSchema), 404: notFound },
});
const update = protectedRoute('agents.manage', {
  method: 'patch',
  path: '/api/agents/{id}',
  tags,
  summary: 'Change an agent',
  request: { params: IdParam, body: jsonBody(UpdateAgent) },
  responses: { 200: jsonResponse('The agent', AgentSchema), 404: notFound, 409: { description: `campaign_ids given and ${overlap}` } },
});
const remove = protectedRoute('agents.manage', {
  method: 'delete',
  path: '/api/agents/{id}',
  tags,
  summary: 'Delete an agent (the engine logs it out first)',
  request: { params: IdParam },
  responses: { 200: jsonResponse('Deleted', z.object({ message: z.string(), id: z.string() })), 404: notFound, 409: conflict },
});
const state = protectedRoute('agents.read', {
  method: 'get',
  path: '/api/agents/{id}/state',
  tags,
  summary: 'The agent’s live state in the engine',
  request: { params: IdParam },
  responses: { 200: jsonResponse('Live state', LiveSchema), 404: notFound, 503: unavailable },
});

const commandResponses = { 200: jsonResponse('Live state after the command', LiveSchema), 404: notFound, 409: conflict, 503: unavailable };
const command = (verb: 'login' | 'ready' | 'logout', summary: string) =>
  protectedRoute('agents.control', { method: 'post', path: `/api/agents/{id}/${verb}`, tags, summary, request: { params: IdParam }, responses: commandResponses });
const pause = protectedRoute('agents.control', {
  method: 'post',
  path: '/api/agents/{id}/pause',
  tags,
  summary: 'Pause the agent with a reason',
  request: { params: IdParam, body: jsonBody(PauseBody) },
  responses: commandResponses,
});

export interface AgentRouteDeps {
  /** Where agents are read and written (#18): the SQLite store's, or the PostgreSQL table the engine nodes follow. */
  agents: AgentDirectory;
  auth: AuthService;
  control?: EngineControl;
  /**
   * Several engine nodes (#18, PostgreSQL with REDIS_URL): the other nodes' live agents (api/live `ClusterRows`, from
   * their boards in Redis), so an agent logged in on another node shows its state and node. Absent: this node only.
   */
  cluster?: ClusterRowsSource;
}

/** Which agents a caller may see and drive: their own (agents.user_id), their team's, or all. */
export function mayAccessAgent(p: Principal, a: AgentRow): boolean {
  if (p.role === 'supervisor' || p.role === 'admin') return true;
  if (p.role === 'teamlead') return p.team !== null && a.team === p.team;
  return a.userId === p.userId;
}

export function agentRoutes({ agents, auth, control, cluster }: AgentRouteDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });

  /**
   * The agent's live state on whichever node up holds it (agentsOnNodes): this engine's in full, another node's as
   * its board says (a logged-in agent's phone leg is up there; its since, when the board lacks it, is now). Null:
   * live on no node up (an agent of a node that is down included), or no engine attached.
   */
  const liveFrom = (a: AgentRow, on: AgentOnNode<AgentLiveState> | undefined): (AgentLiveState & { nodeId?: string | null }) | null => {
    if (on === undefined) return null;
    if (on.local) return { ...on.local, nodeId: on.nodeId };
    return {
      id: a.id,
      kind: a.kind,
      status: on.status as AgentLiveState['status'],
      pauseReason: on.pauseReason,
      legUp: on.status !== 'LOGGED_OUT',
      calls: on.callId === null ? [] : [on.callId],
      since: on.since ?? auth.now(),
      nodeId: on.nodeId,
    };
  };
  const liveOf = (a: AgentRow): (AgentLiveState & { nodeId?: string | null }) | null => {
    let local: AgentLiveState | null = null;
    try {
      local = control === undefined ? null : control.agents.state(a.id);
    } catch {
      local = null;
    }
    return liveFrom(a, agentsOnNodes(local ? [local] : [], cluster).get(a.id));
  };
  const out = (a: AgentRow, live: (AgentLiveState & { nodeId?: string | null }) | null = liveOf(a)) => AgentSchema.parse({ ...a, live });
  /** 404 for missing and for hidden agents alike: nobody probes which ids exist. */
  const visible = async (c: Context<ApiEnv>, id: string): Promise<AgentRow> => {
    const a = await agents.get(id);
    if (a === undefined || !mayAccessAgent(c.get('principal'), a)) throw new ApiError(404, 'not_found', `No agent ${id}`);
    return a;
  };
  const mustGet = async (id: string): Promise<AgentRow> => {
    const a = await agents.get(id);
    if (a === undefined) throw new ApiError(404, 'not_found', `No agent ${id}`);
    return a;
  };
  const checkUser = async (id: string | null | undefined) => {
    if (id !== undefined && id !== null && (await auth.users.get(id)) === undefined) {
      throw new ApiError(422, 'validation_failed', `Invalid body: user_id names no user`, [{ field: 'user_id', problem: 'names no user' }]);
    }
  };
  /** Every id must name a campaign of the directory's database (422 on `campaign_ids` otherwise); duplicates are dropped. */
  const checkCampaigns = async (ids: string[] | null | undefined): Promise<string[] | null | undefined> => {
    if (ids === undefined || ids === null) return ids;
    const unknown = await agents.unknownCampaigns(ids);
    if (unknown.length > 0) {
      const problem = `names no campaign: ${[...new Set(unknown)].join(', ')}`;
      throw new ApiError(422, 'validation_failed', `Invalid body: campaign_ids ${problem}`, [{ field: 'campaign_ids', problem }]);
    }
    return [...new Set(ids)];
  };
  /**
   * A write that stores campaign assignments, checked by engine/control's `assignmentRefusal` in the same step (the
   * start rule's other door: no agent serving two running power/predictive campaigns). Its refusal is a 409 with
   * nothing stored. A change without campaign_ids keeps the assignments, so it is not checked: an overlap stored
   * before this check existed does not block renaming the agent.
   */
  const assigning = async <T,>(write: () => Promise<T>): Promise<T> => {
    try {
      return await write();
    } catch (err) {
      throw toApiError(err);
    }
  };
  /**
   * Tells the engine about a created/changed agent; the store row stays if the engine refuses. Over PostgreSQL the
   * engine nodes follow the row themselves, and the API's own engine reads SQLite's agents, where this one is not.
   */
  const sync = async (id: string): Promise<void> => {
    if (control !== undefined && agents.dialect === 'sqlite') await viaControl(() => control.agents.upsert(id));
  };

  app.openapi(list, async (c) => {
    const p = c.get('principal');
    const { team } = c.req.valid('query');
    const rows = (await agents.list(team === undefined ? {} : { team })).filter((a) => mayAccessAgent(p, a));
    let local: AgentLiveState[] | null = null;
    if (control !== undefined) {
      try {
        local = control.agents.list();
      } catch {
        // A board still wants the directory when the engine hiccups.
      }
    }
    // Every node up: this engine's agents and the other nodes' as their boards last said.
    const live = agentsOnNodes(local, cluster);
    const clusterRows = cluster?.rows() ?? null;
    const nodesUp = cluster ? [cluster.nodeId, ...(clusterRows?.up ?? [])] : [];
    return c.json({ items: rows.map((a) => out(a, liveFrom(a, live.get(a.id)))), nodesUp }, 200);
  });

  app.openapi(create, async (c) => {
    const b = c.req.valid('json');
    const at = auth.now();
    const id = b.id ?? `agent-${sortableId(at)}`;
    const taken = () => new ApiError(409, 'conflict', `Agent ${id} exists`);
    if ((await agents.get(id)) !== undefined) throw taken();
    await checkUser(b.user_id);
    const campaigns = await checkCampaigns(b.campaign_ids);
    // Created only if the id is still free: another API process may have taken it since the check above.
    // A new agent always has assignments (none given: every campaign), so it is always checked.
    const row = await assigning(() =>
      agents.create(
        {
          id,
          kind: b.kind,
          name: b.name,
          endpoint: b.endpoint,
          concurrency: b.kind === 'bot' ? (b.concurrency ?? 1) : 1,
          team: b.team ?? null,
          userId: b.user_id ?? null,
          campaignIds: campaigns ?? null,
          nodeId: b.node_id ?? null,
          createdAt: at,
        },
        assignmentRefusal,
      ),
    );
    if (row === undefined) throw taken();
    await auth.audit.record(
      auditFrom(c, auth, 'agent.create', 'agent', id, { name: row.name, kind: row.kind, team: row.team, userId: row.userId, campaignIds: row.campaignIds, nodeId: row.nodeId }),
    );
    await sync(id);
    return c.json(out(row), 201);
  });

  app.openapi(get, async (c) => c.json(out(await visible(c, c.req.valid('param').id)), 200));

  app.openapi(update, async (c) => {
    const { id } = c.req.valid('param');
    await mustGet(id);
    const b = c.req.valid('json');
    await checkUser(b.user_id);
    const campaigns = await checkCampaigns(b.campaign_ids);
    // Merged over the row as stored at the write (mergeAgentPatch), not as read above: concurrent changes both land.
    const patch = {
      ...(b.kind !== undefined && { kind: b.kind }),
      ...(b.name !== undefined && { name: b.name }),
      ...(b.endpoint !== undefined && { endpoint: b.endpoint }),
      ...(b.concurrency !== undefined && { concurrency: b.concurrency }),
      ...(b.team !== undefined && { team: b.team }),
      ...(b.user_id !== undefined && { userId: b.user_id }),
      ...(campaigns !== undefined && { campaignIds: campaigns }),
      ...(b.node_id !== undefined && { nodeId: b.node_id }),
    };
    const changed = await assigning(() => agents.update(id, patch, campaigns !== undefined ? assignmentRefusal : undefined));
    if (changed === undefined) throw new ApiError(404, 'not_found', `No agent ${id}`);
    const { before, after: row } = changed;
    const changes: Record<string, unknown> = {};
    for (const k of ['kind', 'name', 'endpoint', 'concurrency', 'team', 'userId', 'nodeId'] as const) {
      if (before[k] !== row[k]) changes[k] = { from: before[k], to: row[k] };
    }
    if (JSON.stringify(before.campaignIds) !== JSON.stringify(row.campaignIds)) changes['campaignIds'] = { from: before.campaignIds, to: row.campaignIds };
    await auth.audit.record(auditFrom(c, auth, 'agent.update', 'agent', id, changes));
    await sync(id);
    return c.json(out(row), 200);
  });

  app.openapi(remove, async (c) => {
    const { id } = c.req.valid('param');
    const a = await mustGet(id);
    if (control !== undefined) {
      // The engine first: an agent on a call is refused (409) and stays in the directory.
      try {
        await control.agents.remove(id);
      } catch (err) {
        const mapped = toApiError(err);
        if (!(mapped instanceof ApiError && mapped.status === 404)) throw mapped;
      }
    }
    await agents.remove(id);
    await auth.audit.record(auditFrom(c, auth, 'agent.delete', 'agent', id, { name: a.name }));
    return c.json({ message: 'Agent deleted', id }, 200);
  });

  app.openapi(state, async (c) => {
    const a = await visible(c, c.req.valid('param').id);
    const ctl = requireControl(control);
    // An agent of another node: its node is asked (ask); else the engine here answers at once.
    const s = await viaControl(() => (ctl.agents.ask ? ctl.agents.ask(a.id) : ctl.agents.state(a.id)));
    if (s === null) throw new ApiError(404, 'not_found', `The engine does not know agent ${a.id}`);
    return c.json(LiveSchema.parse(s), 200);
  });

  const drive = async (c: Context<ApiEnv>, id: string, verb: 'login' | 'ready' | 'pause' | 'logout', reason?: string) => {
    const a = await visible(c, id);
    const ctl = requireControl(control);
    const after = await viaControl(() => (verb === 'pause' ? ctl.agents.pause(a.id, reason ?? 'pause') : ctl.agents[verb](a.id)));
    await auth.audit.record(auditFrom(c, auth, `agent.${verb}`, 'agent', a.id, reason === undefined ? undefined : { reason }));
    // The state the command answered (another node's agent: only its node knows it), else this engine's.
    const s = after ?? viaControl(() => ctl.agents.state(a.id));
    if (s === null) throw new ApiError(404, 'not_found', `The engine does not know agent ${a.id}`);
    return LiveSchema.parse(s);
  };
  app.openapi(command('login', 'Log the agent in (phone leg up) and make it READY'), async (c) => c.json(await drive(c, c.req.valid('param').id, 'login'), 200));
  app.openapi(command('ready', 'Make the agent READY for calls'), async (c) => c.json(await drive(c, c.req.valid('param').id, 'ready'), 200));
  app.openapi(pause, async (c) => c.json(await drive(c, c.req.valid('param').id, 'pause', c.req.valid('json').reason), 200));
  app.openapi(command('logout', 'Log the agent out'), async (c) => c.json(await drive(c, c.req.valid('param').id, 'logout'), 200));

  return app;
}
