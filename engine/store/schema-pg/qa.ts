import { pgTable, text, bigint, boolean, jsonb, doublePrecision, index, uniqueIndex } from 'drizzle-orm/pg-core';
import { type QaCriterion } from '../schema/qa.js';

/** Scorecards defined by supervisors: criteria with weights and answer types. */
export const qaScorecards = pgTable('qa_scorecards', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  criteria: jsonb('criteria').$type<QaCriterion[]>().notNull(),
  createdBy: text('created_by'),
  createdAt: bigint('created_at', { mode: 'number' }).notNull(),
  updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  archived: boolean('archived').notNull().default(false),
});

/** One reviewer's score of one call on one scorecard: the answers, notes, the weighted percentage, who and when. */
export const qaScores = pgTable(
  'qa_scores',
  {
    id: text('id').primaryKey(),
    callId: text('call_id').notNull(),
    scorecardId: text('scorecard_id').notNull(),
    reviewerId: text('reviewer_id').notNull(),
    /** criterion id → answer (yes/no as 1/0, 1–5, points). */
    answers: jsonb('answers').$type<Record<string, number>>().notNull(),
    /** criterion id → note, and the overall note. */
    criterionNotes: jsonb('criterion_notes').$type<Record<string, string>>().notNull().default({}),
    notes: text('notes'),
    /** Weighted score 0–100. */
    percent: doublePrecision('percent').notNull(),
    /** Denormalised from the CallLog for the averages per agent and campaign over time. */
    agentId: text('agent_id'),
    campaignId: text('campaign_id'),
    callAt: bigint('call_at', { mode: 'number' }).notNull(),
    createdAt: bigint('created_at', { mode: 'number' }).notNull(),
    updatedAt: bigint('updated_at', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('qa_scores_call_card_reviewer_idx').on(t.callId, t.scorecardId, t.reviewerId),
    index('qa_scores_agent_idx').on(t.agentId, t.callAt),
    index('qa_scores_campaign_idx').on(t.campaignId, t.callAt),
  ],
);
