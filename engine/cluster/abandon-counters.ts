import type { createClient } from 'redis';

/** A node-redis client (REDIS_URL), connected by the caller. */
export type RedisClient = ReturnType<typeof createClient>;

export interface AbandonCounts {
  /** Dropped live answers (answered, not connected to an agent within 2 s). */
  drops: number;
  /** Live answers. */
  live: number;
}

export interface SharedAbandonCountersOptions {
  /** Key prefix (several centers, or tests, on one Redis). Default `centralita`. */
  prefix?: string;
}

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** Minute buckets cover the edges of a window (at most two partial hours); hour buckets the rest, up to 31 days. */
const MINUTE_TTL_MS = 3 * HOUR;
const HOUR_TTL_MS = 31 * 24 * HOUR;

/**
 * The abandon governor's counts shared by every node of a campaign (#18): each node INCRs the drops and live
 * answers it sees into time buckets in Redis (one per minute and one per hour, each with an expiry so nothing
 * needs sweeping) and reads the campaign's totals over a window, so the 3 % limit holds for the campaign, not
 * per node. Time is the caller's (`at`, `from`, `to`: epoch ms from the engine's Clock); Redis' own clock only
 * runs the expiries.
 *
 * A building block: the governor (engine/pacing) still counts per node; wiring it to these totals is the next step.
 */
export class SharedAbandonCounters {
  private readonly prefix: string;

  constructor(
    private readonly redis: RedisClient,
    opts: SharedAbandonCountersOptions = {},
  ) {
    this.prefix = opts.prefix ?? 'centralita';
  }

  private key(campaignId: string, kind: 'drops' | 'live', size: 'm' | 'h', bucket: number): string {
    return `${this.prefix}:abandon:${campaignId}:${kind}:${size}:${bucket}`;
  }

  /** Adds `n` drops or live answers at `at` (one MULTI: both buckets and their expiries). */
  async record(campaignId: string, kind: 'drops' | 'live', at: number, n = 1): Promise<void> {
    const m = Math.floor(at / MINUTE) * MINUTE;
    const h = Math.floor(at / HOUR) * HOUR;
    const mk = this.key(campaignId, kind, 'm', m);
    const hk = this.key(campaignId, kind, 'h', h);
    await this.redis.multi().incrBy(mk, n).pExpire(mk, MINUTE_TTL_MS).incrBy(hk, n).pExpire(hk, HOUR_TTL_MS).exec();
  }

  /**
   * The campaign's drops and live answers over [from, to) across all nodes, to the minute (`from` and `to` are
   * taken to their minute). Whole hours inside the window are read from hour buckets, the edges from minute
   * buckets; windows reaching back more than MINUTE_TTL_MS read their first partial hour from minute buckets that
   * may have expired, so callers use hour-aligned `from` for long windows (today, 30 days).
   */
  async totals(campaignId: string, from: number, to: number): Promise<AbandonCounts> {
    const start = Math.floor(from / MINUTE) * MINUTE;
    const end = Math.floor(to / MINUTE) * MINUTE;
    if (end <= start) return { drops: 0, live: 0 };
    const keys: Array<{ kind: 'drops' | 'live'; key: string }> = [];
    const add = (size: 'm' | 'h', bucket: number) => {
      for (const kind of ['drops', 'live'] as const) keys.push({ kind, key: this.key(campaignId, kind, size, bucket) });
    };
    const firstHour = Math.ceil(start / HOUR) * HOUR;
    const lastHour = Math.floor(end / HOUR) * HOUR;
    if (firstHour >= lastHour) {
      for (let t = start; t < end; t += MINUTE) add('m', t);
    } else {
      for (let t = start; t < firstHour; t += MINUTE) add('m', t);
      for (let t = firstHour; t < lastHour; t += HOUR) add('h', t);
      for (let t = lastHour; t < end; t += MINUTE) add('m', t);
    }
    const out: AbandonCounts = { drops: 0, live: 0 };
    for (let i = 0; i < keys.length; i += 500) {
      const chunk = keys.slice(i, i + 500);
      const values = await this.redis.mGet(chunk.map((k) => k.key));
      chunk.forEach((k, j) => {
        out[k.kind] += Number(values[j] ?? 0);
      });
    }
    return out;
  }
}
