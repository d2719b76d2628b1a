import type { Disposition } from '../../events/index.js';
import type { ManualCallLog } from '../manual-call-log.js';
import { ManualCallError, type StartManualCallInput } from '../repos/manual-calls.js';
import type { CallLogRow } from '../schema/call-logs.js';
import { PgCallLogs } from './call-logs.js';
import { pgTransaction, type PgPool } from './connect.js';

/**
 * `ManualCallRepo` on PostgreSQL (#18, `ManualCallLog`): a manual call is one insert already bridged (SQLite's
 * create-then-bridge in one transaction gives the same row), and its end the CallLog writer's own `end` statement —
 * the same durations a node's call gets — on the row locked `for update`, checked first as on SQLite.
 */
export class PgManualCalls implements ManualCallLog {
  readonly dialect = 'postgres' as const;
  private readonly logs: PgCallLogs;
  constructor(private readonly pool: PgPool) {
    this.logs = new PgCallLogs(pool);
  }

  // The drift test keeps the two dialects' CallLog rows one shape.
  async get(id: string): Promise<CallLogRow | undefined> {
    return (await this.logs.get(id)) as CallLogRow | undefined;
  }

  async start(input: StartManualCallInput): Promise<CallLogRow> {
    const r = await this.pool.query(
      `insert into call_logs (id, kind, campaign_id, lead_id, phone, agent_id, user_id, node_id, stage, created_at, bridged_at)
       values ($1, 'manual', $2, $3, $4, $5, $6, $7, 'bridged', $8, $8)
       returning id`,
      [input.id, input.campaignId ?? null, input.leadId ?? null, input.phone, input.agentId ?? null, input.userId, input.nodeId, input.at],
    );
    return (await this.get(r.rows[0].id as string))!;
  }

  async end(input: { id: string; at: number; disposition: Disposition; notes: string | null }): Promise<CallLogRow> {
    await pgTransaction(this.pool, async (tx) => {
      const r = await tx.query(`select kind, ended_at from call_logs where id = $1 for update`, [input.id]);
      const row = r.rows[0] as { kind: string; ended_at: unknown } | undefined;
      if (row === undefined) throw new ManualCallError(`call ${input.id} not found`, 'not_found');
      if (row.kind !== 'manual') throw new ManualCallError(`call ${input.id} is not a manual call`, 'not_manual');
      if (row.ended_at !== null) throw new ManualCallError(`call ${input.id} already ended`, 'already_ended');
      await this.logs.end(input.id, { disposition: input.disposition, hangupCause: 16, at: input.at, notes: input.notes ?? undefined }, tx);
      if (input.disposition !== 'ANSWERED_HUMAN') await tx.query(`update call_logs set talk_ms = 0 where id = $1`, [input.id]);
    });
    return (await this.get(input.id))!;
  }
}
