/**
 * The engine's `SharedAbandonPort` on Redis (#18): what the node's engine records goes to the campaign's shared
 * counters, and about once a second the campaign's other nodes' counts are read for its governor. Engine time
 * (the Clock) drives it; Redis I/O is bounded by wall-clock deadlines.
 *
 * Redis unreachable: `others` answers null at once, so the governor decides on the node's own counts — every node
 * holding its own rate within the target keeps the campaign within it too (a ratio of sums never exceeds the
 * largest of the ratios), it only stops sharing the budget. The counts recorded meanwhile wait (merged per
 * campaign, kind and minute, bounded) and are written when Redis answers again; the status says all of it and the
 * node recovers by itself.
 */
import { randomBytes } from 'node:crypto';
import type { Clock, TimerHandle } from '../clock/index.js';
import type { Logger } from '../log/index.js';
import type { OtherNodesCounts } from '../pacing/index.js';
import type { SharedAbandonPort } from '../shell/index.js';
import { HOUR, MINUTE, SharedAbandonCounters, type RedisClient } from './abandon-counters.js';
import { reason, within } from './redis-io.js';

const DAY = 24 * HOUR;
/** A node with counts in this many last minutes (the current one included) counts as dialling the campaign. */
const ACTIVE_MINUTES = 5;
/** `<nodeId>:<boot id>` → the node id. */
const nodeOfMember = (member: string): string => {
  const i = member.lastIndexOf(':');
  return i > 0 ? member.slice(0, i) : member;
};

export interface ClusterAbandonOptions {
  redis: RedisClient;
  nodeId: string;
  clock: Clock;
  logger: Logger;
  /** This process' field in the shared buckets; default `<nodeId>:<random>` (a restarted node is another member). */
  member?: string;
  /** Key prefix (several centers or tests on one Redis); default `centralita`. */
  prefix?: string;
  /** How often the other nodes' counts are read (engine ms, default 1000). */
  refreshMs?: number;
  /** Counts older than this are not given to the governor (engine ms, default 5000). */
  staleMs?: number;
  /** Today's totals are read this often (engine ms, default 10 000); the hour every refresh, past days once a day. */
  todayEveryMs?: number;
  /** Days of the long window (the governor's `days`, default 30). */
  days?: number;
  /** Deadline of one Redis round (wall ms, default 2000). */
  opTimeoutMs?: number;
  /** Campaign/kind/minute counts kept while Redis is unreachable (default 10 000; the oldest go first). */
  maxPending?: number;
}

export interface SharedAbandonStatus {
  /** `ok`: the last read and write went through; `degraded`: Redis unreachable, governing on own counts. */
  state: 'starting' | 'ok' | 'degraded';
  /** Engine ms since the state holds. */
  since: number;
  lastError: string | null;
  /** Counts recorded but not yet written (kept while Redis is unreachable). */
  pendingRecords: number;
  /** Counts given up because too many waited. */
  lostRecords: number;
  /** Campaigns whose other nodes' counts are being read. */
  campaigns: number;
  /** Engine ms of the last successful read, null before. */
  lastReadAt: number | null;
}

interface CampaignRead {
  others: OtherNodesCounts;
  readAt: number;
  today: { answers: number; drops: number; at: number } | null;
  pastDays: { answers: number; drops: number; day: number } | null;
}

export class ClusterAbandon implements SharedAbandonPort {
  readonly counters: SharedAbandonCounters;
  readonly member: string;
  private readonly pending = new Map<string, { campaignId: string; kind: 'drops' | 'live'; at: number; n: number }>();
  private readonly asked = new Map<string, number>();
  private readonly reads = new Map<string, CampaignRead>();
  private state: SharedAbandonStatus['state'] = 'starting';
  private since: number;
  private lastError: string | null = null;
  private lostRecords = 0;
  private lastReadAt: number | null = null;
  private timer: TimerHandle | undefined;
  private busy: Promise<void> | null = null;
  private closed = false;

  constructor(private readonly o: ClusterAbandonOptions) {
    this.member = o.member ?? `${o.nodeId}:${randomBytes(3).toString('hex')}`;
    this.counters = new SharedAbandonCounters(o.redis, { member: this.member, ...(o.prefix ? { prefix: o.prefix } : {}) });
    this.since = o.clock.now();
    this.timer = o.clock.setInterval(() => void this.refresh(), o.refreshMs ?? 1000);
  }

  record(campaignId: string, kind: 'drops' | 'live', at: number, n = 1): void {
    if (this.closed) return;
    const minute = Math.floor(at / MINUTE) * MINUTE;
    const key = `${campaignId}\u0000${kind}\u0000${minute}`;
    const cur = this.pending.get(key);
    if (cur) cur.n += n;
    else this.pending.set(key, { campaignId, kind, at: minute, n });
    const max = this.o.maxPending ?? 10_000;
    while (this.pending.size > max) {
      const oldest = this.pending.keys().next().value as string;
      this.pending.delete(oldest);
      this.lostRecords++;
    }
    // Written at once when Redis is there (the other nodes see it on their next read); else by the next refresh.
    if (this.state !== 'degraded' && !this.busy) void this.run(() => this.flush());
  }

  others(campaignId: string, now: number): OtherNodesCounts | null {
    this.asked.set(campaignId, now);
    if (this.state !== 'ok') return null;
    const r = this.reads.get(campaignId);
    if (!r || now - r.readAt > (this.o.staleMs ?? 5000)) return null;
    return r.others;
  }

  /**
   * The other nodes' counts last read for a campaign (for /health: shows the governor is fed), without asking for
   * the campaign the way `others` does, so reading /health keeps no campaign being read.
   */
  lastRead(campaignId: string): { others: OtherNodesCounts; readAt: number } | null {
    const r = this.reads.get(campaignId);
    return r ? { others: r.others, readAt: r.readAt } : null;
  }

  status(): SharedAbandonStatus {
    return {
      state: this.state,
      since: this.since,
      lastError: this.lastError,
      pendingRecords: this.pending.size,
      lostRecords: this.lostRecords,
      campaigns: this.asked.size,
      lastReadAt: this.lastReadAt,
    };
  }

  /** One round now (tests; the timer calls it every `refreshMs`): write what waits, read the campaigns asked about. */
  refresh(): Promise<void> {
    return this.run(async () => {
      await this.flush();
      await this.readAll();
    });
  }

  /**
   * Resolves when the Redis round in flight, if any, is done (at once when none is). For a host that drives the
   * clock faster than real time (a simulation, a virtual-clock test): waiting here keeps Redis I/O at about zero
   * clock time, as it is next to the 1 s refresh and 5 s staleness in real time.
   */
  settled(): Promise<void> {
    return this.busy ?? Promise.resolve();
  }

  /** Stops the timer and writes what waits (bounded). The Redis client is the caller's. */
  async close(): Promise<void> {
    this.o.clock.clearInterval(this.timer);
    await this.busy?.catch(() => undefined);
    await this.run(() => this.flush()).catch(() => undefined);
    this.closed = true;
  }

  /** One round at a time; a failure marks the state degraded and is never thrown to the engine. */
  private run(fn: () => Promise<void>): Promise<void> {
    if (this.busy) return this.busy;
    const p = fn()
      .then(() => this.mark('ok', null))
      .catch((err: unknown) => this.mark('degraded', reason(err)))
      .finally(() => {
        this.busy = null;
      });
    this.busy = p;
    return p;
  }

  private mark(state: 'ok' | 'degraded', err: string | null): void {
    if (state === 'degraded') this.lastError = err;
    if (state === this.state) return;
    const was = this.state;
    this.state = state;
    this.since = this.o.clock.now();
    if (state === 'degraded') {
      this.o.logger.warn({ err, pendingRecords: this.pending.size }, "Redis unreachable: the abandon governor decides on this node's own counts until it answers");
    } else if (was === 'degraded') {
      this.o.logger.info({ pendingRecords: this.pending.size }, "Redis answers again: the abandon governor decides on the campaign's counts");
    }
  }

  private async flush(): Promise<void> {
    const ms = this.o.opTimeoutMs;
    for (const [key, r] of [...this.pending]) {
      const n = r.n;
      if (n !== 0) await within(this.counters.record(r.campaignId, r.kind, r.at, n), ms, 'Redis (abandon counts)');
      // Counts added to this entry while it was being written stay for the next flush.
      r.n -= n;
      if (r.n === 0 && this.pending.get(key) === r) this.pending.delete(key);
    }
  }

  private async readAll(): Promise<void> {
    const now = this.o.clock.now();
    for (const [id, at] of this.asked) {
      // A campaign nobody asked about for a while (paused, gone from this node) is no longer read.
      if (now - at > 30_000) {
        this.asked.delete(id);
        this.reads.delete(id);
        continue;
      }
      await this.read(id, now);
    }
    this.lastReadAt = now;
  }

  private async read(campaignId: string, now: number): Promise<void> {
    const ms = this.o.opTimeoutMs;
    const exclude = { exclude: this.member };
    const minute = Math.floor(now / MINUTE) * MINUTE;
    // The hour window holds the current minute and the 59 before (as the governor's does).
    const minutes = await within(this.counters.minutes(campaignId, minute - 59 * MINUTE, minute + MINUTE, exclude), ms);
    const hour = { answers: 0, drops: 0 };
    let hourSinceMs: number | null = null;
    // Other nodes dialling the campaign now: a node id (not this one: a previous life of this node is not dialling)
    // with counts in the last few minutes. The governor keeps a drop in reserve for each one's calls in flight.
    const recentFrom = minute - (ACTIVE_MINUTES - 1) * MINUTE;
    const active = new Set<string>();
    for (const m of minutes) {
      if (m.at >= recentFrom) for (const member of m.members) active.add(nodeOfMember(member));
    }
    active.delete(this.o.nodeId);
    for (const m of minutes) {
      hour.answers += m.live;
      hour.drops += m.drops;
      if (hourSinceMs === null && (m.live !== 0 || m.drops !== 0)) hourSinceMs = m.at;
    }
    const prev = this.reads.get(campaignId);
    const day = Math.floor(now / DAY);
    let today = prev?.today ?? null;
    if (!today || Math.floor(today.at / DAY) !== day || now - today.at >= (this.o.todayEveryMs ?? 10_000)) {
      const t = await within(this.counters.totals(campaignId, day * DAY, minute + MINUTE, exclude), ms);
      today = { answers: t.live, drops: t.drops, at: now };
    }
    let pastDays = prev?.pastDays ?? null;
    if (!pastDays || pastDays.day !== day) {
      const days = this.o.days ?? 30;
      const t = await within(this.counters.totals(campaignId, (day - (days - 1)) * DAY, day * DAY, exclude), ms);
      pastDays = { answers: t.live, drops: t.drops, day };
    }
    const clamp = (x: number) => Math.max(0, x);
    const others: OtherNodesCounts = {
      hour: { answers: clamp(hour.answers), drops: clamp(hour.drops) },
      hourSinceMs,
      today: { answers: clamp(today.answers), drops: clamp(today.drops) },
      month: { answers: clamp(today.answers + pastDays.answers), drops: clamp(today.drops + pastDays.drops) },
      nodes: active.size,
    };
    this.reads.set(campaignId, { others, readAt: now, today, pastDays });
  }
}
