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
  /**
   * Who records (a hash field in every bucket): one per node process, e.g. `node-1:<boot id>`, so a node can read
   * the campaign without its own counts (`exclude`) while a previous process of the same node counts as another.
   * Default `default`.
   */
  member?: string;
}

export interface TotalsOptions {
  /** Leave this member's counts out (a node reading the other nodes' share). */
  exclude?: string;
}

export const MINUTE = 60_000;
export const HOUR = 3_600_000;
/** Minute buckets cover the edges of a window (at most two partial hours); hour buckets the rest, up to 31 days. */
const MINUTE_TTL_MS = 3 * HOUR;
const HOUR_TTL_MS = 31 * 24 * HOUR;

type Kind = 'drops' | 'live';

/**
 * The abandon governor's counts shared by every node of a campaign (#18): each node HINCRBYs the drops and live
 * answers it sees into time buckets in Redis (one hash per minute and one per hour, a field per recording node,
 * each with an expiry so nothing needs sweeping) and reads the campaign's totals over a window — all of them, or
 * the other nodes' only — so the 3 % limit holds for the campaign, not per node. Time is the caller's (`at`,
 * `from`, `to`: epoch ms from the engine's Clock); Redis' own clock only runs the expiries.
 */
export class SharedAbandonCounters {
  private readonly prefix: string;
  readonly member: string;

  constructor(
    private readonly redis: RedisClient,
    opts: SharedAbandonCountersOptions = {},
  ) {
    this.prefix = opts.prefix ?? 'centralita';
    this.member = opts.member ?? 'default';
  }

  private key(campaignId: string, kind: Kind, size: 'm' | 'h', bucket: number): string {
    return `${this.prefix}:abandon:${campaignId}:${kind}:${size}:${bucket}`;
  }

  /** Adds `n` drops or live answers at `at` (n may be negative: a live answer an agent found was a machine). */
  async record(campaignId: string, kind: Kind, at: number, n = 1): Promise<void> {
    const m = Math.floor(at / MINUTE) * MINUTE;
    const h = Math.floor(at / HOUR) * HOUR;
    const mk = this.key(campaignId, kind, 'm', m);
    const hk = this.key(campaignId, kind, 'h', h);
    await this.redis.multi().hIncrBy(mk, this.member, n).pExpire(mk, MINUTE_TTL_MS).hIncrBy(hk, this.member, n).pExpire(hk, HOUR_TTL_MS).exec();
  }

  /**
   * The campaign's drops and live answers over [from, to) across all nodes (or all but `exclude`), to the minute
   * (`from` and `to` are taken to their minute). Whole hours inside the window are read from hour buckets, the
   * edges from minute buckets; windows reaching back more than MINUTE_TTL_MS read their first partial hour from
   * minute buckets that may have expired, so callers use hour-aligned `from` for long windows (today, 30 days).
   */
  async totals(campaignId: string, from: number, to: number, opts: TotalsOptions = {}): Promise<AbandonCounts> {
    const start = Math.floor(from / MINUTE) * MINUTE;
    const end = Math.floor(to / MINUTE) * MINUTE;
    if (end <= start) return { drops: 0, live: 0 };
    const buckets: Array<{ size: 'm' | 'h'; at: number }> = [];
    const firstHour = Math.ceil(start / HOUR) * HOUR;
    const lastHour = Math.floor(end / HOUR) * HOUR;
    if (firstHour >= lastHour) {
      for (let t = start; t < end; t += MINUTE) buckets.push({ size: 'm', at: t });
    } else {
      for (let t = start; t < firstHour; t += MINUTE) buckets.push({ size: 'm', at: t });
      for (let t = firstHour; t < lastHour; t += HOUR) buckets.push({ size: 'h', at: t });
      for (let t = lastHour; t < end; t += MINUTE) buckets.push({ size: 'm', at: t });
    }
    const out: AbandonCounts = { drops: 0, live: 0 };
    for (const b of await this.read(campaignId, buckets, opts)) {
      out.drops += b.drops;
      out.live += b.live;
    }
    return out;
  }

  /** Per minute over [from, to) (minute-aligned, at most a few hours: minute buckets expire after 3 h). */
  /** Minute by minute, with the members (other than `exclude`) that counted something in each minute. */
  async minutes(campaignId: string, from: number, to: number, opts: TotalsOptions = {}): Promise<Array<AbandonCounts & { at: number; members: string[] }>> {
    const buckets: Array<{ size: 'm'; at: number }> = [];
    for (let t = Math.floor(from / MINUTE) * MINUTE; t < Math.floor(to / MINUTE) * MINUTE; t += MINUTE) buckets.push({ size: 'm', at: t });
    const counts = await this.read(campaignId, buckets, opts);
    return buckets.map((b, i) => ({ at: b.at, ...counts[i]! }));
  }

  private async read(campaignId: string, buckets: Array<{ size: 'm' | 'h'; at: number }>, opts: TotalsOptions): Promise<Array<AbandonCounts & { members: string[] }>> {
    const out = buckets.map(() => ({ drops: 0, live: 0, members: [] as string[] }));
    // One pipeline per 500 hashes: a 30-day window is ~1,500 buckets (720 hours, two kinds).
    const CHUNK = 250;
    for (let i = 0; i < buckets.length; i += CHUNK) {
      const chunk = buckets.slice(i, i + CHUNK);
      const multi = this.redis.multi();
      for (const b of chunk) {
        multi.hGetAll(this.key(campaignId, 'drops', b.size, b.at));
        multi.hGetAll(this.key(campaignId, 'live', b.size, b.at));
      }
      const replies = (await multi.execAsPipeline()) as unknown as Array<Record<string, string>>;
      chunk.forEach((_, j) => {
        out[i + j]!.drops = sumFields(replies[2 * j], opts.exclude);
        out[i + j]!.live = sumFields(replies[2 * j + 1], opts.exclude);
        out[i + j]!.members = [...new Set([...fieldsCounted(replies[2 * j], opts.exclude), ...fieldsCounted(replies[2 * j + 1], opts.exclude)])];
      });
    }
    return out;
  }
}

function fieldsCounted(h: Record<string, string> | undefined, exclude: string | undefined): string[] {
  return h ? Object.entries(h).filter(([member, v]) => member !== exclude && Number(v) !== 0).map(([member]) => member) : [];
}

function sumFields(h: Record<string, string> | undefined, exclude: string | undefined): number {
  let n = 0;
  if (!h) return 0;
  for (const [member, v] of Object.entries(h)) if (member !== exclude) n += Number(v);
  return n;
}
