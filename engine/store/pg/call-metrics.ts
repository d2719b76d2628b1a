import { zonedBucketStarts } from '../../clock/index.js';
import { deriveUserMetrics, timeInState, type BucketSize, type CallAggregate, type UserMetrics } from '../metrics.js';
import type { GroupScope } from '../repos/call-aggregates.js';
import type { CallReportFilter, CallReportGroup, CallReportGroupBy } from '../repos/call-reports.js';
import type { MetricsWindow } from '../repos/metrics.js';
import type { CallDayFigures, CallScope, OpenCallRow } from '../repos/wallboard.js';
import type { Disposition } from '../../events/index.js';
import type { PgPool } from './connect.js';

/**
 * The supervisors' call figures on PostgreSQL (#18, `CallMetrics`, ../call-metrics.ts): the SQLite statements of
 * repos/call-aggregates.ts and repos/wallboard.ts, written so that the same rows give the same numbers.
 * - Counts are `count(*) filter (…)` cast to int8 (PostgreSQL's sum of a bigint is a numeric, read as a string).
 * - Hour/day buckets are the local starts `zonedBucketStarts` computes in JS (the zone rules of the SQLite side,
 *   which counts hours from each local midnight), passed as an array and joined as ranges: no `AT TIME ZONE`
 *   in SQL, whose zone database could disagree with Node's ICU one.
 * - Minute buckets use integer division of non-negative bigints (truncation = floor, as SQLite's CAST).
 * - The mean ASA is read as a double and rounded in JS, as on SQLite.
 * - Ties are broken by id in byte order (`collate "C"`), the database's collation notwithstanding.
 * No yielding is needed here: the queries do not block the process's event loop as better-sqlite3's do.
 */
export class PgCallMetrics {
  readonly dialect = 'postgres' as const;
  constructor(private readonly pool: PgPool) {}

  private async rows<T>(text: string, params: unknown[]): Promise<T[]> {
    return (await this.pool.query(text, params)).rows as T[];
  }

  async userMetrics(userId: string, w: MetricsWindow): Promise<UserMetrics> {
    const agentIds = (await this.rows<{ id: string }>(`select id from agents where user_id = $1 order by id collate "C"`, [userId])).map((r) => r.id);
    const params: unknown[] = [userId, agentIds];
    const conds = ['(user_id = $1 or agent_id = any($2::text[]))', 'ended_at is not null'];
    if (w.from !== undefined) conds.push(`created_at >= $${params.push(w.from)}`);
    if (w.to !== undefined) conds.push(`created_at < $${params.push(w.to)}`);
    const calls = await this.rows<{ disposition: Disposition | null; talkMs: number | null; endedAt: number | null }>(
      `select disposition, talk_ms as "talkMs", ended_at as "endedAt" from call_logs where ${conds.join(' and ')}`,
      params,
    );
    const stateMs: Record<string, number> = {};
    if (w.to !== undefined) {
      for (const id of agentIds) {
        for (const [k, v] of Object.entries(await this.agentStateMs(id, w.from ?? 0, w.to))) stateMs[k] = (stateMs[k] ?? 0) + v;
      }
    }
    return deriveUserMetrics(calls, stateMs);
  }

  private async agentStateMs(agentId: string, from: number, to: number): Promise<Record<string, number>> {
    const events = await this.rows<{ toState: string; at: number }>(
      `select to_state as "toState", at from agent_events where agent_id = $1 and at >= $2 and at < $3 order by at, id`,
      [agentId, from, to],
    );
    return timeInState(events, from, to, await this.stateBefore(agentId, from));
  }

  private async stateBefore(agentId: string, at: number): Promise<string | null> {
    const r = await this.rows<{ s: string }>(`select to_state as s from agent_events where agent_id = $1 and at < $2 order by at desc, id desc limit 1`, [agentId, at]);
    return r[0]?.s ?? null;
  }

  async aggregate(scope: GroupScope | undefined, w: { from?: number; to: number }, bucket?: BucketSize, timeZone = 'UTC'): Promise<Map<number, CallAggregate>> {
    const params: unknown[] = [w.to];
    const conds = ['c.ended_at is not null', 'c.created_at < $1'];
    if (w.from !== undefined) conds.push(`c.created_at >= $${params.push(w.from)}`);
    const scoped = scopeSql(scope, params, 'c.');
    if (scoped === null) return new Map();
    if (scoped !== '') conds.push(scoped);
    const sums =
      `count(*)::int8 as made, count(*) filter (where c.disposition = 'ANSWERED_HUMAN')::int8 as success, ` +
      `count(*) filter (where c.disposition = 'DROPPED')::int8 as dropped, coalesce(sum(c.talk_ms), 0)::int8 as "talkMs"`;
    let rows: Array<CallAggregate & { b: number }>;
    if (bucket === undefined) {
      rows = await this.rows(`select 0::int8 as b, ${sums} from call_logs c where ${conds.join(' and ')}`, params);
    } else {
      // SQLite's buckets start at the local day of the first CallLog when no `from` is given.
      const first = w.from ?? (await this.rows<{ t: number | null }>(`select min(created_at) as t from call_logs`, []))[0]?.t ?? null;
      if (first === null || first >= w.to) return new Map();
      const starts = localStarts(first, w.to, bucket, timeZone);
      const at = params.push(starts);
      rows = await this.rows(
        `with b as (select s, lead(s, 1, $1::int8) over (order by s) as e from unnest($${at}::int8[]) as s)
         select b.s as b, ${sums} from b join call_logs c on c.created_at >= b.s and c.created_at < b.e
          where ${conds.join(' and ')} group by b.s`,
        params,
      );
    }
    return new Map(rows.filter((r) => r.made > 0).map((r) => [r.b, { made: r.made, success: r.success, dropped: r.dropped, talkMs: r.talkMs }]));
  }

  async wrapMsPer(agentIds: string[], windows: Array<[number, number]>): Promise<number[]> {
    const out = windows.map(() => 0);
    if (windows.length === 0 || agentIds.length === 0) return out;
    const from = windows[0]![0];
    const to = windows[windows.length - 1]![1];
    // Every agent's events in one statement, and each one's state before the window in another.
    const events = await this.rows<{ agentId: string; toState: string; at: number }>(
      `select agent_id as "agentId", to_state as "toState", at from agent_events where agent_id = any($1::text[]) and at >= $2 and at < $3 order by at, id`,
      [agentIds, from, to],
    );
    const before = await this.lastStates(agentIds, from);
    const byAgent = new Map<string, Array<{ toState: string; at: number }>>();
    for (const e of events) {
      const list = byAgent.get(e.agentId) ?? [];
      list.push({ toState: e.toState, at: e.at });
      byAgent.set(e.agentId, list);
    }
    for (const id of agentIds) {
      const list = byAgent.get(id) ?? [];
      const initial = before.get(id) ?? null;
      if (list.length === 0 && initial !== 'WRAP_UP') continue;
      windows.forEach(([a, b], i) => {
        out[i]! += timeInState(list, a, b, initial)['WRAP_UP'] ?? 0;
      });
    }
    return out;
  }

  private async lastStates(agentIds: readonly string[], at: number): Promise<Map<string, string>> {
    const rows = await this.rows<{ agentId: string; s: string }>(
      `select distinct on (agent_id) agent_id as "agentId", to_state as s from agent_events
        where agent_id = any($1::text[]) and at < $2 order by agent_id, at desc, id desc`,
      [agentIds, at],
    );
    return new Map(rows.map((r) => [r.agentId, r.s]));
  }

  async lastAgentStates(agentIds: readonly string[], at: number): Promise<Map<string, string>> {
    const last = agentIds.length === 0 ? new Map<string, string>() : await this.lastStates(agentIds, at);
    return new Map(agentIds.map((id) => [id, last.get(id) ?? 'LOGGED_OUT']));
  }

  async serviceLevel(from: number, to: number, withinMs: number): Promise<{ humans: number; within: number }> {
    const [r] = await this.rows<{ humans: number; within: number }>(
      `select count(*) filter (where disposition in ('ANSWERED_HUMAN', 'DROPPED'))::int8 as humans,
              count(*) filter (where disposition = 'ANSWERED_HUMAN' and bridged_at is not null
                                 and bridged_at - coalesce(amd_at, answered_at, bridged_at) <= $1)::int8 as within
         from call_logs where ended_at is not null and created_at >= $2 and created_at < $3`,
      [withinMs, from, to],
    );
    return { humans: r!.humans, within: r!.within };
  }

  async countCreated(from: number, to: number): Promise<number> {
    const [r] = await this.rows<{ n: number }>(`select count(*)::int8 as n from call_logs where created_at >= $1 and created_at < $2`, [from, to]);
    return r!.n;
  }

  async openCalls(since: number, scope?: CallScope): Promise<OpenCallRow[]> {
    const params: unknown[] = [since];
    const extra = scopeSql(scope, params, '');
    if (extra === null) return [];
    return this.rows<OpenCallRow>(
      `select id, campaign_id as "campaignId", phone, agent_id as "agentId", stage, created_at as "createdAt", ringing_at as "ringingAt",
              answered_at as "answeredAt", amd_at as "amdAt", amd_treated_as as "amdTreatedAs", bridged_at as "bridgedAt",
              node_id as "nodeId"
         from call_logs where ended_at is null and created_at >= $1${extra === '' ? '' : ` and ${extra}`} order by created_at, id collate "C"`,
      params,
    );
  }

  async dayFigures(from: number, to: number, scope?: CallScope): Promise<CallDayFigures> {
    const params: unknown[] = [from, to];
    const extra = scopeSql(scope, params, '');
    if (extra === null) return { calls: 0, ended: 0, humans: 0, machines: 0, dropped: 0, liveAnswers: 0, asaMs: null };
    const [r] = await this.rows<Omit<CallDayFigures, 'liveAnswers'>>(
      `select count(*)::int8 as calls,
              count(*) filter (where ended_at is not null)::int8 as ended,
              count(*) filter (where disposition = 'ANSWERED_HUMAN')::int8 as humans,
              count(*) filter (where disposition = 'MACHINE')::int8 as machines,
              count(*) filter (where disposition = 'DROPPED')::int8 as dropped,
              avg(bridged_at - coalesce(amd_at, answered_at)) filter (where bridged_at is not null and coalesce(amd_at, answered_at) is not null)::float8 as "asaMs"
         from call_logs where created_at >= $1 and created_at < $2${extra === '' ? '' : ` and ${extra}`}`,
      params,
    );
    return { ...r!, asaMs: r!.asaMs === null ? null : Math.round(r!.asaMs), liveAnswers: r!.humans + r!.dropped };
  }

  async perMinute(from: number, to: number, scope?: CallScope): Promise<Array<{ start: number; calls: number; humans: number }>> {
    const params: unknown[] = [from, to];
    const extra = scopeSql(scope, params, '');
    const rows =
      extra === null
        ? []
        : await this.rows<{ m: number; calls: number; humans: number }>(
            `select ((created_at - $1::int8) / 60000)::int8 as m, count(*)::int8 as calls, count(*) filter (where disposition = 'ANSWERED_HUMAN')::int8 as humans
               from call_logs where created_at >= $1 and created_at < $2${extra === '' ? '' : ` and ${extra}`} group by m`,
            params,
          );
    const byMinute = new Map(rows.map((r) => [r.m, r]));
    const out: Array<{ start: number; calls: number; humans: number }> = [];
    for (let m = 0; from + m * 60_000 < to; m++) {
      const r = byMinute.get(m);
      out.push({ start: from + m * 60_000, calls: r?.calls ?? 0, humans: r?.humans ?? 0 });
    }
    return out;
  }

  async endedByDisposition(from: number, to: number): Promise<Array<{ disposition: string | null; n: number }>> {
    // In SQLite's GROUP BY order (null first, then byte order), so the Prometheus series come out in the same order.
    return this.rows(
      `select disposition, count(*)::int8 as n from call_logs where ended_at >= $1 and ended_at < $2
        group by disposition order by disposition collate "C" nulls first`,
      [from, to],
    );
  }

  async reportGroups(f: CallReportFilter, by: CallReportGroupBy): Promise<CallReportGroup[]> {
    const params: unknown[] = [f.to];
    const conds = ['ended_at is not null', 'created_at < $1'];
    if (f.from !== undefined) conds.push(`created_at >= $${params.push(f.from)}`);
    if (f.campaignId !== undefined) conds.push(`campaign_id = $${params.push(f.campaignId)}`);
    if (f.agentId !== undefined) conds.push(`agent_id = $${params.push(f.agentId)}`);
    // One statement over the whole range (no event loop to protect); text keys in byte order, null first, as SQLite.
    const key = REPORT_KEY[by];
    const order = by === 'quarter' ? key : `${key} collate "C" nulls first`;
    return this.rows<CallReportGroup>(
      `select ${key} as key, count(*)::int8 as calls,
              count(*) filter (where disposition in ('ANSWERED_HUMAN', 'DROPPED'))::int8 as humans,
              count(*) filter (where disposition = 'ANSWERED_HUMAN')::int8 as connected,
              count(*) filter (where disposition = 'MACHINE')::int8 as machines,
              count(*) filter (where disposition = 'DROPPED')::int8 as drops,
              count(*) filter (where disposition = 'NO_ANSWER')::int8 as "noAnswer",
              count(*) filter (where disposition = 'BUSY')::int8 as busy,
              count(*) filter (where disposition in ('CONGESTION', 'FAILED', 'INVALID_NUMBER'))::int8 as failed,
              coalesce(sum(talk_ms), 0)::int8 as "talkMs"
         from call_logs where ${conds.join(' and ')} group by ${key} order by ${order}`,
      params,
    );
  }

  async firstCallAt(): Promise<number | null> {
    return (await this.rows<{ t: number | null }>(`select min(created_at) as t from call_logs`, []))[0]?.t ?? null;
  }
}

/** The reports' group keys: SQLite's expressions (bigint division truncates as SQLite's integer division does). */
const REPORT_KEY: Record<CallReportGroupBy, string> = {
  quarter: '(created_at / 900000) * 900000',
  disposition: 'disposition',
  agent: 'agent_id',
  campaign: 'campaign_id',
};

/** A team scope as a WHERE fragment (params appended); '' for no scope, null when it matches nothing. */
function scopeSql(scope: CallScope | undefined, params: unknown[], alias: string): string | null {
  if (scope === undefined) return '';
  const ors: string[] = [];
  if (scope.userIds.length > 0) ors.push(`${alias}user_id = any($${params.push(scope.userIds)}::text[])`);
  if (scope.agentIds.length > 0) ors.push(`${alias}agent_id = any($${params.push(scope.agentIds)}::text[])`);
  return ors.length === 0 ? null : `(${ors.join(' or ')})`;
}

/**
 * The local bucket starts covering [from, to): the keys SQLite's day-by-day pass gives (a day keyed by its local
 * midnight; an hour by local midnight plus whole hours, so a 25-hour day has 25 of them), from the one holding `from`.
 */
function localStarts(from: number, to: number, bucket: BucketSize, timeZone: string): number[] {
  return zonedBucketStarts(from, to, bucket, timeZone);
}
