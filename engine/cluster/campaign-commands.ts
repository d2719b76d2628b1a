/**
 * Campaign commands over Redis pub/sub (#18), the fast path: the API node that starts, pauses or stops a campaign
 * publishes it once and every engine node subscribed applies it at once. It is a nudge, not the record: the
 * campaign's state in PostgreSQL stays the source of truth (a node that was down, or joins later, or missed a
 * message while Redis was away, picks the state up from its polling of the store), so a lost message only costs
 * the polling period. Messages are validated; anything malformed is logged and dropped.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../log/index.js';
import type { RedisClient } from './abandon-counters.js';
import { closeSubscriber, openSubscriber, parseMessage } from './pubsub.js';
import { reason, within } from './redis-io.js';

export const CAMPAIGN_ACTIONS = ['start', 'pause', 'stop'] as const;
export type CampaignAction = (typeof CAMPAIGN_ACTIONS)[number];

const commandSchema = z.object({
  id: z.string().min(1),
  campaignId: z.string().min(1),
  action: z.enum(CAMPAIGN_ACTIONS),
  /** Epoch ms (the publisher's clock). */
  at: z.number().int().nonnegative(),
  /** The node (or API process) that published it. */
  from: z.string().min(1),
});
export type CampaignCommand = z.infer<typeof commandSchema>;

export interface CampaignCommandOptions {
  /** Key prefix (several centers or tests on one Redis); default `centralita`. */
  prefix?: string;
}

export const campaignCommandChannel = (prefix = 'centralita'): string => `${prefix}:campaign-commands`;

/**
 * Publishes a command to every subscribed node; resolves with how many subscribers Redis delivered it to (0 is
 * fine: the nodes pick the state up from the store). Rejects when Redis does not take it within the deadline.
 */
export async function publishCampaignCommand(
  redis: RedisClient,
  cmd: Omit<CampaignCommand, 'id'> & { id?: string },
  opts: CampaignCommandOptions = {},
): Promise<number> {
  const msg: CampaignCommand = commandSchema.parse({ ...cmd, id: cmd.id ?? randomBytes(8).toString('hex') });
  return within(redis.publish(campaignCommandChannel(opts.prefix), JSON.stringify(msg)), undefined, 'Redis (campaign command)');
}

export interface CampaignCommandSubscription {
  /** Unsubscribes and closes the subscriber connection. */
  close(): Promise<void>;
}

/**
 * Calls `handler` with every valid command published under the prefix. Opens its own connection (a subscribed
 * node-redis client can do nothing else) from `redis`, which stays the caller's. The connection reconnects and
 * resubscribes by itself after an outage; messages published meanwhile are lost (the store has them). A handler
 * that throws or rejects is logged; the next message is delivered as usual.
 */
export async function subscribeCampaignCommands(
  redis: RedisClient,
  handler: (cmd: CampaignCommand) => void | Promise<void>,
  opts: CampaignCommandOptions & { logger: Logger },
): Promise<CampaignCommandSubscription> {
  const channel = campaignCommandChannel(opts.prefix);
  const sub = await openSubscriber(
    redis,
    channel,
    (raw) => {
      const r = parseMessage(commandSchema, raw);
      if (!r.ok) {
        opts.logger.warn({ channel, issues: r.issues }, 'ignored a malformed campaign command');
        return;
      }
      Promise.resolve()
        .then(() => handler(r.data))
        .catch((err: unknown) => opts.logger.error({ err: reason(err), command: r.data }, 'campaign command handler failed'));
    },
    'Redis (campaign commands)',
  );
  return { close: () => closeSubscriber(sub, channel) };
}
