/**
 * What the wallboard reads from the CallLogs: calls still open (with the stage each has reached), today's call
 * figures and calls per minute. Plain SQL over the created_at / open-call indexes; values are bound parameters.
 * A scope narrows to a team (calls of its users or bridged to its agents).
 */
import type { Sqlite } from '../db.js';

export interface CallScope {
  userIds: string[];
  agentIds: string[];
}

export interface OpenCallRow {
  id: string;
  campaignId: string | null;
  phone: string;
  agentId: string | null;
  stage: string;
  createdAt: number;
  ringingAt: number | null;
  answeredAt: number | null;
  amdAt: number | null;
  amdTreatedAs: 'HUMAN' | 'MACHINE' | null;
  bridgedAt: number | null;
  /** The engine node that placed it. */
  nodeId: string;
}

export interface CallDayFigures {
  /** Dial attempts created in the window (open ones included). */
  calls: number;
  /** Ended calls in the window. */
  ended: number;
  humans: number;
  machines: number;
  dropped: number;
  /** Humans reached, summed over the answers of this window: ANSWERED_HUMAN + DROPPED. */
  liveAnswers: number;
  /** Mean ms from human recognised (AMD decision, else answer) to bridged; null when no call was bridged. */
  asaMs: number | null;
}

/**
 * The WHERE fragment of a team scope (calls of its users or bridged to its agents), params appended; '' for no
 * scope, null when the scope is empty (nothing matches).
 */
export function scopeSql(scope: CallScope | undefined, params: unknown[]): string | null {
  if (scope === undefined) return '';
  const ors: string[] = [];
  if (scope.userIds.length > 0) {
    ors.push(`user_id IN (${scope.userIds.map(() => '?').join(',')})`);
    params.push(...scope.userIds);
  }
  if (scope.agentIds.length > 0) {
    ors.push(`agent_id IN (${scope.agentIds.map(() => '?').join(',')})`);
    params.push(...scope.agentIds);
  }
  return ors.length === 0 ? null : ` AND (${ors.join(' OR ')})`;
}

/**
 * Calls not ended yet, created after `since` (an open row older than that is a crash leftover, not a live call),
 * oldest first, ties by id (byte order, as on PostgreSQL).
 */
export function openCalls(sqlite: Sqlite, since: number, scope?: CallScope): OpenCallRow[] {
  const params: unknown[] = [since];
  const extra = scopeSql(scope, params);
  if (extra === null) return [];
  return sqlite
    .prepare(
      `SELECT id, campaign_id AS campaignId, phone, agent_id AS agentId, stage, created_at AS createdAt, ringing_at AS ringingAt,
              answered_at AS answeredAt, amd_at AS amdAt, amd_treated_as AS amdTreatedAs, bridged_at AS bridgedAt,
              node_id AS nodeId
         FROM call_logs WHERE ended_at IS NULL AND created_at >= ?${extra} ORDER BY created_at, id`,
    )
    .all(...params) as OpenCallRow[];
}

export function callDayFigures(sqlite: Sqlite, from: number, to: number, scope?: CallScope): CallDayFigures {
  const params: unknown[] = [from, to];
  const extra = scopeSql(scope, params);
  if (extra === null) return { calls: 0, ended: 0, humans: 0, machines: 0, dropped: 0, liveAnswers: 0, asaMs: null };
  const r = sqlite
    .prepare(
      `SELECT count(*) AS calls,
              coalesce(sum(ended_at IS NOT NULL), 0) AS ended,
              coalesce(sum(disposition = 'ANSWERED_HUMAN'), 0) AS humans,
              coalesce(sum(disposition = 'MACHINE'), 0) AS machines,
              coalesce(sum(disposition = 'DROPPED'), 0) AS dropped,
              avg(CASE WHEN bridged_at IS NOT NULL AND coalesce(amd_at, answered_at) IS NOT NULL THEN bridged_at - coalesce(amd_at, answered_at) END) AS asaMs
         FROM call_logs WHERE created_at >= ? AND created_at < ?${extra}`,
    )
    .get(...params) as Omit<CallDayFigures, 'liveAnswers'>;
  return { ...r, asaMs: r.asaMs === null ? null : Math.round(r.asaMs), liveAnswers: r.humans + r.dropped };
}

/** Calls created per minute in [from, to) (from on a minute boundary), zero-filled, oldest first. */
export function callsPerMinute(sqlite: Sqlite, from: number, to: number, scope?: CallScope): Array<{ start: number; calls: number; humans: number }> {
  const params: unknown[] = [from, from, to];
  const extra = scopeSql(scope, params);
  const rows =
    extra === null
      ? []
      : (sqlite
          .prepare(
            `SELECT CAST((created_at - ?) / 60000 AS INTEGER) AS m, count(*) AS calls, coalesce(sum(disposition = 'ANSWERED_HUMAN'), 0) AS humans
               FROM call_logs WHERE created_at >= ? AND created_at < ?${extra} GROUP BY m`,
          )
          .all(...params) as Array<{ m: number; calls: number; humans: number }>);
  const byMinute = new Map(rows.map((r) => [r.m, r]));
  const out: Array<{ start: number; calls: number; humans: number }> = [];
  for (let m = 0; from + m * 60_000 < to; m++) {
    const r = byMinute.get(m);
    out.push({ start: from + m * 60_000, calls: r?.calls ?? 0, humans: r?.humans ?? 0 });
  }
  return out;
}
