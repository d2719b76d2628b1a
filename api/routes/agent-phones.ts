/**
 * An agent's phone as Asterisk sees it (issue #12: agents/extensions managed through the API and the web app,
 * matching the generated config). `GET /api/agents/{id}/pjsip` renders the agent's endpoint, auth and aor with the
 * generator's own `renderAgentEndpoints` — the section `asterisk:config --agents` writes for that extension.
 *
 * The SIP password is never stored: `POST /api/agents/{id}/sip-password` makes a fresh one with the generator's
 * secret function and returns it once, with the config holding it; the audit log records that it was made, not
 * what it is. GET renders the password line with a placeholder, so the snippet can be read again without leaking a
 * secret that lives only in Asterisk's config and the phone. Admins only: the password goes into Asterisk.
 *
 * `{ "push": true }` also pushes the phone live through ARI dynamic configuration (engine/deploy/agent-push.ts).
 * Its outcome rides in the 200 with the password rather than replacing it: a push refused half-way may already have
 * put the new auth into Asterisk, and the password must not be lost then. With several nodes (#18) the phone goes to
 * the Asterisk of the agent's node (agents.node_id): another node's agent is pushed by that node, asked over Redis.
 */
import { OpenAPIHono, z } from '@hono/zod-openapi';
import {
  agentPhoneExtension,
  agentSorceryObjects,
  newSecret,
  pushSorcery,
  renderAgentEndpoints,
  SIP_PASSWORD_PLACEHOLDER,
  TrunkPushError,
  type AriTarget,
} from '../../engine/deploy/index.js';
import type { ConfigPushPort } from '../../engine/cluster/index.js';
import { DEFAULT_NODE_ID, type AgentDirectory, type AgentRow } from '../../engine/store/index.js';
import type { AuthService } from '../auth/index.js';
import { type ApiEnv, ApiError, jsonResponse, protectedRoute, validationHook } from '../http/index.js';
import { auditFrom } from './audit-context.js';

const tags = ['agents'];
const IdParam = z.strictObject({ id: z.string().min(1).max(64) });
const notFound = { description: 'No such agent' };
const notAPhone = { description: 'The agent is a bot, or its endpoint is not PJSIP/<3–6 digits> (details name `endpoint`)' };

const pjsip = protectedRoute('agents.phone', {
  method: 'get',
  path: '/api/agents/{id}/pjsip',
  tags,
  summary: `The agent phone’s PJSIP sections, as \`asterisk:config --agents\` writes them; the password line reads "${SIP_PASSWORD_PLACEHOLDER}"`,
  request: { params: IdParam },
  responses: { 200: { description: 'pjsip.conf sections to #include', content: { 'text/plain': { schema: z.string() } } }, 404: notFound, 409: notAPhone },
});

const PhonePassword = z
  .object({
    extension: z.string(),
    /** Shown this once: the server keeps no copy. */
    password: z.string(),
    /** The PJSIP sections holding that password. */
    config: z.string(),
    /** Asked for with `push: true`: the objects Asterisk took, in order, and its refusal if it refused one. */
    push: z.object({ pushed: z.array(z.string()), error: z.string().nullable() }).nullable(),
  })
  .openapi('AgentPhonePassword');

const SipPasswordBody = z.strictObject({ push: z.boolean().optional() }).openapi('AgentSipPassword');

const sipPassword = protectedRoute('agents.phone', {
  method: 'post',
  path: '/api/agents/{id}/sip-password',
  tags,
  summary: 'Make a new SIP password for the agent’s phone; returned once with the PJSIP sections holding it (the server keeps no copy); optionally pushed live to Asterisk',
  request: { params: IdParam, body: { required: false, content: { 'application/json': { schema: SipPasswordBody } } } },
  responses: {
    200: jsonResponse('The password, shown once, the config, and the push outcome', PhonePassword),
    404: notFound,
    409: { description: 'The agent is no generated phone (details name `endpoint`), or push asked with no Asterisk configured (no_asterisk)' },
  },
});

export interface AgentPhoneRouteDeps {
  /** Where the agent (its kind and endpoint) is read (#18): the agent routes' directory, SQLite's or PostgreSQL's. */
  agents: Pick<AgentDirectory, 'get'>;
  auth: AuthService;
  /** The Asterisk the product talks to; null on the embedded PBX (nothing to push to). */
  ari?: AriTarget | null;
  /**
   * Several nodes (#18): an agent of another node (agents.node_id) has its phone pushed by that node to its own
   * Asterisk (its phone registers there), the outcome in `push` as for a local one. With `nodeId`, this process's node.
   */
  nodes?: ConfigPushPort;
  nodeId?: string;
}

export function agentPhoneRoutes({ agents, auth, ari = null, nodes, nodeId }: AgentPhoneRouteDeps): OpenAPIHono<ApiEnv> {
  const app = new OpenAPIHono<ApiEnv>({ defaultHook: validationHook });

  const phoneOf = async (id: string): Promise<{ agent: AgentRow; extension: string }> => {
    const agent = await agents.get(id);
    if (agent === undefined) throw new ApiError(404, 'not_found', `No agent ${id}`);
    const extension = agent.kind === 'human' ? agentPhoneExtension(agent.endpoint) : null;
    if (extension === null) {
      const problem = agent.kind === 'bot' ? 'a bot has no phone to configure' : `must be PJSIP/<3–6 digits> for a generated phone config, is ${agent.endpoint}`;
      throw new ApiError(409, 'not_a_phone', `Agent ${id}: endpoint ${problem}`, [{ field: 'endpoint', problem }]);
    }
    return { agent, extension };
  };
  const noStore = { 'cache-control': 'no-store' };

  app.openapi(pjsip, async (c) => {
    const { agent, extension } = await phoneOf(c.req.valid('param').id);
    await auth.audit.record(auditFrom(c, auth, 'agent.phone_config', 'agent', agent.id, { extension }));
    return c.text(renderAgentEndpoints([{ extension, password: SIP_PASSWORD_PLACEHOLDER }]), 200, { 'content-type': 'text/plain; charset=utf-8', ...noStore });
  });

  app.openapi(sipPassword, async (c) => {
    const { agent, extension } = await phoneOf(c.req.valid('param').id);
    const wantPush = (c.req.valid('json') as { push?: boolean } | undefined)?.push === true;
    // The agent's phone registers to its node's Asterisk: another node's agent is pushed by that node.
    const owner = agent.nodeId ?? DEFAULT_NODE_ID;
    const remote = nodes !== undefined && nodeId !== undefined && owner !== nodeId ? nodes : null;
    // Refused before a password exists, so a request that cannot do what it asks changes nothing.
    if (wantPush && ari === null && remote === null) throw new ApiError(409, 'no_asterisk', 'No Asterisk is configured (ARI_URL unset: the embedded PBX has no PJSIP); generate without push and add the config to your Asterisk instead');
    const password = newSecret();
    let push: { pushed: string[]; error: string | null } | null = null;
    if (wantPush && remote !== null) {
      const out = await remote.phone(owner, agent.id, password);
      push = { pushed: out.pushed, error: out.error === null ? null : `node ${owner}: ${out.error}` };
    } else if (wantPush && ari !== null) {
      try {
        push = { pushed: await pushSorcery(ari, agentSorceryObjects({ extension, password })), error: null };
      } catch (err) {
        if (!(err instanceof TrunkPushError)) throw err;
        push = { pushed: err.pushed, error: err.message };
      }
    }
    // What was done and to which extension; never the secret.
    await auth.audit.record(auditFrom(c, auth, 'agent.sip_password', 'agent', agent.id, { extension, ...(push && { pushed: push.pushed, pushError: push.error, ...(remote && { node: owner }) }) }));
    return c.json({ extension, password, config: renderAgentEndpoints([{ extension, password }]), push }, 200, noStore);
  });

  return app;
}
