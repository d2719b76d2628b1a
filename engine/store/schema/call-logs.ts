import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { sql } from 'drizzle-orm';
import type { AmdStatus } from '../../amd/index.js';
import type { Disposition, InterruptionCause } from '../../events/index.js';

/** The last transition written; a row whose stage is not `ended` after a crash is closed at start-up. */
export const CALL_STAGES = ['created', 'ringing', 'answered', 'amd', 'bridged', 'ended'] as const;
export type CallStage = (typeof CALL_STAGES)[number];

/**
 * One row per dial attempt (or manual call), written at each transition so a crash leaves the last known state.
 * Timestamps are epoch ms from the engine's Clock; durations are ms and filled when the call ends.
 */
export const callLogs = sqliteTable(
  'call_logs',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: ['dialer', 'manual'] }).notNull().default('dialer'),
    campaignId: text('campaign_id'),
    leadId: text('lead_id'),
    phone: text('phone').notNull(),
    agentId: text('agent_id'),
    /** The human behind the call (manual calls, or the agent's user for dialer calls when known). */
    userId: text('user_id'),
    channelId: text('channel_id'),
    agentChannelId: text('agent_channel_id'),
    bridgeId: text('bridge_id'),
    stage: text('stage', { enum: CALL_STAGES }).notNull().default('created'),
    createdAt: integer('created_at').notNull(),
    ringingAt: integer('ringing_at'),
    answeredAt: integer('answered_at'),
    amdAt: integer('amd_at'),
    bridgedAt: integer('bridged_at'),
    endedAt: integer('ended_at'),
    ringMs: integer('ring_ms'),
    talkMs: integer('talk_ms'),
    totalMs: integer('total_ms'),
    disposition: text('disposition').$type<Disposition>(),
    hangupCause: integer('hangup_cause'),
    dialStatus: text('dial_status'),
    amdStatus: text('amd_status').$type<AmdStatus>(),
    amdCause: text('amd_cause'),
    amdDecisionMs: integer('amd_decision_ms'),
    amdTreatedAs: text('amd_treated_as', { enum: ['HUMAN', 'MACHINE'] }),
    /**
     * The async watch's late verdict beside the first one: after a HUMAN (or NOTSURE) verdict a beep, a
     * monologue or a string of prompts turned the call into a machine (cause LATEBEEP-… / MONOLOGUE-… /
     * PROMPTS-…); ms of audio analysed; when.
     */
    amdLateCause: text('amd_late_cause'),
    amdLateDecisionMs: integer('amd_late_decision_ms'),
    amdLateAt: integer('amd_late_at'),
    safeHarborPlayed: integer('safe_harbor_played', { mode: 'boolean' }).notNull().default(false),
    voicemailLeft: integer('voicemail_left', { mode: 'boolean' }).notNull().default(false),
    recordingRef: text('recording_ref'),
    notes: text('notes'),
    /** What the agent recorded after talking (sale, callback, not interested…); `disposition` is how the dial ended. */
    outcome: text('outcome'),
    /** Set when an agent hung up from the console ('agent'); otherwise the side is read from the disposition. */
    hangupBy: text('hangup_by'),
    nodeId: text('node_id').notNull(),
    /** Why the end of the call was not seen (asterisk_restart, ari_lost, engine_lost, engine_stopped); null when it was. */
    interruption: text('interruption').$type<InterruptionCause>(),
    /**
     * Last moment the engine knew the call was alive (stamped every few seconds while open): when the engine dies,
     * the next start ends the row here instead of at its own start, so an outage does not inflate talk time.
     */
    aliveAt: integer('alive_at'),
  },
  (t) => [
    index('call_logs_campaign_created_idx').on(t.campaignId, t.createdAt),
    index('call_logs_agent_created_idx').on(t.agentId, t.createdAt),
    index('call_logs_user_created_idx').on(t.userId, t.createdAt),
    index('call_logs_created_idx').on(t.createdAt),
    index('call_logs_disposition_idx').on(t.campaignId, t.disposition),
    // Call lists filtered by disposition come newest first: these serve filter and order without a sort.
    index('call_logs_disposition_created_idx').on(t.disposition, t.createdAt),
    index('call_logs_campaign_disposition_created_idx').on(t.campaignId, t.disposition, t.createdAt),
    index('call_logs_lead_idx').on(t.leadId),
    // Start-up reconciliation: open rows only.
    index('call_logs_open_idx').on(t.endedAt, t.nodeId),
    // A person's search by a local or whole number (8 digits or more): the number's last 8 characters
    // (repos/call-list.ts phoneMatch). The same text on both dialects: the queries spell it this way.
    index('call_logs_phone_tail_idx').on(sql`substr(${t.phone}, length(${t.phone}) - 7)`),
  ],
);

export type CallLogRow = typeof callLogs.$inferSelect;
export type NewCallLogRow = typeof callLogs.$inferInsert;
