/**
 * A console command for an agent of another node (#18): log-in, ready, pause, log-out, or its live state. An agent's
 * phone registers to its node's Asterisk (agents.node_id) and only that node's engine holds its state, so an API
 * process whose engine does not hold the agent asks the owner over Redis pub/sub, with the same shape as the console's
 * hang-up (call-hangup.ts):
 *
 * - the request goes to `<prefix>:agent-command:<nodeId>`, a channel only that node subscribes to (PUBLISH's receiver
 *   count says at once whether it listens at all);
 * - the node applies it to its engine and answers on the asker's reply channel (`<prefix>:agent-command-reply:<id>`)
 *   with the agent's live state after it (`done`), or a refusal the console can word: `unknown-agent` (no such agent,
 *   or its engine does not hold it on log-out/state), `not-this-node` (the row names another node now: it moved),
 *   `failed` (the engine threw; the reason);
 * - no answer within the bound is `no-answer` with the reason, so the API says 503 rather than guess.
 *
 * Pub/sub delivers now or never: a node that is away never acts on a request minutes later. Messages both ways are
 * validated (zod); anything malformed is logged and dropped.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AgentLiveState } from '../control/index.js';
import type { Logger } from '../log/index.js';
import type { RedisClient } from './abandon-counters.js';
import { closeSubscriber, openSubscriber, parseMessage } from './pubsub.js';
import { reason, within } from './redis-io.js';

/** How long an asker waits for the owner's answer by default (wall ms): an agent's click should not hang longer. */
export const AGENT_COMMAND_TIMEOUT_MS = 2500;

export const AGENT_VERBS = ['login', 'ready', 'pause', 'logout', 'state'] as const;
export type AgentVerb = (typeof AGENT_VERBS)[number];

export const agentCommandChannel = (nodeId: string, prefix = 'centralita'): string => `${prefix}:agent-command:${nodeId}`;
const replyChannelPrefix = (prefix: string): string => `${prefix}:agent-command-reply:`;

const requestSchema = z.object({
  id: z.string().min(1).max(64),
  agentId: z.string().min(1).max(128),
  verb: z.enum(AGENT_VERBS),
  /** The pause reason (`pause` only). */
  reason: z.string().min(1).max(200).optional(),
  /** The node addressed (the channel says it too; checked so a mis-published request is not acted on). */
  node: z.string().min(1),
  replyTo: z.string().min(1),
  /** Epoch ms (the asker's clock), for the logs. */
  at: z.number().int().nonnegative(),
  from: z.string().min(1),
});
export type AgentCommandRequest = z.infer<typeof requestSchema>;

const liveStateSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(['human', 'bot']),
  status: z.enum(['LOGGED_OUT', 'READY', 'RESERVED', 'TALKING', 'WRAP_UP', 'PAUSED']),
  pauseReason: z.string().nullable(),
  legUp: z.boolean(),
  calls: z.array(z.string()),
  since: z.number(),
  wrapUpMs: z.number().optional(),
}) satisfies z.ZodType<AgentLiveState>;

const REFUSALS = ['unknown-agent', 'not-this-node', 'failed'] as const;
export type AgentCommandRefusal = (typeof REFUSALS)[number];

const replySchema = z.discriminatedUnion('result', [
  z.object({ id: z.string().min(1), node: z.string().min(1), result: z.literal('done'), state: liveStateSchema }),
  z.object({ id: z.string().min(1), node: z.string().min(1), result: z.enum(REFUSALS), reason: z.string() }),
]);
type AgentCommandReply = z.infer<typeof replySchema>;

/** What the owning node answers for one request (the node's handler returns it). */
export type AgentCommandAnswer = { result: 'done'; state: AgentLiveState } | { result: AgentCommandRefusal; reason: string };

/** What the owning node did, or that it did not say in time. */
export type AgentCommandOutcome =
  | { outcome: 'done'; node: string; state: AgentLiveState }
  | { outcome: 'refused'; node: string; refusal: 'unknown-agent' | 'not-this-node'; reason: string }
  | { outcome: 'no-answer'; node: string; reason: string };

/** The API's side: asks `nodeId` to apply `verb` to `agentId`; never rejects. */
export interface AgentCommandPort {
  ask(nodeId: string, agentId: string, verb: AgentVerb, pauseReason?: string): Promise<AgentCommandOutcome>;
}

export interface AgentCommandAsker extends AgentCommandPort {
  close(): Promise<void>;
}

export interface AgentCommandAskerOptions {
  /** Key prefix (CLUSTER_PREFIX); default `centralita`. */
  prefix?: string;
  /** Who asks (logs on the node). */
  from: string;
  /** How long to wait for the owner's answer, Redis I/O included (wall ms); default 2500. */
  timeoutMs?: number;
  now?: () => number;
  logger: Logger;
}

/**
 * The asking side: one reply channel for this process, subscribed before the first request. `redis` stays the
 * caller's; the replies get a connection of their own.
 */
export async function agentCommandAsker(redis: RedisClient, o: AgentCommandAskerOptions): Promise<AgentCommandAsker> {
  const prefix = o.prefix ?? 'centralita';
  const timeoutMs = o.timeoutMs ?? AGENT_COMMAND_TIMEOUT_MS;
  const now = o.now ?? Date.now;
  const replyTo = `${replyChannelPrefix(prefix)}${randomBytes(8).toString('hex')}`;
  const pending = new Map<string, (r: AgentCommandReply) => void>();
  const sub = await openSubscriber(
    redis,
    replyTo,
    (raw) => {
      const r = parseMessage(replySchema, raw);
      if (!r.ok) {
        o.logger.warn({ channel: replyTo, issues: r.issues }, 'ignored a malformed agent command reply');
        return;
      }
      // A reply after its request gave up finds nobody waiting: dropped.
      pending.get(r.data.id)?.(r.data);
    },
    'Redis (agent command replies)',
  );

  const ask = async (nodeId: string, agentId: string, verb: AgentVerb, pauseReason?: string): Promise<AgentCommandOutcome> => {
    const noAnswer = (why: string): AgentCommandOutcome => ({ outcome: 'no-answer', node: nodeId, reason: why });
    if (!sub.isReady) return noAnswer('Redis is not reachable from this API process');
    const parsed = requestSchema.safeParse({
      id: randomBytes(8).toString('hex'),
      agentId,
      verb,
      ...(pauseReason === undefined ? {} : { reason: pauseReason }),
      node: nodeId,
      replyTo,
      at: now(),
      from: o.from,
    });
    if (!parsed.success) return noAnswer(`not a valid request: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    const request = parsed.data;
    let timer: NodeJS.Timeout | undefined;
    // One bound for the whole exchange, Redis I/O included.
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const replied = new Promise<AgentCommandReply>((resolve) => pending.set(request.id, resolve));
    try {
      let receivers: number | 'timeout';
      try {
        const published = redis.publish(agentCommandChannel(nodeId, prefix), JSON.stringify(request));
        published.catch(() => undefined); // settles after the deadline won: nobody awaits it any more
        receivers = await Promise.race([published, deadline]);
      } catch (err) {
        return noAnswer(`Redis did not take the request: ${reason(err)}`);
      }
      if (receivers === 'timeout') return noAnswer(`Redis did not take the request within ${timeoutMs} ms`);
      if (receivers === 0) return noAnswer(`node ${nodeId} is not listening (down, or running without REDIS_URL)`);
      const reply = await Promise.race([replied, deadline]);
      if (reply === 'timeout') return noAnswer(`node ${nodeId} did not answer within ${timeoutMs} ms`);
      if (reply.result === 'done') return { outcome: 'done', node: nodeId, state: reply.state };
      if (reply.result === 'failed') return noAnswer(`node ${nodeId} could not apply it: ${reply.reason}`);
      return { outcome: 'refused', node: nodeId, refusal: reply.result, reason: reply.reason };
    } finally {
      clearTimeout(timer);
      pending.delete(request.id);
    }
  };

  return { ask, close: () => closeSubscriber(sub, replyTo) };
}

export interface AgentCommandService {
  close(): Promise<void>;
}

/** Applies one request to this node's engine: the agent's state after it, or why not. */
export type AgentCommandHandler = (cmd: Pick<AgentCommandRequest, 'agentId' | 'verb' | 'reason'>) => AgentCommandAnswer | Promise<AgentCommandAnswer>;

/**
 * The node's side: hears the requests addressed to `nodeId` and answers each with what `handle` did. A handler that
 * throws answers `failed` with the reason (and is logged). The subscription reconnects and resubscribes by itself
 * after an outage (requests sent meanwhile are lost: their askers time out).
 */
export async function serveAgentCommands(
  redis: RedisClient,
  nodeId: string,
  handle: AgentCommandHandler,
  o: { prefix?: string; logger: Logger },
): Promise<AgentCommandService> {
  const prefix = o.prefix ?? 'centralita';
  const channel = agentCommandChannel(nodeId, prefix);
  const answer = (req: AgentCommandRequest, a: AgentCommandAnswer) => {
    const reply: AgentCommandReply = { id: req.id, node: nodeId, ...a };
    within(redis.publish(req.replyTo, JSON.stringify(reply)), undefined, 'Redis (agent command reply)').catch((err: unknown) =>
      o.logger.warn({ err: reason(err), agentId: req.agentId, verb: req.verb, from: req.from }, 'could not answer an agent command (the asker will time out)'),
    );
  };
  const sub = await openSubscriber(
    redis,
    channel,
    (raw) => {
      const r = parseMessage(requestSchema, raw);
      // Replies only ever go to this center's reply channels: a request cannot make the node publish anywhere else.
      if (!r.ok || r.data.node !== nodeId || !r.data.replyTo.startsWith(replyChannelPrefix(prefix))) {
        o.logger.warn({ channel, issues: r.ok ? ['node or replyTo: not this node / not a reply channel'] : r.issues }, 'ignored a malformed agent command');
        return;
      }
      const req = r.data;
      Promise.resolve()
        .then(() => handle({ agentId: req.agentId, verb: req.verb, ...(req.reason === undefined ? {} : { reason: req.reason }) }))
        .then(
          (a) => {
            // A state read is not worth a log line each; a change is.
            if (req.verb !== 'state') o.logger.info({ agentId: req.agentId, verb: req.verb, from: req.from, result: a.result }, 'agent command asked by another process');
            answer(req, a);
          },
          (err: unknown) => {
            o.logger.error({ err: reason(err), agentId: req.agentId, verb: req.verb, from: req.from }, 'agent command failed');
            answer(req, { result: 'failed', reason: reason(err) });
          },
        );
    },
    'Redis (agent commands)',
  );
  return { close: () => closeSubscriber(sub, channel) };
}
