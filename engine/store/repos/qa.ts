import { and, asc, desc, eq, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { sortableId } from '../ids.js';
import { qaScorecards, qaScores, type QaCriterion, type QaScorecardRow, type QaScoreRow } from '../schema/qa.js';

/**
 * Weighted percentage (0–100) of a set of answers on a scorecard; unanswered criteria count as 0. A critical
 * item answered "no" makes it 0.
 */
export function scorePercent(criteria: readonly QaCriterion[], answers: Readonly<Record<string, number>>): number {
  if (criteria.some((c) => c.critical && c.type === 'yesno' && answers[c.id] === 0)) return 0;
  let total = 0;
  let got = 0;
  for (const c of criteria) {
    total += c.weight;
    const a = answers[c.id];
    if (a === undefined) continue;
    const frac = c.type === 'yesno' ? (a ? 1 : 0) : c.type === 'scale5' ? (Math.min(5, Math.max(1, a)) - 1) / 4 : Math.min(1, Math.max(0, a / (c.max ?? 1)));
    got += c.weight * frac;
  }
  return total === 0 ? 0 : Math.round((got / total) * 1000) / 10;
}

export interface QaAverage {
  key: string;
  /** Start of the period (epoch ms, UTC day/week/month). */
  period: number;
  average: number;
  scores: number;
}

/** QA scorecards and scores (api/routes/qa.ts). */
export class QaRepo {
  constructor(private readonly db: Db) {}

  createScorecard(c: { name: string; criteria: QaCriterion[]; createdBy: string | null; at: number }): QaScorecardRow {
    return this.db
      .insert(qaScorecards)
      .values({ id: sortableId(c.at), name: c.name, criteria: c.criteria, createdBy: c.createdBy, createdAt: c.at, updatedAt: c.at })
      .returning()
      .get();
  }

  updateScorecard(id: string, p: { name?: string; criteria?: QaCriterion[]; archived?: boolean }, at: number): QaScorecardRow | undefined {
    return this.db.update(qaScorecards).set({ ...p, updatedAt: at }).where(eq(qaScorecards.id, id)).returning().get();
  }

  scorecard(id: string): QaScorecardRow | undefined {
    return this.db.select().from(qaScorecards).where(eq(qaScorecards.id, id)).get();
  }

  scorecards(includeArchived = false): QaScorecardRow[] {
    const q = this.db.select().from(qaScorecards);
    return (includeArchived ? q : q.where(eq(qaScorecards.archived, false))).orderBy(asc(qaScorecards.name), asc(qaScorecards.id)).all();
  }

  /** One reviewer's score of a call on a scorecard; scoring again replaces it (who/when kept: updatedAt). */
  upsertScore(s: {
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
  }): QaScoreRow {
    const { at, ...rest } = s;
    return this.db
      .insert(qaScores)
      .values({ id: sortableId(at), ...rest, createdAt: at, updatedAt: at })
      .onConflictDoUpdate({
        target: [qaScores.callId, qaScores.scorecardId, qaScores.reviewerId],
        set: { answers: s.answers, criterionNotes: s.criterionNotes, notes: s.notes, percent: s.percent, updatedAt: at },
      })
      .returning()
      .get();
  }

  scoresOf(callId: string): QaScoreRow[] {
    return this.db.select().from(qaScores).where(eq(qaScores.callId, callId)).orderBy(asc(qaScores.createdAt), asc(qaScores.id)).all();
  }

  /** Scores of the same call on the same scorecard by different reviewers: calibration. */
  calibration(callId: string, scorecardId: string): QaScoreRow[] {
    return this.db
      .select()
      .from(qaScores)
      .where(and(eq(qaScores.callId, callId), eq(qaScores.scorecardId, scorecardId)))
      .orderBy(asc(qaScores.createdAt), asc(qaScores.id))
      .all();
  }

  /** Calls scored by two or more reviewers on one scorecard (candidates for the calibration view), newest first. */
  calibrationCalls(limit = 50): Array<{ callId: string; scorecardId: string; reviewers: number; spread: number }> {
    return this.db
      .select({
        callId: qaScores.callId,
        scorecardId: qaScores.scorecardId,
        reviewers: sql<number>`count(*)`,
        spread: sql<number>`max(${qaScores.percent}) - min(${qaScores.percent})`,
      })
      .from(qaScores)
      .groupBy(qaScores.callId, qaScores.scorecardId)
      .having(sql`count(*) >= 2`)
      .orderBy(desc(sql`max(${qaScores.updatedAt})`), asc(qaScores.callId), asc(qaScores.scorecardId))
      .limit(limit)
      .all();
  }

  /** Mean score per agent or campaign and period (UTC days, 7-day weeks from the epoch's Monday, or 30-day months). */
  averages(by: 'agent' | 'campaign', o: { from: number; to: number; periodDays: number; key?: string; keys?: string[] }): QaAverage[] {
    const col = by === 'agent' ? qaScores.agentId : qaScores.campaignId;
    const span = o.periodDays * 86_400_000;
    // 1970-01-05 was a Monday: weeks start on Mondays.
    const origin = o.periodDays === 7 ? 4 * 86_400_000 : 0;
    // Bound numbers arrive as REAL: cast, so the division floors to the period's start.
    const period = sql<number>`cast((${qaScores.callAt} - ${origin}) / ${span} as integer) * ${span} + ${origin}`;
    const conds = [gte(qaScores.callAt, o.from), lt(qaScores.callAt, o.to), sql`${col} is not null`];
    if (o.key !== undefined) conds.push(eq(col, o.key));
    if (o.keys !== undefined) conds.push(o.keys.length ? sql`${col} in ${o.keys}` : sql`0`);
    return this.db
      .select({ key: sql<string>`${col}`, period, average: sql<number>`round(avg(${qaScores.percent}), 1)`, scores: sql<number>`count(*)` })
      .from(qaScores)
      .where(and(...conds))
      .groupBy(col, period)
      .orderBy(asc(col), asc(period))
      .all();
  }
}
