/**
 * A console command for an agent of another node (#18): log-in, ready, pause, log-out, or its live state. An agent's
 * phone registers to its node's Asterisk (agents.node_id) and only that node's engine holds its state, so an API
 * process whose engine does not hold the agent asks the owner over Redis pub/sub, with the same shape as the console's
 * hang-up (call-hangup.ts), through the one ask/reply exchange both use (ask-reply.ts):
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
import { z } from 'zod';
import type { AgentLiveState } from '../control/index.js';
import type { Logger } from '../log/index.js';
import type { RedisClient } from './abandon-counters.js';
import { answerAsks, askChannel, askEnvelopeShape, ASK_TIMEOUT_MS, replyEnvelopeShape, openAsker, type AskerOptions, type AskKind } from './ask-reply.js';
import { reason } from './redis-io.js';

/** How long an asker waits for the owner's answer by default (wall ms). */
export const AGENT_COMMAND_TIMEOUT_MS = ASK_TIMEOUT_MS;

export const AGENT_VERBS = ['login', 'ready', 'pause', 'logout', 'state'] as const;
export type AgentVerb = (typeof AGENT_VERBS)[number];

const requestSchema = z.object({
  ...askEnvelopeShape,
  agentId: z.string().min(1).max(128),
  verb: z.enum(AGENT_VERBS),
  /** The pause reason (`pause` only). */
  reason: z.string().min(1).max(200).optional(),
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

/** What the owning node answers for one request (the node's handler returns it). */
export type AgentCommandAnswer = { result: 'done'; state: AgentLiveState } | { result: AgentCommandRefusal; reason: string };

const AGENT_COMMAND: AskKind<AgentCommandRequest, AgentCommandAnswer> = {
  name: 'agent-command',
  what: 'agent command',
  request: 'agent command',
  requestSchema,
  replySchema: z.discriminatedUnion('result', [
    z.object({ ...replyEnvelopeShape, result: z.literal('done'), state: liveStateSchema }),
    z.object({ ...replyEnvelopeShape, result: z.enum(REFUSALS), reason: z.string() }),
  ]),
};

export const agentCommandChannel = (nodeId: string, prefix = 'centralita'): string => askChannel(AGENT_COMMAND, nodeId, prefix);

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

export type AgentCommandAskerOptions = AskerOptions;

/**
 * The asking side: one reply channel for this process, subscribed before the first request. `redis` stays the
 * caller's; the replies get a connection of their own.
 */
export async function agentCommandAsker(redis: RedisClient, o: AgentCommandAskerOptions): Promise<AgentCommandAsker> {
  const asker = await openAsker(redis, AGENT_COMMAND, o);
  const ask = async (nodeId: string, agentId: string, verb: AgentVerb, pauseReason?: string): Promise<AgentCommandOutcome> => {
    const r = await asker.ask(nodeId, { agentId, verb, ...(pauseReason === undefined ? {} : { reason: pauseReason }) });
    if (!r.answered) return { outcome: 'no-answer', node: nodeId, reason: r.reason };
    const reply = r.reply;
    if (reply.result === 'done') return { outcome: 'done', node: nodeId, state: reply.state };
    if (reply.result === 'failed') return { outcome: 'no-answer', node: nodeId, reason: `node ${nodeId} could not apply it: ${reply.reason}` };
    return { outcome: 'refused', node: nodeId, refusal: reply.result, reason: reply.reason };
  };
  return { ask, close: () => asker.close() };
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
export function serveAgentCommands(
  redis: RedisClient,
  nodeId: string,
  handle: AgentCommandHandler,
  o: { prefix?: string; logger: Logger },
): Promise<AgentCommandService> {
  return answerAsks(redis, AGENT_COMMAND, nodeId, {
    prefix: o.prefix,
    logger: o.logger,
    handle: async (req) => {
      const a = await handle({ agentId: req.agentId, verb: req.verb, ...(req.reason === undefined ? {} : { reason: req.reason }) });
      // A state read is not worth a log line each; a change is.
      if (req.verb !== 'state') o.logger.info({ agentId: req.agentId, verb: req.verb, from: req.from, result: a.result }, 'agent command asked by another process');
      return a;
    },
    failed: (req, err): AgentCommandAnswer => {
      o.logger.error({ err: reason(err), agentId: req.agentId, verb: req.verb, from: req.from }, 'agent command failed');
      return { result: 'failed', reason: reason(err) };
    },
    logFields: (req) => ({ agentId: req.agentId, verb: req.verb }),
  });
}
