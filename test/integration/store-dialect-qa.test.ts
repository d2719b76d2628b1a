/**
 * The QA routes' storage (engine/store `QaStore`, #18: scorecards, reviewers' scores of calls, averages, calibration),
 * one body on SQLite and on PostgreSQL (test/support/store-dialects.ts, the PostgreSQL database sorting text
 * linguistically). The same scorecards and scores are written on both through the port, and every answer is
 * asserted against one literal, so a dialect that differs fails. Chosen to catch what differs between the two SQL
 * dialects: names and ids that byte order and a linguistic collation sort differently, JSON columns (jsonb on
 * PostgreSQL), a re-score replacing the first (upsert on the unique call/scorecard/reviewer), counts PostgreSQL
 * returns as bigint, a mean rounded to one decimal on a half (72.75), periods floored at a Monday 00:00 UTC boundary,
 * an empty key list, ties of the calibration candidates in byte order.
 */
import { expect, it } from 'vitest';
import type { QaCriterion, QaScoreInput } from '../../engine/store/index.js';
import { describeDialects, type DialectHarness } from '../support/store-dialects.js';

const DAY = 86_400_000;
/** Monday 5 January 2026, 00:00 UTC: a week's start (weeks start on Mondays). */
const MON = Date.UTC(2026, 0, 5);

const CRITERIA: QaCriterion[] = [
  { id: 'greet', label: 'Greets', type: 'yesno', weight: 2, section: 'Opening' },
  { id: 'tone', label: 'Tone', type: 'scale5', weight: 1 },
  { id: 'disclosure', label: 'Legal disclosure', type: 'yesno', weight: 1, critical: true },
];

const score = (o: Partial<QaScoreInput> & Pick<QaScoreInput, 'callId' | 'reviewerId' | 'percent' | 'callAt' | 'at'>, scorecardId: string): QaScoreInput => ({
  scorecardId,
  answers: { tone: 4, greet: 1 },
  criterionNotes: {},
  notes: null,
  agentId: 'a1',
  campaignId: 'k1',
  ...o,
});

async function cards(h: DialectHarness): Promise<string[]> {
  // Names byte order and a linguistic collation sort differently ('Beta' < 'alpha' < 'beta' in bytes), and a tie.
  const ids: string[] = [];
  for (const [name, at] of [
    ['beta', 1000],
    ['alpha', 1001],
    ['Beta', 1002],
    ['alpha', 1003],
  ] as const)
    ids.push((await h.qaStore.createScorecard({ name, criteria: CRITERIA, createdBy: 'u-sup', at })).id);
  return ids;
}

describeDialects(
  'QaStore',
  (h) => {
    it('lists scorecards by name then id in byte order, keeps the criteria, archives and renames', async () => {
      const [beta, alpha1, Beta, alpha2] = await cards(h);
      const list = await h.qaStore.scorecards(false);
      expect(list.map((c) => c.name)).toEqual(['Beta', 'alpha', 'alpha', 'beta']);
      expect(list.map((c) => c.id)).toEqual([Beta, alpha1, alpha2, beta]);
      expect(list[0]).toEqual({ id: Beta, name: 'Beta', criteria: CRITERIA, createdBy: 'u-sup', createdAt: 1002, updatedAt: 1002, archived: false });

      const archived = await h.qaStore.updateScorecard(alpha1!, { archived: true, name: 'Alpha old' }, 2000);
      expect(archived).toMatchObject({ id: alpha1, name: 'Alpha old', archived: true, criteria: CRITERIA, createdAt: 1001, updatedAt: 2000 });
      expect((await h.qaStore.scorecards(false)).map((c) => c.id)).toEqual([Beta, alpha2, beta]);
      expect((await h.qaStore.scorecards(true)).map((c) => c.name)).toEqual(['Alpha old', 'Beta', 'alpha', 'beta']);
      expect(await h.qaStore.updateScorecard('nope', { name: 'x' }, 2001)).toBeUndefined();
      expect(await h.qaStore.scorecard('nope')).toBeUndefined();
      expect((await h.qaStore.scorecard(beta!))?.name).toBe('beta');
    });

    it('stores one score per call, scorecard and reviewer; scoring again replaces it and keeps id and creation', async () => {
      const [card] = await cards(h);
      const first = await h.qaStore.upsertScore(score({ callId: 'c1', reviewerId: 'r1', percent: 75, callAt: MON, at: 5000, notes: 'ok', criterionNotes: { tone: 'flat' } }, card!));
      expect(first).toEqual({
        id: first.id,
        callId: 'c1',
        scorecardId: card,
        reviewerId: 'r1',
        answers: { greet: 1, tone: 4 },
        criterionNotes: { tone: 'flat' },
        notes: 'ok',
        percent: 75,
        agentId: 'a1',
        campaignId: 'k1',
        callAt: MON,
        createdAt: 5000,
        updatedAt: 5000,
      });
      const again = await h.qaStore.upsertScore(score({ callId: 'c1', reviewerId: 'r1', percent: 0, callAt: MON, at: 6000, answers: { greet: 1, disclosure: 0 } }, card!));
      expect(again).toMatchObject({ id: first.id, createdAt: 5000, updatedAt: 6000, percent: 0, answers: { greet: 1, disclosure: 0 }, notes: null, criterionNotes: {} });
      // Two other reviewers, one at the same moment as another (ties by id: the order they were stored in).
      const r2 = await h.qaStore.upsertScore(score({ callId: 'c1', reviewerId: 'r2', percent: 80.5, callAt: MON, at: 7000 }, card!));
      const r3 = await h.qaStore.upsertScore(score({ callId: 'c1', reviewerId: 'r3', percent: 90, callAt: MON, at: 7000 }, card!));
      const scores = await h.qaStore.scoresOf('c1');
      expect(scores.map((s) => [s.reviewerId, s.percent])).toEqual([
        ['r1', 0],
        ['r2', 80.5],
        ['r3', 90],
      ]);
      expect(scores.map((s) => s.id)).toEqual([first.id, r2.id, r3.id]);
      expect((await h.qaStore.calibration('c1', card!)).map((s) => s.reviewerId)).toEqual(['r1', 'r2', 'r3']);
      expect(await h.qaStore.calibration('c1', 'other')).toEqual([]);
      expect(await h.qaStore.scoresOf('c2')).toEqual([]);
    });

    it('lists calibration candidates newest first, ties by call id in byte order, counts as numbers', async () => {
      const [card, other] = await cards(h);
      for (const [callId, reviewerId, percent, at] of [
        ['ca', 'r1', 50, 100],
        ['ca', 'r2', 75.5, 900],
        ['cB', 'r1', 60, 900],
        ['cB', 'r2', 60, 200],
        ['cB', 'r3', 100, 300],
        ['solo', 'r1', 10, 5000],
        ['old', 'r1', 10, 10],
        ['old', 'r2', 30, 20],
      ] as const)
        await h.qaStore.upsertScore(score({ callId, reviewerId, percent, callAt: MON, at }, card!));
      await h.qaStore.upsertScore(score({ callId: 'ca', reviewerId: 'r1', percent: 1, callAt: MON, at: 800 }, other!));
      expect(await h.qaStore.calibrationCalls()).toEqual([
        { callId: 'cB', scorecardId: card, reviewers: 3, spread: 40 },
        { callId: 'ca', scorecardId: card, reviewers: 2, spread: 25.5 },
        { callId: 'old', scorecardId: card, reviewers: 2, spread: 20 },
      ]);
      expect(await h.qaStore.calibrationCalls(1)).toEqual([{ callId: 'cB', scorecardId: card, reviewers: 3, spread: 40 }]);
    });

    it('averages per agent and campaign by UTC week (from Monday), day and 30-day month, one decimal (halves up)', async () => {
      const [card] = await cards(h);
      let n = 0;
      const put = (agentId: string | null, campaignId: string | null, callAt: number, percent: number) =>
        h.qaStore.upsertScore(score({ callId: `c${++n}`, reviewerId: 'r1', agentId, campaignId, percent, callAt, at: 10_000 + n }, card!));
      await put('a1', 'k1', MON - 1, 40); // Sunday 23:59:59.999: the week before
      await put('a1', 'k1', MON, 72.5); // Monday 00:00: this week
      await put('a1', 'k2', MON + 6 * DAY, 73); // Sunday of this week: (72.5 + 73) / 2 = 72.75 → 72.8
      await put('aZ', 'k1', MON + DAY, 100);
      await put('a_', 'k2', MON + DAY, 20);
      await put(null, null, MON + DAY, 5); // no agent, no campaign: in no average
      await put('a1', 'k1', MON + 7 * DAY + 1, 50); // the next week
      const week = { from: MON - 7 * DAY, to: MON + 14 * DAY, periodDays: 7 };
      expect(await h.qaStore.averages('agent', week)).toEqual([
        { key: 'a1', period: MON - 7 * DAY, average: 40, scores: 1 },
        { key: 'a1', period: MON, average: 72.8, scores: 2 },
        { key: 'a1', period: MON + 7 * DAY, average: 50, scores: 1 },
        { key: 'aZ', period: MON, average: 100, scores: 1 },
        { key: 'a_', period: MON, average: 20, scores: 1 },
      ]);
      expect(await h.qaStore.averages('campaign', { ...week, from: MON, to: MON + 7 * DAY })).toEqual([
        { key: 'k1', period: MON, average: 86.3, scores: 2 }, // (72.5 + 100) / 2 = 86.25
        { key: 'k2', period: MON, average: 46.5, scores: 2 },
      ]);
      // Days: floored to the UTC midnight; 30-day months from the epoch.
      expect(await h.qaStore.averages('agent', { from: MON, to: MON + 2 * DAY, periodDays: 1, key: 'a1' })).toEqual([{ key: 'a1', period: MON, average: 72.5, scores: 1 }]);
      // 30-day months from the epoch: one starts on Wednesday 7 January 2026.
      const month = Math.floor(MON / (30 * DAY)) * 30 * DAY;
      expect(month + 30 * DAY).toBe(MON + 2 * DAY);
      expect(await h.qaStore.averages('agent', { from: MON - DAY, to: MON + 8 * DAY, periodDays: 30, keys: ['a1', 'aZ'] })).toEqual([
        { key: 'a1', period: month, average: 56.3, scores: 2 }, // (40 + 72.5) / 2 = 56.25
        { key: 'a1', period: month + 30 * DAY, average: 61.5, scores: 2 },
        { key: 'aZ', period: month, average: 100, scores: 1 },
      ]);
      // A caller who may see no agent sees no average.
      expect(await h.qaStore.averages('agent', { ...week, keys: [] })).toEqual([]);
      // [from, to): a score at `to` is out.
      expect(await h.qaStore.averages('agent', { from: MON - 1, to: MON, periodDays: 7 })).toEqual([{ key: 'a1', period: MON - 7 * DAY, average: 40, scores: 1 }]);
    });
  },
  { prefix: 'h_qa_pg' },
);
