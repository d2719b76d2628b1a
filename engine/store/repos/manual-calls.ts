import type { Disposition } from '../../events/index.js';
import type { Db } from '../db.js';
import { callLogs, type CallLogRow } from '../schema/call-logs.js';
import { eq } from 'drizzle-orm';
import type { CallLogRepo } from './call-logs.js';
import type { MetricsRepo } from './metrics.js';

export interface StartManualCallInput {
  id: string;
  userId: string;
  phone: string;
  nodeId: string;
  at: number;
  agentId?: string | null;
  campaignId?: string | null;
  leadId?: string | null;
}

export interface EndManualCallInput {
  id: string;
  at: number;
  /** Did the agent reach the person? Shorthand for disposition ANSWERED_HUMAN vs NO_ANSWER. */
  success?: boolean;
  disposition?: Disposition;
  notes?: string | null;
}

/** What /api/calls/end returns (seed-compatible names). */
export interface EndManualCallResult {
  call: CallLogRow;
  duration_seconds: number;
  new_average: number;
  calls_made: number;
  calls_success: number;
  total_talk_time: number;
}

export class ManualCallError extends Error {
  constructor(
    message: string,
    readonly code: 'not_found' | 'not_manual' | 'already_ended',
  ) {
    super(message);
    this.name = 'ManualCallError';
  }
}

/**
 * Calls an agent places outside the dialer. They produce the same CallLog shape as dialer calls (kind = manual):
 * the agent is on the line from the start, so the row is created already "bridged" and talk time runs from start
 * to end — but only a successful call counts talk time.
 */
export class ManualCallRepo {
  constructor(
    private readonly db: Db,
    private readonly logs: CallLogRepo,
    private readonly metrics: MetricsRepo,
  ) {}

  startManualCall(input: StartManualCallInput): CallLogRow {
    return this.db.transaction(() => {
      this.logs.create({
        id: input.id,
        kind: 'manual',
        campaignId: input.campaignId ?? null,
        leadId: input.leadId ?? null,
        phone: input.phone,
        nodeId: input.nodeId,
        agentId: input.agentId ?? null,
        userId: input.userId,
        at: input.at,
      });
      this.db.update(callLogs).set({ bridgedAt: input.at, stage: 'bridged' }).where(eq(callLogs.id, input.id)).run();
      return this.logs.get(input.id)!;
    });
  }

  endManualCall(input: EndManualCallInput): EndManualCallResult {
    const disposition: Disposition = input.disposition ?? (input.success === false ? 'NO_ANSWER' : 'ANSWERED_HUMAN');
    const call = this.db.transaction(() => {
      const row = this.logs.get(input.id);
      if (row === undefined) throw new ManualCallError(`call ${input.id} not found`, 'not_found');
      if (row.kind !== 'manual') throw new ManualCallError(`call ${input.id} is not a manual call`, 'not_manual');
      if (row.endedAt !== null) throw new ManualCallError(`call ${input.id} already ended`, 'already_ended');
      this.logs.end(input.id, { disposition, hangupCause: 16, at: input.at, notes: input.notes ?? undefined });
      if (disposition !== 'ANSWERED_HUMAN') this.db.update(callLogs).set({ talkMs: 0 }).where(eq(callLogs.id, input.id)).run();
      return this.logs.get(input.id)!;
    });
    const m = this.metrics.userMetrics(call.userId ?? '');
    return {
      call,
      duration_seconds: Math.round((call.totalMs ?? 0) / 1000),
      new_average: m.avg_call_duration,
      calls_made: m.calls_made,
      calls_success: m.calls_success,
      total_talk_time: m.total_talk_time,
    };
  }
}
