import { index, integer, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

/** One criterion of a scorecard: how it is answered and how much it weighs in the total. */
export interface QaCriterion {
  id: string;
  label: string;
  /** yes/no (yes = full marks), a 1–5 scale, or a number from 0 to `max`. */
  type: 'yesno' | 'scale5' | 'points';
  weight: number;
  /** For `points`. */
  max?: number;
  /** The section it is listed under on the scorecard (e.g. "Opening", "Compliance"); none = no section. */
  section?: string;
  /**
   * A critical item (yes/no only): answered "no", the whole score is 0 whatever the rest — a call-center's
   * "auto-fail" (a missing legal disclosure cannot be made up by a friendly tone).
   */
  critical?: boolean;
}

/** Scorecards defined by supervisors: criteria with weights and answer types. */
export const qaScorecards = sqliteTable('qa_scorecards', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  criteria: text('criteria', { mode: 'json' }).$type<QaCriterion[]>().notNull(),
  createdBy: text('created_by'),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  archived: integer('archived', { mode: 'boolean' }).notNull().default(false),
});

export type QaScorecardRow = typeof qaScorecards.$inferSelect;

/** One reviewer's score of one call on one scorecard: the answers, notes, the weighted percentage, who and when. */
export const qaScores = sqliteTable(
  'qa_scores',
  {
    id: text('id').primaryKey(),
    callId: text('call_id').notNull(),
    scorecardId: text('scorecard_id').notNull(),
    reviewerId: text('reviewer_id').notNull(),
    /** criterion id → answer (yes/no as 1/0, 1–5, points). */
    answers: text('answers', { mode: 'json' }).$type<Record<string, number>>().notNull(),
    /** criterion id → note, and the overall note. */
    criterionNotes: text('criterion_notes', { mode: 'json' }).$type<Record<string, string>>().notNull().default({}),
    notes: text('notes'),
    /** Weighted score 0–100. */
    percent: real('percent').notNull(),
    /** Denormalised from the CallLog for the averages per agent and campaign over time. */
    agentId: text('agent_id'),
    campaignId: text('campaign_id'),
    callAt: integer('call_at').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
  },
  (t) => [
    uniqueIndex('qa_scores_call_card_reviewer_idx').on(t.callId, t.scorecardId, t.reviewerId),
    index('qa_scores_agent_idx').on(t.agentId, t.callAt),
    index('qa_scores_campaign_idx').on(t.campaignId, t.callAt),
  ],
);

export type QaScoreRow = typeof qaScores.$inferSelect;
