import type { QaAverage } from './repos/qa.js';
import type { QaCriterion, QaScorecardRow, QaScoreRow } from './schema/qa.js';
import type { Store } from './store.js';

/** A score as the route stores it: the answers, notes and weighted percentage, with the call's agent/campaign/time. */
export interface QaScoreInput {
  callId: string;
  scorecardId: string;
  reviewerId: string;
  answers: Record<string, number>;
  criterionNotes: Record<string, string>;
  notes: string | null;
  percent: number;
  agentId: string | null;
  campaignId: string | null;
  callAt: number;
  at: number;
}

/** A call scored by two or more reviewers on one scorecard, and how far apart their percentages are. */
export interface QaCalibrationCall {
  callId: string;
  scorecardId: string;
  reviewers: number;
  spread: number;
}

/**
 * The QA routes' storage (#18): scorecards and reviewers' scores of calls, as one async shape over both dialects,
 * the sibling of `CallHistory`. An API over PostgreSQL scores the calls the engine nodes wrote there (the call itself
 * is looked up in `CallHistory`, the same database). Both answer the same rows in the same order: scorecards by name,
 * scores oldest first, calibration candidates by their last update, newest first — every tie by id (or call id,
 * scorecard id) in byte order; averages rounded to one decimal in SQL, periods floored to their UTC start.
 * PostgreSQL keeps the JSON columns as jsonb: the same values, but an object's keys may come back in another order.
 */
export interface QaStore {
  readonly dialect: 'sqlite' | 'postgres';
  scorecards(includeArchived: boolean): Promise<QaScorecardRow[]>;
  scorecard(id: string): Promise<QaScorecardRow | undefined>;
  createScorecard(c: { name: string; criteria: QaCriterion[]; createdBy: string | null; at: number }): Promise<QaScorecardRow>;
  /** undefined when there is no such scorecard. */
  updateScorecard(id: string, p: { name?: string; criteria?: QaCriterion[]; archived?: boolean }, at: number): Promise<QaScorecardRow | undefined>;
  /** One reviewer's score of a call on a scorecard; scoring again replaces it (createdAt and id kept). */
  upsertScore(s: QaScoreInput): Promise<QaScoreRow>;
  scoresOf(callId: string): Promise<QaScoreRow[]>;
  /** The scores of one call on one scorecard, side by side. */
  calibration(callId: string, scorecardId: string): Promise<QaScoreRow[]>;
  calibrationCalls(limit?: number): Promise<QaCalibrationCall[]>;
  averages(by: 'agent' | 'campaign', o: { from: number; to: number; periodDays: number; key?: string; keys?: string[] }): Promise<QaAverage[]>;
}

/** Over the SQLite store: the QA repository the routes always used. */
export function sqliteQaStore(store: Pick<Store, 'qa'>): QaStore {
  const qa = store.qa;
  return {
    dialect: 'sqlite',
    scorecards: async (includeArchived) => qa.scorecards(includeArchived),
    scorecard: async (id) => qa.scorecard(id),
    createScorecard: async (c) => qa.createScorecard(c),
    updateScorecard: async (id, p, at) => qa.updateScorecard(id, p, at),
    upsertScore: async (s) => qa.upsertScore(s),
    scoresOf: async (callId) => qa.scoresOf(callId),
    calibration: async (callId, scorecardId) => qa.calibration(callId, scorecardId),
    calibrationCalls: async (limit) => qa.calibrationCalls(limit),
    averages: async (by, o) => qa.averages(by, o),
  };
}
