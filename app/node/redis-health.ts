/**
 * The Redis part of a node's GET /health (#18): whether Redis is configured and reachable, the shared abandon
 * counts (state, and per campaign the other nodes' last hour as last read: the governor is fed the campaign's
 * counts), the commands and hang-up requests subscriptions and the cluster board. Without REDIS_URL the node says so and is fine: it
 * governs on its own counts and serves no board. With it, Redis away makes the node `degraded` (like the
 * single-node product's /health): it still dials, on its own counts, and recovers by itself.
 */
import type { ClusterHealth } from '../../engine/cluster/index.js';
import type { OtherNodesCounts } from '../../engine/pacing/index.js';

export interface RedisHealthSource {
  health(): ClusterHealth;
  sharedAbandon: { lastRead(campaignId: string): { others: OtherNodesCounts; readAt: number } | null };
}

export interface RedisHealth {
  /** False only when Redis is configured and something of it is degraded. */
  ok: boolean;
  redis: { configured: false } | { configured: true; ok: boolean; url: string; connected: boolean; commandsSubscribed: boolean; hangupsSubscribed: boolean };
  abandon: (ClusterHealth['abandon'] & { others: Record<string, { hour: OtherNodesCounts['hour']; today: OtherNodesCounts['today']; readAt: number }> }) | null;
  board: ClusterHealth['board'];
}

export function redisHealth(cluster: RedisHealthSource | null, campaignIds: readonly string[]): RedisHealth {
  if (!cluster) return { ok: true, redis: { configured: false }, abandon: null, board: null };
  const h = cluster.health();
  const others: NonNullable<RedisHealth['abandon']>['others'] = {};
  for (const id of campaignIds) {
    const r = cluster.sharedAbandon.lastRead(id);
    if (r) others[id] = { hour: r.others.hour, today: r.others.today, readAt: r.readAt };
  }
  const ok = h.redis.connected && h.abandon.state !== 'degraded' && h.board?.state !== 'degraded';
  return {
    ok,
    redis: { configured: true, ok, url: h.redis.url, connected: h.redis.connected, commandsSubscribed: h.commands.subscribed, hangupsSubscribed: h.hangups.subscribed },
    abandon: { ...h.abandon, others },
    board: h.board,
  };
}
