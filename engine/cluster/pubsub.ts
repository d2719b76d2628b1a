/**
 * What the cluster's pub/sub messages share (campaign commands, call hang-ups): a message is JSON checked with zod
 * (anything else is dropped with its issues named), and each subscription has a connection of its own (a
 * subscribed node-redis client can do nothing else) that is cut when Redis does not answer.
 */
import type { z } from 'zod';
import type { RedisClient } from './abandon-counters.js';
import { within } from './redis-io.js';

/** A message's JSON checked against `schema`: its data, or the issues (`path: message`) that refused it. */
export function parseMessage<T>(schema: z.ZodType<T>, raw: string): { ok: true; data: T } | { ok: false; issues: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    json = undefined;
  }
  const r = schema.safeParse(json);
  return r.success ? { ok: true, data: r.data } : { ok: false, issues: r.error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`) };
}

/** A connection of its own subscribed to `channel` (a subscribed client can do nothing else); cut when that fails. */
export async function openSubscriber(redis: RedisClient, channel: string, listener: (raw: string) => void, what: string): Promise<RedisClient> {
  const sub = redis.duplicate();
  sub.on('error', () => {});
  try {
    await within(sub.connect(), undefined, what);
    await within(sub.subscribe(channel, listener), undefined, what);
    return sub;
  } catch (err) {
    sub.destroy();
    throw err;
  }
}

/** Closes a subscriber connection, cutting it when Redis does not answer. */
export async function closeSubscriber(sub: RedisClient, channel: string): Promise<void> {
  try {
    await within(sub.unsubscribe(channel), 1000);
    await within(sub.close(), 1000);
  } catch {
    // Redis away: cut the connection.
  } finally {
    try {
      sub.destroy();
    } catch {
      // Already closed.
    }
  }
}
