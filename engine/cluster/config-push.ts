/**
 * A trunk or an agent phone pushed to every node's own Asterisk (#18). Each node dials through its own Asterisk
 * (ARI_URL), so a push made through the API (`POST /api/trunks/{name}/push`, `POST /api/agents/{id}/sip-password`
 * with `push`) reaches only the API's own Asterisk unless the other nodes are told: this asks them over Redis, one
 * ask/reply exchange per node (ask-reply.ts), and each answers what its Asterisk took.
 *
 * - a trunk: every running node but the API's own is asked to push trunk `name`; each reads the trunk's row from the
 *   shared database (the truth, its password sealed at rest) and pushes it to its own Asterisk;
 * - a phone: only the agent's node (agents.node_id: its phone registers there) is asked; the new SIP password is
 *   stored nowhere, so it travels in the request, sealed with the key the API and the nodes share (SECRETS_KEY, else
 *   JWT_SECRET), never in clear on Redis; the node reads the agent's row for its extension.
 *
 * A node answers `pushed` (the objects its Asterisk took), `refused` (Asterisk refused one: what was pushed before
 * and the fix), `no-asterisk` (it runs on its embedded PBX) or `failed` (no such row, a password its key does not
 * open…). No answer in time is reported per node with the reason, like a refusal. A node still marked up whose last
 * heartbeat is older than liveness allows (NODE_TTL_MS) is dead but not yet reaped: it is not asked (a frozen
 * process would hold the push for the whole timeout) and is reported as not reached, with its heartbeat's age.
 */
import { z } from 'zod';
import type { Logger } from '../log/index.js';
import type { RedisClient } from './abandon-counters.js';
import { answerAsks, askEnvelopeShape, openAsker, replyEnvelopeShape, type AskerOptions, type AskKind } from './ask-reply.js';
import { reason } from './redis-io.js';

/** Pushing a few objects to an Asterisk over HTTP takes longer than a hang-up: a node gets this long (wall ms). */
export const CONFIG_PUSH_TIMEOUT_MS = 8000;

const requestSchema = z.object({
  ...askEnvelopeShape,
  object: z.enum(['trunk', 'phone']),
  /** The trunk's name, or the agent's id. */
  name: z.string().min(1).max(128),
  /** A phone's new SIP password, sealed (engine/store secret-box, context `phone:<agent id>`). */
  sealedPassword: z.string().min(1).max(1024).optional(),
});
export type ConfigPushRequest = z.infer<typeof requestSchema>;

const answerSchema = z.object({
  result: z.enum(['pushed', 'refused', 'no-asterisk', 'failed']),
  /** The objects the node's Asterisk took, in order (also before a refusal). */
  pushed: z.array(z.string()),
  reason: z.string().optional(),
});
export type ConfigPushAnswer = z.infer<typeof answerSchema>;

const CONFIG_PUSH: AskKind<ConfigPushRequest, ConfigPushAnswer> = {
  name: 'config-push',
  what: 'config push',
  request: 'config push request',
  requestSchema,
  replySchema: answerSchema.extend(replyEnvelopeShape),
};

/** The seal context of a phone's password in transit: bound to the agent, so it opens for no other. */
export const phonePasswordContext = (agentId: string): string => `phone:${agentId}`;

/** One node's outcome, as the API reports it per node: what its Asterisk took, and why not all when not. */
export interface NodePushOutcome {
  node: string;
  pushed: string[];
  /** null when the node's Asterisk took every object. */
  error: string | null;
}

/** The API's side (ApiDeps.configPush); never rejects. */
export interface ConfigPushPort {
  /** Every running node but the API's own pushes trunk `name`, as stored, to its own Asterisk. */
  trunk(name: string): Promise<NodePushOutcome[]>;
  /** Node `nodeId` (the agent's) pushes the agent's phone with this password to its own Asterisk. */
  phone(nodeId: string, agentId: string, password: string): Promise<NodePushOutcome>;
}

export interface ConfigPushAsker extends ConfigPushPort {
  close(): Promise<void>;
}

/** A node marked up, as cluster_nodes holds it: its id and its last heartbeat (epoch ms, the node's clock). */
export interface UpNode {
  id: string;
  heartbeatAt: number;
}

export interface ConfigPushAskerOptions extends AskerOptions {
  /** The nodes to tell of a trunk: those marked up now but the API's own (whose Asterisk the API pushes to itself). */
  otherNodes(): Promise<UpNode[]>;
  /**
   * Node liveness's TTL (NODE_TTL_MS): a node whose last heartbeat is older than this at `now` is dead, not yet
   * reaped, and is not asked.
   */
  ttlMs: number;
  /** Seals a phone's password for its node (the shared key); null: no key configured, nothing can be sent. */
  seal: ((clear: string, context: string) => string) | null;
}

export async function configPushAsker(redis: RedisClient, o: ConfigPushAskerOptions): Promise<ConfigPushAsker> {
  const asker = await openAsker(redis, CONFIG_PUSH, { ...o, timeoutMs: o.timeoutMs ?? CONFIG_PUSH_TIMEOUT_MS });
  const now = o.now ?? Date.now;
  const ask = async (node: string, fields: Omit<ConfigPushRequest, keyof typeof askEnvelopeShape>): Promise<NodePushOutcome> => {
    const r = await asker.ask(node, fields);
    if (!r.answered) return { node, pushed: [], error: r.reason };
    const a = r.reply;
    return { node, pushed: a.pushed, error: a.result === 'pushed' ? null : (a.reason ?? a.result) };
  };
  /** Null when `n` may be asked; else why not (its heartbeat is older than liveness allows: dead, not yet reaped). */
  const stale = (n: UpNode, at: number): string | null => {
    const silentMs = at - n.heartbeatAt;
    if (silentMs <= o.ttlMs) return null;
    return `node ${n.id} not reached: its last heartbeat is ${(silentMs / 1000).toFixed(1)} s old (liveness allows ${(o.ttlMs / 1000).toFixed(1)} s), so it is taken for dead and was not asked`;
  };
  return {
    trunk: async (name) => {
      let nodes: UpNode[];
      try {
        nodes = await o.otherNodes();
      } catch (err) {
        o.logger.warn({ err: reason(err) }, 'could not read the running nodes: the trunk was pushed to this node only');
        return [];
      }
      const at = now();
      return Promise.all(
        nodes.map((n) => {
          const error = stale(n, at);
          return error === null ? ask(n.id, { object: 'trunk', name }) : Promise.resolve<NodePushOutcome>({ node: n.id, pushed: [], error });
        }),
      );
    },
    phone: async (node, agentId, password) => {
      if (o.seal === null) return { node, pushed: [], error: `no SECRETS_KEY (or JWT_SECRET) is set: the password cannot be sent to node ${node} sealed` };
      // The agent's node marked up with a heartbeat too old is not asked either; one that is not up at all (or a list
      // that cannot be read) is asked, and answers or not as before.
      const up = (await o.otherNodes().catch(() => [])).find((n) => n.id === node);
      const error = up === undefined ? null : stale(up, now());
      if (error !== null) return { node, pushed: [], error };
      return ask(node, { object: 'phone', name: agentId, sealedPassword: o.seal(password, phonePasswordContext(agentId)) });
    },
    close: () => asker.close(),
  };
}

export interface ConfigPushService {
  close(): Promise<void>;
}

/** Pushes one trunk or phone to this node's Asterisk: what it took, or why not. */
export type ConfigPushHandler = (req: Pick<ConfigPushRequest, 'object' | 'name' | 'sealedPassword'>) => Promise<ConfigPushAnswer>;

/** The node's side: hears the pushes addressed to `nodeId`, applies each with `handle` and logs what its Asterisk took. */
export function serveConfigPush(redis: RedisClient, nodeId: string, handle: ConfigPushHandler, o: { prefix?: string; logger: Logger }): Promise<ConfigPushService> {
  return answerAsks(redis, CONFIG_PUSH, nodeId, {
    prefix: o.prefix,
    logger: o.logger,
    handle: async (req) => {
      const a = await handle(req);
      const line = `${req.object} push asked by another process: ${a.result === 'pushed' ? "applied to this node's Asterisk" : a.result}`;
      const fields = { object: req.object, name: req.name, from: req.from, result: a.result, pushed: a.pushed, ...(a.reason === undefined ? {} : { reason: a.reason }) };
      if (a.result === 'pushed' || a.result === 'no-asterisk') o.logger.info(fields, line);
      else o.logger.warn(fields, line);
      return a;
    },
    failed: (req, err): ConfigPushAnswer => {
      o.logger.error({ err: reason(err), object: req.object, name: req.name, from: req.from }, 'config push failed');
      return { result: 'failed', pushed: [], reason: reason(err) };
    },
    logFields: (req) => ({ object: req.object, name: req.name }),
  });
}
