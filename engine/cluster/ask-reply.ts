/**
 * One question asked of one node over Redis pub/sub, and its answer (#18): what the console's hang-up of a call
 * live elsewhere (call-hangup.ts) and a command for another node's agent (agent-commands.ts) share.
 *
 * - the request goes to `<prefix>:<name>:<nodeId>`, a channel only that node subscribes to (PUBLISH's receiver count
 *   says at once whether it listens at all), naming the asker's reply channel (`<prefix>:<name>-reply:<asker id>`,
 *   one per asking process, subscribed before the first request: an answer never comes before it is listened to);
 * - the node answers there with the request's id; a reply after its request gave up finds nobody waiting;
 * - one bound covers the whole exchange, Redis I/O included: no answer within it is `noAnswer` with the reason.
 *
 * Pub/sub delivers now or never: a node that is away never acts on a request minutes later. Messages both ways are
 * validated (zod); anything malformed is logged and dropped. A node replies only on this center's reply channels:
 * a request cannot make it publish anywhere else.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../log/index.js';
import type { RedisClient } from './abandon-counters.js';
import { closeSubscriber, openSubscriber, parseMessage } from './pubsub.js';
import { reason, within } from './redis-io.js';

/** What every request carries, whatever it asks. */
export interface AskEnvelope {
  id: string;
  /** The node addressed (the channel says it too; checked so a mis-published request is not acted on). */
  node: string;
  /** The asker's reply channel. */
  replyTo: string;
  /** Epoch ms (the asker's clock), for the logs. */
  at: number;
  /** The asking process. */
  from: string;
}

/** The envelope's fields as checked (zod), for a kind's request schema: `z.object({ ...askEnvelopeShape, callId })`. */
export const askEnvelopeShape = {
  id: z.string().min(1).max(64),
  node: z.string().min(1),
  replyTo: z.string().min(1),
  at: z.number().int().nonnegative(),
  from: z.string().min(1),
};

/** What every reply carries besides the answer. */
export interface ReplyEnvelope {
  id: string;
  node: string;
}

/** One kind of question: its channels, its messages and the words its log lines use. */
export interface AskKind<Req extends AskEnvelope, A> {
  /** `call-hangup`: requests on `<prefix>:call-hangup:<node>`, replies on `<prefix>:call-hangup-reply:<asker>`. */
  name: string;
  /** `call hang-up`: "ignored a malformed call hang-up reply", "Redis (call hang-up replies)". */
  what: string;
  /** How a request is called in the node's log lines: `call hang-up request`, `agent command`. */
  request: string;
  requestSchema: z.ZodType<Req>;
  replySchema: z.ZodType<ReplyEnvelope & A>;
}

export const askChannel = (kind: Pick<AskKind<AskEnvelope, unknown>, 'name'>, nodeId: string, prefix: string): string => `${prefix}:${kind.name}:${nodeId}`;
const replyChannelPrefix = (kind: Pick<AskKind<AskEnvelope, unknown>, 'name'>, prefix: string): string => `${prefix}:${kind.name}-reply:`;

/** The reply envelope's fields as checked, for a kind's reply schema. */
export const replyEnvelopeShape = { id: z.string().min(1), node: z.string().min(1) };

/** The owner's answer, or why there is none. */
export type AskResult<A> = { answered: true; reply: ReplyEnvelope & A } | { answered: false; reason: string };

export interface Asker<Req extends AskEnvelope, A> {
  /** Asks `nodeId` the request made of `fields`; never rejects. */
  ask(nodeId: string, fields: Omit<Req, keyof AskEnvelope>): Promise<AskResult<A>>;
  close(): Promise<void>;
}

/** How long an asker waits for the owner's answer by default (wall ms): an agent's click should not hang longer. */
export const ASK_TIMEOUT_MS = 2500;

export interface AskerOptions {
  /** Key prefix (CLUSTER_PREFIX); default `centralita`. */
  prefix?: string;
  /** Who asks (logs on the node): a node id or an API process name. */
  from: string;
  /** How long to wait for the owner's answer, Redis I/O included (wall ms); default 2500. */
  timeoutMs?: number;
  /** The asker's clock for the request's `at` (wall clock by default). */
  now?: () => number;
  logger: Logger;
}

/**
 * The asking side: one reply channel for this process. `redis` stays the caller's; the replies get a connection of
 * their own (a subscribed client can do nothing else).
 */
export async function openAsker<Req extends AskEnvelope, A>(redis: RedisClient, kind: AskKind<Req, A>, o: AskerOptions): Promise<Asker<Req, A>> {
  const prefix = o.prefix ?? 'centralita';
  const timeoutMs = o.timeoutMs ?? ASK_TIMEOUT_MS;
  const now = o.now ?? Date.now;
  const replyTo = `${replyChannelPrefix(kind, prefix)}${randomBytes(8).toString('hex')}`;
  const pending = new Map<string, (r: ReplyEnvelope & A) => void>();
  const sub = await openSubscriber(
    redis,
    replyTo,
    (raw) => {
      const r = parseMessage(kind.replySchema, raw);
      if (!r.ok) {
        o.logger.warn({ channel: replyTo, issues: r.issues }, `ignored a malformed ${kind.what} reply`);
        return;
      }
      // A reply after its request gave up finds nobody waiting: dropped.
      pending.get(r.data.id)?.(r.data);
    },
    `Redis (${kind.what} replies)`,
  );

  const ask = async (nodeId: string, fields: Omit<Req, keyof AskEnvelope>): Promise<AskResult<A>> => {
    const noAnswer = (why: string): AskResult<A> => ({ answered: false, reason: why });
    // Without the reply connection no answer could be heard: say so at once instead of waiting the bound out.
    if (!sub.isReady) return noAnswer('Redis is not reachable from this API process');
    const parsed = kind.requestSchema.safeParse({ id: randomBytes(8).toString('hex'), ...fields, node: nodeId, replyTo, at: now(), from: o.from });
    if (!parsed.success) return noAnswer(`not a valid request: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    const request = parsed.data;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const replied = new Promise<ReplyEnvelope & A>((resolve) => pending.set(request.id, resolve));
    try {
      let receivers: number | 'timeout';
      try {
        const published = redis.publish(askChannel(kind, nodeId, prefix), JSON.stringify(request));
        published.catch(() => undefined); // settles after the deadline won: nobody awaits it any more
        receivers = await Promise.race([published, deadline]);
      } catch (err) {
        return noAnswer(`Redis did not take the request: ${reason(err)}`);
      }
      if (receivers === 'timeout') return noAnswer(`Redis did not take the request within ${timeoutMs} ms`);
      if (receivers === 0) return noAnswer(`node ${nodeId} is not listening (down, or running without REDIS_URL)`);
      const reply = await Promise.race([replied, deadline]);
      if (reply === 'timeout') return noAnswer(`node ${nodeId} did not answer within ${timeoutMs} ms`);
      return { answered: true, reply };
    } finally {
      clearTimeout(timer);
      pending.delete(request.id);
    }
  };

  return { ask, close: () => closeSubscriber(sub, replyTo) };
}

export interface AnswerService {
  /** Unsubscribes and closes the subscriber connection. */
  close(): Promise<void>;
}

export interface AnswerOptions<Req extends AskEnvelope, A> {
  /** Key prefix (CLUSTER_PREFIX); default `centralita`. */
  prefix?: string | undefined;
  logger: Logger;
  /** What the node does for one request (and logs); its answer goes back as is. */
  handle(req: Req): A | Promise<A>;
  /** The answer when `handle` threw (the caller logs it). */
  failed(req: Req, err: unknown): A;
  /** Fields that name a request in the log line of an answer that could not be sent. */
  logFields(req: Req): Record<string, unknown>;
}

/**
 * The node's side: hears the requests addressed to `nodeId` and answers each with what `handle` did. Replies go
 * out on `redis`; the subscription has its own connection, which reconnects and resubscribes by itself after an
 * outage (requests sent meanwhile are lost: their askers time out).
 */
export async function answerAsks<Req extends AskEnvelope, A>(redis: RedisClient, kind: AskKind<Req, A>, nodeId: string, o: AnswerOptions<Req, A>): Promise<AnswerService> {
  const prefix = o.prefix ?? 'centralita';
  const channel = askChannel(kind, nodeId, prefix);
  const replies = replyChannelPrefix(kind, prefix);
  const article = /^[aeiou]/i.test(kind.request) ? 'an' : 'a';
  const answer = (req: Req, a: A) => {
    const reply = { id: req.id, node: nodeId, ...a };
    within(redis.publish(req.replyTo, JSON.stringify(reply)), undefined, `Redis (${kind.what} reply)`).catch((err: unknown) =>
      o.logger.warn({ err: reason(err), ...o.logFields(req), from: req.from }, `could not answer ${article} ${kind.request} (the asker will time out)`),
    );
  };
  const sub = await openSubscriber(
    redis,
    channel,
    (raw) => {
      const r = parseMessage(kind.requestSchema, raw);
      if (!r.ok || r.data.node !== nodeId || !r.data.replyTo.startsWith(replies)) {
        o.logger.warn({ channel, issues: r.ok ? ['node or replyTo: not this node / not a reply channel'] : r.issues }, `ignored a malformed ${kind.request}`);
        return;
      }
      const req = r.data;
      Promise.resolve()
        .then(() => o.handle(req))
        .then(
          (a) => answer(req, a),
          (err: unknown) => answer(req, o.failed(req, err)),
        );
    },
    `Redis (${kind.what}s)`,
  );
  return { close: () => closeSubscriber(sub, channel) };
}
