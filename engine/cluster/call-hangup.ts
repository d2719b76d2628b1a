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
import { z } from 'zod';
import type { Logger } from '../log/index.js';
import type { RedisClient } from './abandon-counters.js';
import { answerAsks, askChannel, askEnvelopeShape, ASK_TIMEOUT_MS, replyEnvelopeShape, openAsker, type AskerOptions, type AskKind } from './ask-reply.js';
import { reason } from './redis-io.js';

/** How long an asker waits for the owner's answer by default (wall ms). */
export const CALL_HANGUP_TIMEOUT_MS = ASK_TIMEOUT_MS;

const requestSchema = z.object({ ...askEnvelopeShape, callId: z.string().min(1).max(64) });
export type CallHangupRequest = z.infer<typeof requestSchema>;

const answerSchema = z.object({
  result: z.enum(['hung-up', 'not-live', 'failed']),
  /** Why, for `failed` (the node's engine threw). */
  reason: z.string().optional(),
});
type CallHangupAnswer = z.infer<typeof answerSchema>;

const CALL_HANGUP: AskKind<CallHangupRequest, CallHangupAnswer> = {
  name: 'call-hangup',
  what: 'call hang-up',
  request: 'call hang-up request',
  requestSchema,
  replySchema: answerSchema.extend(replyEnvelopeShape),
};

export const callHangupChannel = (nodeId: string, prefix = 'centralita'): string => askChannel(CALL_HANGUP, nodeId, prefix);

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

export type CallHangupAskerOptions = AskerOptions;

/**
 * The asking side: one reply channel for this process, subscribed before the first request (an answer can never
 * come before its channel is listened to). `redis` stays the caller's; a connection of its own is opened for the
 * replies (a subscribed client can do nothing else).
 */
export async function callHangupAsker(redis: RedisClient, o: CallHangupAskerOptions): Promise<CallHangupAsker> {
  const asker = await openAsker(redis, CALL_HANGUP, o);
  const hangup = async (nodeId: string, callId: string): Promise<CallHangupOutcome> => {
    const r = await asker.ask(nodeId, { callId });
    if (!r.answered) return { outcome: 'no-answer', node: nodeId, reason: r.reason };
    if (r.reply.result === 'failed') return { outcome: 'no-answer', node: nodeId, reason: `node ${nodeId} could not hang up: ${r.reply.reason ?? 'unknown error'}` };
    return { outcome: r.reply.result, node: nodeId };
  };
  return { hangup, close: () => asker.close() };
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
export function serveCallHangups(
  redis: RedisClient,
  nodeId: string,
  hangup: (callId: string) => boolean | Promise<boolean>,
  o: { prefix?: string; logger: Logger },
): Promise<CallHangupService> {
  return answerAsks(redis, CALL_HANGUP, nodeId, {
    prefix: o.prefix,
    logger: o.logger,
    handle: async (req) => {
      const result = (await hangup(req.callId)) ? 'hung-up' : 'not-live';
      o.logger.info({ callId: req.callId, from: req.from, result }, 'call hang-up asked by another process');
      return { result };
    },
    failed: (req, err) => {
      o.logger.error({ err: reason(err), callId: req.callId, from: req.from }, 'call hang-up failed');
      return { result: 'failed', reason: reason(err) };
    },
    logFields: (req) => ({ callId: req.callId }),
  });
}
