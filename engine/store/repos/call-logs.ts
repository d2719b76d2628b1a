import { and, asc, desc, eq, gte, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm';
import type { AmdStatus } from '../../amd/index.js';
import type { Disposition, InterruptionCause } from '../../events/index.js';
import type { Db } from '../db.js';
import { agents } from '../schema/agents.js';
import { callLogs, type CallLogRow } from '../schema/call-logs.js';
import { AmdTraceRepo } from './amd-traces.js';
import type { AmdTrace } from '../../amd/index.js';

/** Today's figures of one campaign (CallLogRepo.campaignToday). */
export interface CampaignToday {
  placed: number;
  answered: number;
  humans: number;
  machines: number;
  dropped: number;
  abandonPct: number;
}

export interface CreateCallLogInput {
  id: string;
  campaignId: string | null;
  leadId: string | null;
  phone: string;
  nodeId: string;
  at: number;
  kind?: 'dialer' | 'manual';
  agentId?: string | null;
  userId?: string | null;
  channelId?: string | null;
}

export interface AmdResultInput {
  status: AmdStatus;
  cause: string;
  decisionMs: number;
  treatedAs?: 'HUMAN' | 'MACHINE';
  at: number;
}

export interface BridgedInput {
  agentId: string;
  at: number;
  bridgeId?: string | null;
  agentChannelId?: string | null;
}

export interface EndCallLogInput {
  disposition: Disposition;
  /** Q.850 cause, null when never seen (e.g. closed by reconciliation). */
  hangupCause: number | null;
  at: number;
  dialStatus?: string | null;
  agentId?: string | null;
  safeHarborPlayed?: boolean;
  voicemailLeft?: boolean;
  recordingRef?: string | null;
  notes?: string | null;
  /** The end was not seen: why (`at` is then the last moment the call was known alive). */
  interruption?: InterruptionCause | null;
}

export interface CallLogQuery {
  campaignId?: string;
  agentId?: string;
  userId?: string;
  disposition?: Disposition;
  /** created_at ≥ from (ms). */
  from?: number;
  /** created_at < to (ms). */
  to?: number;
  limit?: number;
  offset?: number;
  order?: 'asc' | 'desc';
}

/**
 * CallLog writes, one UPDATE per transition so that a crash leaves the row at its last known stage. Every
 * transition after `end` is ignored (WHERE ended_at IS NULL): late ARI events after a reconciliation close must not
 * reopen or rewrite a finished row. Each method returns whether a row changed.
 */
export class CallLogRepo {
  constructor(private readonly db: Db) {}

  create(input: CreateCallLogInput): CallLogRow {
    return this.db
      .insert(callLogs)
      .values({
        id: input.id,
        kind: input.kind ?? 'dialer',
        campaignId: input.campaignId,
        leadId: input.leadId,
        phone: input.phone,
        agentId: input.agentId ?? null,
        userId: input.userId ?? null,
        channelId: input.channelId ?? null,
        nodeId: input.nodeId,
        stage: 'created',
        createdAt: input.at,
      })
      .returning()
      .all()[0]!;
  }

  setChannel(id: string, channelId: string): boolean {
    return this.update(id, { channelId });
  }

  markRinging(id: string, at: number): boolean {
    // Ringing may be reported more than once (183 then 180); the first one counts.
    return this.update(id, { ringingAt: sql`coalesce(${callLogs.ringingAt}, ${at})`, stage: 'ringing' });
  }

  markAnswered(id: string, at: number): boolean {
    return this.update(id, { answeredAt: at, stage: 'answered' });
  }

  markAmd(id: string, r: AmdResultInput): boolean {
    return this.update(id, {
      amdAt: r.at,
      amdStatus: r.status,
      amdCause: r.cause,
      amdDecisionMs: r.decisionMs,
      // A HANGUP was treated as nothing: the callee left before the call could go anywhere.
      amdTreatedAs: r.treatedAs ?? (r.status === 'MACHINE' ? 'MACHINE' : r.status === 'HANGUP' ? null : 'HUMAN'),
      stage: 'amd',
    });
  }

  /** The async watch's late MACHINE verdict, kept beside the first verdict (which stays as it was). */
  markAmdLate(id: string, r: { cause: string; decisionMs: number; at: number }): boolean {
    return this.update(id, { amdLateCause: r.cause, amdLateDecisionMs: r.decisionMs, amdLateAt: r.at });
  }

  markBridged(id: string, b: BridgedInput): boolean {
    return this.update(id, {
      agentId: b.agentId,
      // Attribute the call to the agent's user when the agent is registered, so per-user metrics need no join.
      userId: sql`coalesce(${callLogs.userId}, (select ${agents.userId} from ${agents} where ${agents.id} = ${b.agentId}))`,
      bridgedAt: b.at,
      bridgeId: b.bridgeId ?? null,
      agentChannelId: b.agentChannelId ?? null,
      stage: 'bridged',
    });
  }

  setRecording(id: string, recordingRef: string): boolean {
    // Recordings are finalised after hang-up, so this one is allowed on ended rows.
    const r = this.db.update(callLogs).set({ recordingRef }).where(eq(callLogs.id, id)).run();
    return r.changes > 0;
  }

  /** The agent's outcome (and notes) for a call; allowed on ended rows (agents disposition in wrap-up). */
  setOutcome(id: string, outcome: string, notes: string | null): boolean {
    return this.db.update(callLogs).set({ outcome, notes }).where(eq(callLogs.id, id)).run().changes > 0;
  }

  /** Who hung up, when the engine's own view does not tell (an agent's hang-up from the console); null takes it back. */
  setHangupBy(id: string, side: 'agent' | null): boolean {
    return this.db.update(callLogs).set({ hangupBy: side }).where(eq(callLogs.id, id)).run().changes > 0;
  }

  setNotes(id: string, notes: string): boolean {
    const r = this.db.update(callLogs).set({ notes }).where(eq(callLogs.id, id)).run();
    return r.changes > 0;
  }

  /**
   * Closes the row and derives durations in the same statement from the stored timestamps:
   * ring = first ringing (or creation) → answer (or end); talk = bridge → end (0 if never bridged);
   * total = creation → end.
   */
  end(id: string, e: EndCallLogInput): boolean {
    const at = e.at;
    const patch: Record<string, unknown> = {
      endedAt: at,
      stage: 'ended',
      disposition: e.disposition,
      hangupCause: e.hangupCause,
      ringMs: sql`max(0, coalesce(${callLogs.answeredAt}, ${at}) - coalesce(${callLogs.ringingAt}, ${callLogs.createdAt}))`,
      talkMs: sql`case when ${callLogs.bridgedAt} is null then 0 else max(0, ${at} - ${callLogs.bridgedAt}) end`,
      totalMs: sql`max(0, ${at} - ${callLogs.createdAt})`,
    };
    if (e.dialStatus !== undefined) patch.dialStatus = e.dialStatus;
    if (e.agentId !== undefined && e.agentId !== null) patch.agentId = e.agentId;
    if (e.safeHarborPlayed !== undefined) patch.safeHarborPlayed = e.safeHarborPlayed;
    if (e.voicemailLeft !== undefined) patch.voicemailLeft = e.voicemailLeft;
    if (e.recordingRef !== undefined) patch.recordingRef = e.recordingRef;
    if (e.notes !== undefined) patch.notes = e.notes;
    if (e.interruption !== undefined) patch.interruption = e.interruption;
    return this.update(id, patch);
  }

  /**
   * "Still alive at `at`" for every open row of this node: one UPDATE on the open-rows index, cheap enough to run
   * every few seconds. A row the node leaves open when it dies is ended at its last stamp (see aliveAt).
   */
  markAlive(nodeId: string, at: number): number {
    return this.db
      .update(callLogs)
      .set({ aliveAt: at })
      .where(and(isNull(callLogs.endedAt), eq(callLogs.nodeId, nodeId)))
      .run().changes;
  }

  /** Start-up reconciliation: close a row left open by a crash or a lost WebSocket. */
  closeCallLog(id: string, disposition: Disposition, cause: number | null, at: number, interruption?: InterruptionCause): boolean {
    return this.end(id, { disposition, hangupCause: cause, at, ...(interruption ? { interruption } : {}) });
  }

  /**
   * Rows not yet ended, oldest first (ties by id, as on PostgreSQL: reconciliation walks them in one order on
   * either store); pass a node id to see only that node's calls (multi-node).
   */
  listOpenCallLogs(nodeId?: string): CallLogRow[] {
    const where = nodeId === undefined ? isNull(callLogs.endedAt) : and(isNull(callLogs.endedAt), eq(callLogs.nodeId, nodeId));
    return this.db.select().from(callLogs).where(where).orderBy(asc(callLogs.createdAt), asc(callLogs.id)).all();
  }

  get(id: string): CallLogRow | undefined {
    return this.db.select().from(callLogs).where(eq(callLogs.id, id)).get();
  }

  list(q: CallLogQuery = {}): CallLogRow[] {
    const conds: SQL[] = [];
    if (q.campaignId !== undefined) conds.push(eq(callLogs.campaignId, q.campaignId));
    if (q.agentId !== undefined) conds.push(eq(callLogs.agentId, q.agentId));
    if (q.userId !== undefined) conds.push(eq(callLogs.userId, q.userId));
    if (q.disposition !== undefined) conds.push(eq(callLogs.disposition, q.disposition));
    if (q.from !== undefined) conds.push(gte(callLogs.createdAt, q.from));
    if (q.to !== undefined) conds.push(lt(callLogs.createdAt, q.to));
    const order = q.order === 'asc' ? asc(callLogs.createdAt) : desc(callLogs.createdAt);
    return this.db
      .select()
      .from(callLogs)
      .where(conds.length > 0 ? and(...conds) : undefined)
      .orderBy(order)
      .limit(q.limit ?? 1000)
      .offset(q.offset ?? 0)
      .all();
  }

  /** Every row of a campaign in creation order, paged by (created_at, id) so exports run in constant memory. */
  *iterate(campaignId: string, pageSize = 2000): Generator<CallLogRow> {
    let after: { at: number; id: string } | undefined;
    for (;;) {
      const conds: SQL[] = [eq(callLogs.campaignId, campaignId)];
      if (after !== undefined) {
        conds.push(sql`(${callLogs.createdAt} > ${after.at} or (${callLogs.createdAt} = ${after.at} and ${callLogs.id} > ${after.id}))`);
      }
      const page = this.db
        .select()
        .from(callLogs)
        .where(and(...conds))
        .orderBy(asc(callLogs.createdAt), asc(callLogs.id))
        .limit(pageSize)
        .all();
      yield* page;
      if (page.length < pageSize) return;
      const last = page.at(-1)!;
      after = { at: last.createdAt, id: last.id };
    }
  }

  /** Counts per disposition for a campaign (ended rows only), e.g. for drop-rate checks. */
  countByDisposition(campaignId: string, from?: number, to?: number): Partial<Record<Disposition, number>> {
    const conds: SQL[] = [eq(callLogs.campaignId, campaignId), sql`${callLogs.endedAt} is not null`];
    if (from !== undefined) conds.push(gte(callLogs.createdAt, from));
    if (to !== undefined) conds.push(lt(callLogs.createdAt, to));
    const rows = this.db
      .select({ disposition: callLogs.disposition, n: sql<number>`count(*)` })
      .from(callLogs)
      .where(and(...conds))
      .groupBy(callLogs.disposition)
      .all();
    const out: Partial<Record<Disposition, number>> = {};
    for (const r of rows) if (r.disposition !== null) out[r.disposition] = r.n;
    return out;
  }

  /**
   * A campaign's figures over CallLogs created since `from` (e.g. its local midnight). Dialer calls with a lead
   * only: test calls are not the campaign's traffic. US abandon rule: dropped / (connected + dropped).
   */
  /** Whether a CallLog of `leadId` names this user, or one of the user's agent records (the lead was dialled to them). */
  leadCalledBy(leadId: string, userId: string): boolean {
    const mine = this.db.select({ id: agents.id }).from(agents).where(eq(agents.userId, userId)).all().map((a) => a.id);
    const who = mine.length === 0 ? eq(callLogs.userId, userId) : or(eq(callLogs.userId, userId), inArray(callLogs.agentId, mine));
    return this.db.select({ id: callLogs.id }).from(callLogs).where(and(eq(callLogs.leadId, leadId), who)).limit(1).get() !== undefined;
  }

  /** Calls that ended in [from, to), counted by disposition (null: ended without one); read along the ended_at index. */
  endedByDisposition(from: number, to: number): Array<{ disposition: string | null; n: number }> {
    return this.db.all<{ disposition: string | null; n: number }>(
      sql`SELECT disposition AS disposition, count(*) AS n FROM call_logs WHERE ended_at >= ${from} AND ended_at < ${to} GROUP BY disposition`,
    );
  }

  campaignToday(campaignId: string, from: number): CampaignToday {
    const row = this.db
      .get<{ placed: number; answered: number; connected: number; dropped: number; machines: number }>(
        sql`select count(*) as placed,
                   coalesce(sum(answered_at is not null), 0) as answered,
                   coalesce(sum(disposition = 'ANSWERED_HUMAN'), 0) as connected,
                   coalesce(sum(disposition = 'DROPPED'), 0) as dropped,
                   coalesce(sum(disposition = 'MACHINE'), 0) as machines
              from call_logs
             where campaign_id = ${campaignId} and created_at >= ${from} and lead_id is not null and kind = 'dialer'`,
      );
    const humans = row.connected + row.dropped;
    return {
      placed: row.placed,
      answered: row.answered,
      humans,
      machines: row.machines,
      dropped: row.dropped,
      abandonPct: humans > 0 ? (row.dropped / humans) * 100 : 0,
    };
  }

  /** The AMD decision's trace, kept with the CallLog (call_amd_traces, compact) for a later replay. */
  get amdTraces(): AmdTraceRepo {
    return new AmdTraceRepo(this.db);
  }

  saveAmdTrace(id: string, trace: AmdTrace, at: number): boolean {
    return this.amdTraces.save(id, trace, at);
  }

  private update(id: string, patch: Record<string, unknown>): boolean {
    const r = this.db
      .update(callLogs)
      .set(patch as Partial<typeof callLogs.$inferInsert>)
      .where(and(eq(callLogs.id, id), isNull(callLogs.endedAt)))
      .run();
    return r.changes > 0;
  }
}
