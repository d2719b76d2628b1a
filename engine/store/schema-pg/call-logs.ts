import { pgTable, text, integer, bigint, boolean, index } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { CALL_STAGES } from '../schema/call-logs.js';
import type { AmdStatus } from '../../amd/index.js';
import type { Disposition, InterruptionCause } from '../../events/index.js';

/**
 * One row per dial attempt (or manual call), written at each transition so a crash leaves the last known state.
 * Timestamps are epoch ms from the engine's Clock; durations are ms and filled when the call ends.
 */
export const callLogs = pgTable(
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
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    ringingAt: bigint('ringing_at', { mode: 'number' }),
    answeredAt: bigint('answered_at', { mode: 'number' }),
    amdAt: bigint('amd_at', { mode: 'number' }),
    bridgedAt: bigint('bridged_at', { mode: 'number' }),
    endedAt: bigint('ended_at', { mode: 'number' }),
    ringMs: bigint('ring_ms', { mode: 'number' }),
    talkMs: bigint('talk_ms', { mode: 'number' }),
    totalMs: bigint('total_ms', { mode: 'number' }),
    disposition: text('disposition').$type<Disposition>(),
    hangupCause: integer('hangup_cause'),
    dialStatus: text('dial_status'),
    amdStatus: text('amd_status').$type<AmdStatus>(),
    amdCause: text('amd_cause'),
    amdDecisionMs: bigint('amd_decision_ms', { mode: 'number' }),
    amdTreatedAs: text('amd_treated_as', { enum: ['HUMAN', 'MACHINE'] }),
    /**
     * The async watch's late verdict beside the first one: after a HUMAN (or NOTSURE) verdict a beep or a
     * monologue turned the call into a machine (cause LATEBEEP-… / MONOLOGUE-…); ms of audio analysed; when.
     */
    amdLateCause: text('amd_late_cause'),
    amdLateDecisionMs: bigint('amd_late_decision_ms', { mode: 'number' }),
    amdLateAt: bigint('amd_late_at', { mode: 'number' }),
    safeHarborPlayed: boolean('safe_harbor_played').notNull().default(false),
    voicemailLeft: boolean('voicemail_left').notNull().default(false),
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
    aliveAt: bigint('alive_at', { mode: 'number' }),
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
