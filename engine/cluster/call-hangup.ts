/**
 * A console hang-up of a call live on another node (#18). Only the engine that placed a call holds its channel, so an
 * API process whose own engine does not have the call asks the node that owns it (the CallLog's `node_id`) over
 * Redis pub/sub, and waits a bounded time for its answer:
 *
 * - the request goes to `<prefix>:call-hangup:<nodeId>`, a channel only that node subscribes to, so no other node
 *   ever acts on it (and PUBLISH's receiver count says at once whether the owner is listening at all);
 * - the node ends the call through its engine and answers on the asker's reply channel
 *   (`<prefix>:call-hangup-reply:<asker id>`, one per asking process, named in the request): `hung-up`, or
 *   `not-live` when its engine does not hold the call (it ended meanwhile, or was never live there);
 * - no answer within the bound (node down, stalled or cut off from Redis; Redis itself away) is an outcome of its
 *   own, `no-answer`, with the reason, so the API can say so rather than guess.
 *
 * Pub/sub delivers now or never (nothing is queued for a node that is away), so a request cannot be acted on
 * minutes later; a node stalled past the bound may still end the call just after the asker gave up.
 * Messages both ways are validated (zod); anything malformed is logged and dropped.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../log/index.js';
import type { RedisClient } from './abandon-counters.js';
import { closeSubscriber, openSubscriber, parseMessage } from './pubsub.js';
import { reason, within } from './redis-io.js';

/** How long an asker waits for the owner's answer by default (wall ms): an agent's click should not hang longer. */
export const CALL_HANGUP_TIMEOUT_MS = 2500;

export const callHangupChannel = (nodeId: string, prefix = 'centralita'): string => `${prefix}:call-hangup:${nodeId}`;
const replyChannelPrefix = (prefix: string): string => `${prefix}:call-hangup-reply:`;

const requestSchema = z.object({
  id: z.string().min(1).max(64),
  callId: z.string().min(1).max(64),
  /** The node addressed (the channel says it too; checked so a mis-published request is not acted on). */
  node: z.string().min(1),
  /** The asker's reply channel. */
  replyTo: z.string().min(1),
  /** Epoch ms (the asker's clock), for the logs. */
  at: z.number().int().nonnegative(),
  /** The asking process. */
  from: z.string().min(1),
});
export type CallHangupRequest = z.infer<typeof requestSchema>;

const replySchema = z.object({
  id: z.string().min(1),
  node: z.string().min(1),
  result: z.enum(['hung-up', 'not-live', 'failed']),
  /** Why, for `failed` (the node's engine threw). */
  reason: z.string().optional(),
});
type CallHangupReply = z.infer<typeof replySchema>;

/** What the owning node did, or that it did not say in time. */
export type CallHangupOutcome =
  | { outcome: 'hung-up'; node: string }
  | { outcome: 'not-live'; node: string }
  | { outcome: 'no-answer'; node: string; reason: string };

/** The API's side (ApiDeps.clusterHangup): asks `nodeId` to end `callId`; never rejects. */
export interface CallHangupPort {
  hangup(nodeId: string, callId: string): Promise<CallHangupOutcome>;
}

export interface CallHangupAsker extends CallHangupPort {
  close(): Promise<void>;
}

export interface CallHangupAskerOptions {
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
 * The asking side: one reply channel for this process, subscribed before the first request (an answer can never
 * come before its channel is listened to). `redis` stays the caller's; a connection of its own is opened for the
 * replies (a subscribed client can do nothing else).
 */
export async function callHangupAsker(redis: RedisClient, o: CallHangupAskerOptions): Promise<CallHangupAsker> {
  const prefix = o.prefix ?? 'centralita';
  const timeoutMs = o.timeoutMs ?? CALL_HANGUP_TIMEOUT_MS;
  const now = o.now ?? Date.now;
  const replyTo = `${replyChannelPrefix(prefix)}${randomBytes(8).toString('hex')}`;
  const pending = new Map<string, (r: CallHangupReply) => void>();
  const sub = await openSubscriber(
    redis,
    replyTo,
    (raw) => {
      const r = parseMessage(replySchema, raw);
      if (!r.ok) {
        o.logger.warn({ channel: replyTo, issues: r.issues }, 'ignored a malformed call hang-up reply');
        return;
      }
      // A reply after its request gave up finds nobody waiting: dropped.
      pending.get(r.data.id)?.(r.data);
    },
    'Redis (call hang-up replies)',
  );

  const hangup = async (nodeId: string, callId: string): Promise<CallHangupOutcome> => {
    const noAnswer = (why: string): CallHangupOutcome => ({ outcome: 'no-answer', node: nodeId, reason: why });
    // Without the reply connection no answer could be heard: say so at once instead of waiting the bound out.
    if (!sub.isReady) return noAnswer('Redis is not reachable from this API process');
    const parsed = requestSchema.safeParse({ id: randomBytes(8).toString('hex'), callId, node: nodeId, replyTo, at: now(), from: o.from });
    if (!parsed.success) return noAnswer(`not a valid request: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`);
    const request = parsed.data;
    let timer: NodeJS.Timeout | undefined;
    // One bound for the whole exchange, Redis I/O included.
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const replied = new Promise<CallHangupReply>((resolve) => pending.set(request.id, resolve));
    try {
      let receivers: number | 'timeout';
      try {
        const published = redis.publish(callHangupChannel(nodeId, prefix), JSON.stringify(request));
        published.catch(() => undefined); // settles after the deadline won: nobody awaits it any more
        receivers = await Promise.race([published, deadline]);
      } catch (err) {
        return noAnswer(`Redis did not take the request: ${reason(err)}`);
      }
      if (receivers === 'timeout') return noAnswer(`Redis did not take the request within ${timeoutMs} ms`);
      if (receivers === 0) return noAnswer(`node ${nodeId} is not listening (down, or running without REDIS_URL)`);
      const reply = await Promise.race([replied, deadline]);
      if (reply === 'timeout') return noAnswer(`node ${nodeId} did not answer within ${timeoutMs} ms`);
      if (reply.result === 'failed') return noAnswer(`node ${nodeId} could not hang up: ${reply.reason ?? 'unknown error'}`);
      return { outcome: reply.result, node: nodeId };
    } finally {
      clearTimeout(timer);
      pending.delete(request.id);
    }
  };

  return { hangup, close: () => closeSubscriber(sub, replyTo) };
}

export interface CallHangupService {
  /** Unsubscribes and closes the subscriber connection. */
  close(): Promise<void>;
}

/**
 * The node's side: hears the requests addressed to `nodeId` and answers each with what `hangup` did (`true`: the
 * engine is ending the call; `false`: it does not hold it). A `hangup` that throws answers `failed` with the reason
 * (and is logged). Replies go out on `redis`; the subscription has its own connection, which reconnects and
 * resubscribes by itself after an outage (requests sent meanwhile are lost: their askers time out).
 */
export async function serveCallHangups(
  redis: RedisClient,
  nodeId: string,
  hangup: (callId: string) => boolean | Promise<boolean>,
  o: { prefix?: string; logger: Logger },
): Promise<CallHangupService> {
  const prefix = o.prefix ?? 'centralita';
  const channel = callHangupChannel(nodeId, prefix);
  const answer = (req: CallHangupRequest, result: CallHangupReply['result'], why?: string) => {
    const reply: CallHangupReply = { id: req.id, node: nodeId, result, ...(why === undefined ? {} : { reason: why }) };
    within(redis.publish(req.replyTo, JSON.stringify(reply)), undefined, 'Redis (call hang-up reply)').catch((err: unknown) =>
      o.logger.warn({ err: reason(err), callId: req.callId, from: req.from }, 'could not answer a call hang-up request (the asker will time out)'),
    );
  };
  const sub = await openSubscriber(redis, channel, (raw) => {
    const r = parseMessage(requestSchema, raw);
    // Replies only ever go to this center's reply channels: a request cannot make the node publish anywhere else.
    if (!r.ok || r.data.node !== nodeId || !r.data.replyTo.startsWith(replyChannelPrefix(prefix))) {
      o.logger.warn({ channel, issues: r.ok ? ['node or replyTo: not this node / not a reply channel'] : r.issues }, 'ignored a malformed call hang-up request');
      return;
    }
    const req = r.data;
    Promise.resolve()
      .then(() => hangup(req.callId))
      .then(
        (ended) => {
          o.logger.info({ callId: req.callId, from: req.from, result: ended ? 'hung-up' : 'not-live' }, 'call hang-up asked by another process');
          answer(req, ended ? 'hung-up' : 'not-live');
        },
        (err: unknown) => {
          o.logger.error({ err: reason(err), callId: req.callId, from: req.from }, 'call hang-up failed');
          answer(req, 'failed', reason(err));
        },
      );
  }, 'Redis (call hang-ups)');
  return { close: () => closeSubscriber(sub, channel) };
}
