/**
 * The recordings' metadata reads (engine/store `RecordingCatalog`, #18: what GET /api/recordings and
 * GET /api/recordings/{callId} read), one body on SQLite and on PostgreSQL (test/support/store-dialects.ts, the
 * PostgreSQL database sorting text linguistically). The same CallLogs are written on both as a node writes them, the
 * same recording rows, jobs and AMD trace seeded as the recorder writes them; every answer is asserted against one
 * literal. Chosen to catch what differs between the dialects: ties of the newest-first order by call id, descending in
 * byte order ('ra' before 'rB'; a linguistic collation puts 'rB' first), an empty visibility list, the mean-QA-score filter (a correlated subquery), jsonb pauses and
 * peaks, counts as numbers, the AMD trace decoded, a deleted campaign's name absent.
 */
import { expect, it } from 'vitest';
import { encodeAmdTrace, type AmdTrace } from '../../engine/amd/index.js';
import type { Disposition } from '../../engine/events/index.js';
import type { RecordingFilter } from '../../engine/store/index.js';
import { describeDialects, type DialectHarness } from '../support/store-dialects.js';

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0);
const MIN = 60_000;

interface Rec {
  id: string;
  at: number;
  agentId: string | null;
  campaignId: string | null;
  disposition: Disposition;
  userId?: string;
  state?: 'ready' | 'deleted' | 'failed';
  machine?: boolean;
}

const RECS: Rec[] = [
  { id: 'r1', at: T0, agentId: 'a1', campaignId: 'k1', disposition: 'ANSWERED_HUMAN', userId: 'u1' },
  { id: 'r2', at: T0 + MIN, agentId: null, campaignId: 'k1', disposition: 'MACHINE', machine: true },
  // Two started at the same moment: descending byte order puts 'ra' before 'rB' (a linguistic collation would not).
  { id: 'ra', at: T0 + 2 * MIN, agentId: 'a2', campaignId: 'k2', disposition: 'ANSWERED_HUMAN', userId: 'u2' },
  { id: 'rB', at: T0 + 2 * MIN, agentId: 'a1', campaignId: 'gone', disposition: 'ANSWERED_HUMAN', userId: 'u1' },
  { id: 'rd', at: T0 + 3 * MIN, agentId: 'a1', campaignId: 'k1', disposition: 'ANSWERED_HUMAN', userId: 'u1', state: 'deleted' },
];

const TRACE: AmdTrace = { frameEnergy: [0, 120, 4000, 3900], words: [{ startMs: 20, endMs: 60 }], notes: ['greeting 40 ms'], decisionFrame: 3 };

async function seed(h: DialectHarness): Promise<void> {
  await h.seed.campaign('k1', { name: 'Norte' }, T0 - MIN);
  await h.seed.campaign('k2', { name: 'Sur' }, T0 - MIN);
  for (const r of RECS) {
    // 'gone' names a campaign that was deleted: the CallLog keeps its id, no campaign row is there.
    await h.callLogs.create({ id: r.id, campaignId: r.campaignId === 'gone' ? null : r.campaignId, leadId: null, phone: '+34910000000', nodeId: 'node-1', at: r.at });
    await h.callLogs.markAnswered(r.id, r.at + 1000);
    await h.callLogs.markAmd(r.id, { status: r.machine ? 'MACHINE' : 'HUMAN', cause: 'X', decisionMs: 900, at: r.at + 1900 });
    if (r.agentId) await h.callLogs.markBridged(r.id, { agentId: r.agentId, at: r.at + 2000 });
    await h.callLogs.end(r.id, { disposition: r.disposition, hangupCause: 16, at: r.at + 30_000 });
    if (r.userId) await h.seed.callUser(r.id, r.userId);
    await h.seed.row('recordings', {
      callId: r.id,
      name: r.id,
      campaignId: r.campaignId,
      agentId: r.agentId,
      bridgeId: null,
      state: r.state ?? 'ready',
      attempts: 0,
      startedAt: r.at + 2000,
      endedAt: r.at + 30_000,
      durationMs: 28_000,
      wavPath: `/rec/${r.id}.wav`,
      wavBytes: 448_000,
      encodedPath: `/rec/${r.id}.ogg`,
      encodedFormat: 'ogg',
      encodedBytes: 50_000,
      peaks: [0, 0.5, 1],
      peaksPerSecond: 10,
      pauses: r.id === 'r1' ? [{ at: T0 + 5000, offsetMs: 3000, resumedAt: T0 + 9000, by: 'u1' }] : [],
      nodeId: 'node-1',
      updatedAt: r.at + 31_000,
    });
  }
}

const base: RecordingFilter = { limit: 50, offset: 0 };
const ids = async (h: DialectHarness, f: Partial<RecordingFilter>) => {
  const page = await h.recordingCatalog.list({ ...base, ...f });
  return [page.items.map((i) => i.recording.callId), page.total];
};

describeDialects(
  'RecordingCatalog',
  (h) => {
    it('lists newest first with ties by call id in byte order, filtered, paged, counted', async () => {
      await seed(h);
      expect(await ids(h, {})).toEqual([['ra', 'rB', 'r2', 'r1'], 4]);
      expect(await ids(h, { includeDeleted: true })).toEqual([['rd', 'ra', 'rB', 'r2', 'r1'], 5]);
      expect(await ids(h, { limit: 2, offset: 1 })).toEqual([['rB', 'r2'], 4]);
      expect(await ids(h, { userIds: ['u1'] })).toEqual([['rB', 'r1'], 2]);
      expect(await ids(h, { userIds: [] })).toEqual([[], 0]);
      expect(await ids(h, { agentId: 'a1' })).toEqual([['rB', 'r1'], 2]);
      expect(await ids(h, { campaignId: 'k1' })).toEqual([['r2', 'r1'], 2]);
      expect(await ids(h, { disposition: 'MACHINE' })).toEqual([['r2'], 1]);
      expect(await ids(h, { amdStatus: 'HUMAN' })).toEqual([['ra', 'rB', 'r1'], 3]);
      // [from, to) on the recording's start (the call's + 2 s).
      expect(await ids(h, { from: T0 + MIN + 2000, to: T0 + 2 * MIN + 2000 })).toEqual([['r2'], 1]);

      const page = await h.recordingCatalog.list({ ...base, userIds: ['u1'], limit: 1, offset: 1 });
      expect(page.items[0]!.recording).toMatchObject({ callId: 'r1', state: 'ready', peaks: [0, 0.5, 1], pauses: [{ at: T0 + 5000, offsetMs: 3000, resumedAt: T0 + 9000, by: 'u1' }], encodedFormat: 'ogg', wavBytes: 448_000 });
      expect(page.items[0]!.call).toMatchObject({ id: 'r1', userId: 'u1', agentId: 'a1', campaignId: 'k1', disposition: 'ANSWERED_HUMAN', amdStatus: 'HUMAN', talkMs: 28_000 });
    });

    it('filters by the mean QA score (unscored calls left out)', async () => {
      await seed(h);
      const card = await h.qaStore.createScorecard({ name: 'c', criteria: [{ id: 'x', label: 'X', type: 'yesno', weight: 1 }], createdBy: null, at: T0 });
      const put = (callId: string, reviewerId: string, percent: number) =>
        h.qaStore.upsertScore({ callId, scorecardId: card.id, reviewerId, answers: {}, criterionNotes: {}, notes: null, percent, agentId: null, campaignId: null, callAt: T0, at: T0 });
      await put('r1', 'q1', 40);
      await put('r1', 'q2', 61); // mean 50.5
      await put('ra', 'q1', 90);
      expect(await ids(h, { minScore: 50.5 })).toEqual([['ra', 'r1'], 2]);
      expect(await ids(h, { minScore: 50.6 })).toEqual([['ra'], 1]);
      expect(await ids(h, { maxScore: 50.5 })).toEqual([['r1'], 1]);
      expect(await ids(h, { minScore: 0, maxScore: 100 })).toEqual([['ra', 'r1'], 2]);
    });

    it('reads one recording with its call, jobs oldest first, the AMD trace decoded and the campaign names', async () => {
      await seed(h);
      expect(await h.recordingCatalog.get('nope')).toBeUndefined();
      const one = await h.recordingCatalog.get('r2');
      expect(one?.recording).toMatchObject({ callId: 'r2', agentId: null, campaignId: 'k1', durationMs: 28_000 });
      expect(one?.call).toMatchObject({ id: 'r2', disposition: 'MACHINE', amdStatus: 'MACHINE' });

      const job = (id: string, kind: 'fetch' | 'transcode', createdAt: number, state: 'done' | 'failed') =>
        h.seed.row('recordingJobs', { id, callId: 'r2', kind, state, attempts: 1, maxAttempts: 5, runAt: createdAt, lastError: state === 'failed' ? 'ffmpeg exited 1' : null, nodeId: 'node-1', createdAt, updatedAt: createdAt });
      await job('jb', 'transcode', T0 + 5000, 'failed');
      await job('jB', 'fetch', T0 + 5000, 'done');
      await job('j0', 'fetch', T0 + 4000, 'done');
      expect((await h.recordingCatalog.jobs('r2')).map((j) => [j.id, j.kind, j.state, j.lastError])).toEqual([
        ['j0', 'fetch', 'done', null],
        ['jB', 'fetch', 'done', null],
        ['jb', 'transcode', 'failed', 'ffmpeg exited 1'],
      ]);
      expect(await h.recordingCatalog.jobs('r1')).toEqual([]);

      expect(await h.recordingCatalog.amdTrace('r2')).toBeNull();
      await h.seed.row('callAmdTraces', { callId: 'r2', trace: encodeAmdTrace(TRACE), createdAt: T0 });
      expect(await h.recordingCatalog.amdTrace('r2')).toEqual(TRACE);

      expect(await h.recordingCatalog.campaignNames(['k2', 'gone', 'k1', 'k2'])).toEqual(
        new Map([
          ['k1', 'Norte'],
          ['k2', 'Sur'],
        ]),
      );
      expect(await h.recordingCatalog.campaignNames([])).toEqual(new Map());
    });
  },
  { prefix: 'h_qa_pg_rec' },
);
