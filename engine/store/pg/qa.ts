import { and, asc, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { sortableId } from '../ids.js';
import type { QaCalibrationCall, QaScoreInput, QaStore } from '../qa-store.js';
import type { QaAverage } from '../repos/qa.js';
import { qaScorecards, qaScores } from '../schema-pg/qa.js';
import type { QaCriterion, QaScorecardRow, QaScoreRow } from '../schema/qa.js';
import type { PgPool } from './connect.js';
import { pgDb, type PgDb } from './drizzle.js';

/** Text compared byte by byte, as SQLite compares it, whatever the database's collation. */
const bytes = (col: typeof qaScores.id) => sql`${col} collate "C"`;

/**
 * `QaRepo` on PostgreSQL (#18, `QaStore`): the same statements, where the dialects differ made to answer alike —
 * text ordered in byte order (`collate "C"`), counts as integers (PostgreSQL counts in bigint, which pg returns as
 * strings), the mean rounded as numeric (SQLite's round of a double, half away from zero), the period floored by
 * integer division of bigints (SQLite's cast of a division).
 */
export class PgQaStore implements QaStore {
  readonly dialect = 'postgres' as const;
  private readonly db: PgDb;
  constructor(pool: PgPool) {
    this.db = pgDb(pool);
  }

  async scorecards(includeArchived: boolean): Promise<QaScorecardRow[]> {
    return this.db
      .select()
      .from(qaScorecards)
      .where(includeArchived ? undefined : eq(qaScorecards.archived, false))
      .orderBy(sql`${qaScorecards.name} collate "C"`, sql`${qaScorecards.id} collate "C"`);
  }

  async scorecard(id: string): Promise<QaScorecardRow | undefined> {
    const rows = await this.db.select().from(qaScorecards).where(eq(qaScorecards.id, id));
    return rows[0];
  }

  async createScorecard(c: { name: string; criteria: QaCriterion[]; createdBy: string | null; at: number }): Promise<QaScorecardRow> {
    const rows = await this.db
      .insert(qaScorecards)
      .values({ id: sortableId(c.at), name: c.name, criteria: c.criteria, createdBy: c.createdBy, createdAt: c.at, updatedAt: c.at })
      .returning();
    return rows[0]!;
  }

  async updateScorecard(id: string, p: { name?: string; criteria?: QaCriterion[]; archived?: boolean }, at: number): Promise<QaScorecardRow | undefined> {
    const rows = await this.db.update(qaScorecards).set({ ...p, updatedAt: at }).where(eq(qaScorecards.id, id)).returning();
    return rows[0];
  }

  async upsertScore(s: QaScoreInput): Promise<QaScoreRow> {
    const { at, ...rest } = s;
    const rows = await this.db
      .insert(qaScores)
      .values({ id: sortableId(at), ...rest, createdAt: at, updatedAt: at })
      .onConflictDoUpdate({
        target: [qaScores.callId, qaScores.scorecardId, qaScores.reviewerId],
        set: { answers: s.answers, criterionNotes: s.criterionNotes, notes: s.notes, percent: s.percent, updatedAt: at },
      })
      .returning();
    return rows[0]!;
  }

  async scoresOf(callId: string): Promise<QaScoreRow[]> {
    return this.db.select().from(qaScores).where(eq(qaScores.callId, callId)).orderBy(asc(qaScores.createdAt), bytes(qaScores.id));
  }

  async calibration(callId: string, scorecardId: string): Promise<QaScoreRow[]> {
    return this.db
      .select()
      .from(qaScores)
      .where(and(eq(qaScores.callId, callId), eq(qaScores.scorecardId, scorecardId)))
      .orderBy(asc(qaScores.createdAt), bytes(qaScores.id));
  }

  async calibrationCalls(limit = 50): Promise<QaCalibrationCall[]> {
    return this.db
      .select({
        callId: qaScores.callId,
        scorecardId: qaScores.scorecardId,
        reviewers: sql<number>`count(*)::int`,
        spread: sql<number>`max(${qaScores.percent}) - min(${qaScores.percent})`,
      })
      .from(qaScores)
      .groupBy(qaScores.callId, qaScores.scorecardId)
      .having(sql`count(*) >= 2`)
      .orderBy(desc(sql`max(${qaScores.updatedAt})`), sql`${qaScores.callId} collate "C"`, sql`${qaScores.scorecardId} collate "C"`)
      .limit(limit);
  }

  async averages(by: 'agent' | 'campaign', o: { from: number; to: number; periodDays: number; key?: string; keys?: string[] }): Promise<QaAverage[]> {
    const col = by === 'agent' ? qaScores.agentId : qaScores.campaignId;
    const span = o.periodDays * 86_400_000;
    // 1970-01-05 was a Monday: weeks start on Mondays (as QaRepo.averages).
    const origin = o.periodDays === 7 ? 4 * 86_400_000 : 0;
    // bigint / bigint floors (call times are after the origin): the period's start, as a JavaScript number. The two
    // constants are written into the statement, not bound: GROUP BY must see the very expression the SELECT has.
    const k = (n: number) => sql.raw(String(Math.trunc(n)));
    const period = sql<number>`((${qaScores.callAt} - ${k(origin)}) / ${k(span)} * ${k(span)} + ${k(origin)})::float8`;
    const conds: SQL[] = [gte(qaScores.callAt, o.from), lt(qaScores.callAt, o.to), sql`${col} is not null`];
    if (o.key !== undefined) conds.push(eq(col, o.key));
    if (o.keys !== undefined) conds.push(o.keys.length ? inArray(col, o.keys) : sql`false`);
    return this.db
      .select({
        key: sql<string>`${col}`,
        period,
        average: sql<number>`round(avg(${qaScores.percent})::numeric, 1)::float8`,
        scores: sql<number>`count(*)::int`,
      })
      .from(qaScores)
      .where(and(...conds))
      .groupBy(col, period)
      .orderBy(sql`${col} collate "C"`, period);
  }
}
