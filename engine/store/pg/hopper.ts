import { getTableColumns } from 'drizzle-orm';
import { retryDelayFor } from '../../campaigns/index.js';
import type { Disposition } from '../../events/index.js';
import { nextLeadState, zonesOpenNow } from '../../leads/index.js';
import { RESTORED_STATUS_SQL, type LeaseRequest } from '../repos/leads.js';
import { leads } from '../schema-pg/leads.js';
import { pgTransaction, type PgClient, type PgPool } from './connect.js';

export type PgLeadRow = typeof leads.$inferSelect;

/** column name → property name of the leads table (rows come back snake_case from node-postgres). */
const KEY_OF = new Map(Object.entries(getTableColumns(leads)).map(([key, col]) => [col.name, key]));
function toLead(r: Record<string, unknown>): PgLeadRow {
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(r)) out[KEY_OF.get(name) ?? name] = v;
  return out as PgLeadRow;
}

function byHopperOrder(a: PgLeadRow, b: PgLeadRow): number {
  return a.priority - b.priority || a.nextDueAt! - b.nextDueAt! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * What each lease reads before its candidates: the campaign's window and limits, the zones with pending leads (a
 * loose index scan, one seek per zone, as on SQLite) and whether some pending lead has no zone. Exported for the
 * benchmark that measures their share of a lease (bench/hopper-pg-preamble.ts).
 */
export const LEASE_CAMPAIGN_SQL = `select state, calling_hours_start, calling_hours_end, weekdays, default_time_zone, max_attempts from campaigns where id = $1`;
export const LEASE_ZONES_SQL = `with recursive z(tz) as (
    select min(time_zone) from leads where campaign_id = $1 and next_due_at is not null and time_zone is not null
    union all
    select (select min(time_zone) from leads where campaign_id = $1 and next_due_at is not null and time_zone > z.tz)
    from z where z.tz is not null
  ) select tz from z where tz is not null`;
export const LEASE_HAS_NULL_ZONE_SQL = `select 1 from leads where campaign_id = $1 and time_zone is null and next_due_at is not null limit 1`;

/**
 * The hopper on PostgreSQL, for several engine nodes leasing from one campaign: the same semantics as
 * `LeadRepo.lease / renewLeases / markCalling / completeAttempt / releaseLeases` on SQLite (time passed in as
 * `now`/`at`, lease = owner node id + expiry, an expired lease makes the lead eligible again), but async.
 *
 * SQLite serialises writers on the file; PostgreSQL does not, so the candidates are locked with
 * `FOR UPDATE SKIP LOCKED` and leased in the same transaction: a node never waits for another node's lease and
 * never takes a row another transaction holds. A row leased and committed by another node after the query's
 * snapshot is re-checked under its lock (READ COMMITTED re-evaluates the WHERE on the new version), so it is not
 * taken twice either. Under contention a call may return fewer than `limit` (the skipped rows were being taken).
 *
 * Engine nodes on PostgreSQL (`centralita node`, app/node) lease through it; `npm start` still uses the SQLite hopper.
 */
export class PgLeadHopper {
  constructor(private readonly pool: PgPool) {}

  async lease(req: LeaseRequest): Promise<PgLeadRow[]> {
    if (req.limit <= 0) return [];
    return pgTransaction(this.pool, async (tx) => {
      const c = (
        await tx.query(LEASE_CAMPAIGN_SQL, [req.campaignId])
      ).rows[0] as
        | { state: string; calling_hours_start: string; calling_hours_end: string; weekdays: number[]; default_time_zone: string; max_attempts: number }
        | undefined;
      if (c === undefined || c.state !== 'running') return [];
      // Zones with pending leads by a loose index scan (one seek per zone, as on SQLite); which of them are inside
      // calling hours now is decided in JS (engine/leads), so both stores agree.
      const zones = (
        await tx.query(LEASE_ZONES_SQL, [req.campaignId])
      ).rows.map((r: { tz: string }) => r.tz);
      const hasNull = (await tx.query(LEASE_HAS_NULL_ZONE_SQL, [req.campaignId]))
        .rows.length > 0;
      const window = { start: c.calling_hours_start, end: c.calling_hours_end, weekdays: c.weekdays };
      const open: Array<string | null> = zonesOpenNow(zones, req.now, window);
      if (hasNull && zonesOpenNow([c.default_time_zone], req.now, window).length > 0) open.push(null);
      if (open.length === 0) return [];
      // Free leads: one short range scan of leads_hopper_free_idx per open zone (priority, due order; leased rows
      // are not in it). Expired leases (a dead node's): one scan of leads_lease_expiry_idx. Each locks what it
      // returns with SKIP LOCKED and re-checks it under the lock; the best `limit` of both are leased, the other
      // locks end with the COMMIT.
      const eligible = `next_due_at is not null and next_due_at <= $2 and attempts < $3 and status not in ('completed', 'dnc')
        and not exists (select 1 from dnc d where d.phone_e164 = leads.phone_e164 and d.campaign_id in ('', $1))`;
      const found: Array<{ id: string; priority: number; due: number }> = [];
      for (const tz of open) {
        const r = await tx.query(
          `select id, priority, next_due_at as due from leads
           where campaign_id = $1 and ${tz === null ? 'time_zone is null' : 'time_zone = $5'} and lease_owner is null and ${eligible}
           order by priority, next_due_at, id collate "C"
           limit $4
           for update skip locked`,
          tz === null ? [req.campaignId, req.now, c.max_attempts, req.limit] : [req.campaignId, req.now, c.max_attempts, req.limit, tz],
        );
        found.push(...(r.rows as Array<{ id: string; priority: number; due: number }>));
      }
      const zoned = open.filter((z): z is string => z !== null);
      const expired = await tx.query(
        `select id, priority, next_due_at as due from leads
         where campaign_id = $1 and lease_owner is not null and lease_expires_at <= $2 and ${eligible}
           and (time_zone = any($5::text[]) or ($6 and time_zone is null))
         order by priority, next_due_at, id collate "C"
         limit $4
         for update skip locked`,
        [req.campaignId, req.now, c.max_attempts, req.limit, zoned, open.includes(null)],
      );
      found.push(...(expired.rows as Array<{ id: string; priority: number; due: number }>));
      found.sort((x, y) => x.priority - y.priority || x.due - y.due || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
      const chosen = found.slice(0, req.limit).map((f) => f.id);
      if (chosen.length === 0) return [];
      const r = await tx.query(
        `update leads set lease_owner = $2, lease_expires_at = $3, status = 'selected', updated_at = $4 where id = any($1::text[]) returning *`,
        [chosen, req.owner, req.now + req.leaseMs, req.now],
      );
      return r.rows.map(toLead).sort(byHopperOrder);
    });
  }

  /** Extends the leases `owner` holds (all, or only `ids`). Expired leases are not revived. */
  async renewLeases(owner: string, now: number, leaseMs: number, ids?: readonly string[]): Promise<number> {
    const r = await this.pool.query(
      `update leads set lease_expires_at = $3, updated_at = $2
       where lease_owner = $1 and lease_expires_at > $2 and ($4::text[] is null or id = any($4::text[]))`,
      [owner, now, now + leaseMs, ids === undefined ? null : [...ids]],
    );
    return r.rowCount ?? 0;
  }

  /** The node placed the call: status `calling`. False if the lease is not (or no longer) ours. */
  async markCalling(leadId: string, owner: string, at: number): Promise<boolean> {
    const r = await this.pool.query(`update leads set status = 'calling', updated_at = $3 where id = $1 and lease_owner = $2 and lease_expires_at > $3`, [
      leadId,
      owner,
      at,
    ]);
    return (r.rowCount ?? 0) > 0;
  }

  /**
   * Records an ended attempt (status, attempts, next due by the campaign's retry delays) and gives the lease back;
   * with `owner`, only that owner's lease is cleared: a node whose lease expired and was taken by another node must
   * not free the other node's lease.
   */
  async completeAttempt(leadId: string, disposition: Disposition, at: number, opts: { owner?: string; error?: string } = {}): Promise<PgLeadRow | undefined> {
    return pgTransaction(this.pool, (tx) => completeAttemptIn(tx, leadId, disposition, at, opts));
  }

  /**
   * Gives leases back (campaign stop, node shutdown, or a dead node's expired ones with `expiredAt`): the lead
   * returns to the status of its last outcome and keeps its due time.
   */
  async releaseLeases(filter: { campaignId?: string; owner?: string; expiredAt?: number; at: number }): Promise<number> {
    const r = await this.pool.query(
      `update leads set ${RELEASE_LEASE_SET}, updated_at = $1
       where lease_owner is not null and ($2::text is null or campaign_id = $2) and ($3::text is null or lease_owner = $3)
         and ($4::bigint is null or lease_expires_at <= $4)`,
      [filter.at, filter.campaignId ?? null, filter.owner ?? null, filter.expiredAt ?? null],
    );
    return r.rowCount ?? 0;
  }
}

/**
 * `completeAttempt` inside a transaction the caller holds: the reaper closes a dead node's CallLogs and records
 * their leads' outcomes in one transaction with marking the node down (cluster-nodes.ts).
 */
export async function completeAttemptIn(
  tx: PgClient,
  leadId: string,
  disposition: Disposition,
  at: number,
  opts: { owner?: string; error?: string } = {},
): Promise<PgLeadRow | undefined> {
  const lead = (await tx.query(`select * from leads where id = $1 for update`, [leadId])).rows[0] as Record<string, unknown> | undefined;
  if (lead === undefined) return undefined;
  const l = toLead(lead);
  const c = (await tx.query(`select max_attempts, retry_delays from campaigns where id = $1`, [l.campaignId])).rows[0] as
    | { max_attempts: number; retry_delays: Record<string, number> }
    | undefined;
  if (c === undefined) return undefined;
  const next = nextLeadState(l, disposition, at, { maxAttempts: c.max_attempts, retryDelayS: (d) => retryDelayFor({ retryDelays: c.retry_delays }, d) }, opts.error);
  if (l.status === 'dnc') {
    next.status = 'dnc';
    next.nextDueAt = null;
  }
  const releases = opts.owner === undefined || l.leaseOwner === opts.owner || l.leaseOwner === null;
  const r = await tx.query(
    `update leads set status = $2, attempts = $3, last_attempt_at = $4, last_disposition = $5, next_due_at = $6, last_error = $7, updated_at = $4
       ${releases ? ', lease_owner = null, lease_expires_at = null' : ''}
     where id = $1 returning *`,
    [leadId, next.status, next.attempts, next.lastAttemptAt, next.lastDisposition, next.nextDueAt, next.lastError],
  );
  return toLead(r.rows[0]);
}

/** The SQL that gives a lease back (the lead returns to the status of its last outcome, keeps its due time). */
export const RELEASE_LEASE_SET = `lease_owner = null, lease_expires_at = null, status = ${RESTORED_STATUS_SQL}`;
