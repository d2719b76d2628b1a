import { encodeAmdTrace, type AmdStatus, type AmdTrace } from '../../amd/index.js';
import type { Disposition, InterruptionCause } from '../../events/index.js';
import type { AmdResultInput, BridgedInput, CreateCallLogInput, EndCallLogInput } from '../repos/call-logs.js';
import { callLogs } from '../schema-pg/call-logs.js';
import type { PgClient, PgPool } from './connect.js';
import { rowMapper } from './rows.js';

export type PgCallLogRow = typeof callLogs.$inferSelect;
const toCallLog = rowMapper<PgCallLogRow>(callLogs);

/** A pool or a client inside a transaction: the reaper closes a dead node's CallLogs in its own transaction. */
type Queryable = Pick<PgPool | PgClient, 'query'>;

/**
 * The engine's CallLog writes on PostgreSQL (engine/shell's CallLogWriter port, async): the same statements as
 * the SQLite CallLogRepo — one UPDATE per transition so a dead node leaves each row at its last stage, and every
 * transition after `end` ignored (`ended_at is null`) so a late event never rewrites a closed row (e.g. one the
 * reaper closed as engine_lost). Each method answers whether a row changed. The engine's write queue calls them
 * one at a time, in order.
 */
export class PgCallLogs {
  constructor(private readonly pool: PgPool) {}

  async create(input: CreateCallLogInput): Promise<PgCallLogRow> {
    const r = await this.pool.query(
      `insert into call_logs (id, kind, campaign_id, lead_id, phone, agent_id, user_id, channel_id, node_id, stage, created_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'created', $10) returning *`,
      [input.id, input.kind ?? 'dialer', input.campaignId, input.leadId, input.phone, input.agentId ?? null, input.userId ?? null, input.channelId ?? null, input.nodeId, input.at],
    );
    return toCallLog(r.rows[0]);
  }

  markRinging(id: string, at: number): Promise<boolean> {
    // Ringing may be reported more than once (183 then 180); the first one counts.
    return this.update(id, `ringing_at = coalesce(ringing_at, $2::bigint), stage = 'ringing'`, [at]);
  }

  markAnswered(id: string, at: number): Promise<boolean> {
    return this.update(id, `answered_at = $2, stage = 'answered'`, [at]);
  }

  markAmd(id: string, r: AmdResultInput): Promise<boolean> {
    // A HANGUP was treated as nothing: the callee left before the call could go anywhere.
    const treatedAs = r.treatedAs ?? (r.status === 'MACHINE' ? 'MACHINE' : r.status === 'HANGUP' ? null : 'HUMAN');
    return this.update(id, `amd_at = $2, amd_status = $3, amd_cause = $4, amd_decision_ms = $5, amd_treated_as = $6, stage = 'amd'`, [
      r.at,
      r.status satisfies AmdStatus,
      r.cause,
      r.decisionMs,
      treatedAs,
    ]);
  }

  markAmdLate(id: string, r: { cause: string; decisionMs: number; at: number }): Promise<boolean> {
    return this.update(id, `amd_late_cause = $2, amd_late_decision_ms = $3, amd_late_at = $4`, [r.cause, r.decisionMs, r.at]);
  }

  markBridged(id: string, b: BridgedInput): Promise<boolean> {
    // Attributed to the agent's user when the agent has one, so per-user metrics need no join.
    return this.update(
      id,
      `agent_id = $2, user_id = coalesce(user_id, (select a.user_id from agents a where a.id = $2)), bridged_at = $3, bridge_id = $4,
       agent_channel_id = $5, stage = 'bridged'`,
      [b.agentId, b.at, b.bridgeId ?? null, b.agentChannelId ?? null],
    );
  }

  /**
   * Keeps the trace of the call's AMD decision with its CallLog (call_amd_traces; the first one kept, as on SQLite's
   * AmdTraceRepo.save). Without it a node on PostgreSQL kept no trace: the recording's AMD replay had nothing to read.
   */
  async saveAmdTrace(id: string, trace: AmdTrace, at: number): Promise<boolean> {
    const r = await this.pool.query(`insert into call_amd_traces (call_id, trace, created_at) values ($1, $2, $3) on conflict (call_id) do nothing`, [
      id,
      encodeAmdTrace(trace),
      at,
    ]);
    return (r.rowCount ?? 0) > 0;
  }

  /** Closes the row, durations derived from its stored timestamps in the same statement (as on SQLite). */
  end(id: string, e: EndCallLogInput, db: Queryable = this.pool): Promise<boolean> {
    const sets = [
      `ended_at = $2::bigint`,
      `stage = 'ended'`,
      `disposition = $3`,
      `hangup_cause = $4`,
      `ring_ms = greatest(0, coalesce(answered_at, $2::bigint) - coalesce(ringing_at, created_at))`,
      `talk_ms = case when bridged_at is null then 0 else greatest(0, $2::bigint - bridged_at) end`,
      `total_ms = greatest(0, $2::bigint - created_at)`,
    ];
    const params: unknown[] = [e.at, e.disposition, e.hangupCause];
    const opt = (column: string, v: unknown) => {
      params.push(v);
      sets.push(`${column} = $${params.length + 1}`);
    };
    if (e.dialStatus !== undefined) opt('dial_status', e.dialStatus);
    if (e.agentId !== undefined && e.agentId !== null) opt('agent_id', e.agentId);
    if (e.safeHarborPlayed !== undefined) opt('safe_harbor_played', e.safeHarborPlayed);
    if (e.voicemailLeft !== undefined) opt('voicemail_left', e.voicemailLeft);
    if (e.recordingRef !== undefined) opt('recording_ref', e.recordingRef);
    if (e.notes !== undefined) opt('notes', e.notes);
    if (e.interruption !== undefined) opt('interruption', e.interruption);
    return this.update(id, sets.join(', '), params, db);
  }

  /** "Still alive at `at`" for every open row of this node (their end time if the node dies). */
  async markAlive(nodeId: string, at: number): Promise<number> {
    const r = await this.pool.query(`update call_logs set alive_at = $2 where ended_at is null and node_id = $1`, [nodeId, at]);
    return r.rowCount ?? 0;
  }

  /** Closes a row left open by a dead process (start-up reconciliation, or the reaper with its transaction). */
  closeCallLog(id: string, disposition: Disposition, cause: number | null, at: number, interruption?: InterruptionCause, db: Queryable = this.pool): Promise<boolean> {
    return this.end(id, { disposition, hangupCause: cause, at, ...(interruption ? { interruption } : {}) }, db);
  }

  /** Rows not yet ended, oldest first; with a node id only that node's (`for update`: inside the reaper's transaction). */
  async listOpenCallLogs(nodeId?: string, db: Queryable = this.pool, forUpdate = false): Promise<PgCallLogRow[]> {
    const r = await db.query(
      `select * from call_logs where ended_at is null and ($1::text is null or node_id = $1) order by created_at, id collate "C"${forUpdate ? ' for update' : ''}`,
      [nodeId ?? null],
    );
    return r.rows.map(toCallLog);
  }

  async get(id: string): Promise<PgCallLogRow | undefined> {
    const r = await this.pool.query(`select * from call_logs where id = $1`, [id]);
    return r.rows[0] === undefined ? undefined : toCallLog(r.rows[0]);
  }

  private async update(id: string, sets: string, params: unknown[], db: Queryable = this.pool): Promise<boolean> {
    const r = await db.query(`update call_logs set ${sets} where id = $1 and ended_at is null`, [id, ...params]);
    return (r.rowCount ?? 0) > 0;
  }
}
