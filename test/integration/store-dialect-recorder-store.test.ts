/**
 * The recorder's rows (engine/store `RecorderStore`, #18: what engine/recordings writes on a node, SQLite or
 * PostgreSQL), one body on both dialects (test/support/store-dialects.ts). Chosen to catch what differs: a start
 * twice (on conflict nothing), jsonb pauses, peaks and the AMD trace round-tripping, the open pause closed in one
 * statement, retention by the campaign's days or the default (bigint arithmetic), sums and counts as numbers, the
 * job queue's order, claim-once, requeue and a caller-chosen job id; the CallLog's recording ref and the
 * campaign's recording flag.
 */
import { expect, it } from 'vitest';
import { describeDialects, type DialectHarness } from '../support/store-dialects.js';

const T0 = Date.UTC(2026, 0, 10, 12);
const DAY = 86_400_000;

async function call(h: DialectHarness, id: string, campaignId: string | null, at: number): Promise<void> {
  await h.callLogs.create({ id, campaignId, leadId: null, phone: '+34910000001', nodeId: 'n1', at });
  await h.callLogs.markAnswered(id, at + 1000);
}

const start = (callId: string, at: number, o: { campaignId?: string | null; nodeId?: string } = {}) => ({
  callId,
  name: callId,
  campaignId: o.campaignId === undefined ? 'k1' : o.campaignId,
  agentId: 'a1',
  bridgeId: `br-${callId}`,
  at,
  nodeId: o.nodeId ?? 'n1',
});

describeDialects(
  'RecorderStore',
  (h) => {
    it('a recording: started once, updated with its pauses, peaks and trace, the open pause closed; its CallLog and campaign', async () => {
      await h.seed.campaign('k1', { name: 'Norte', recording: true }, T0 - DAY);
      await h.seed.campaign('k2', { name: 'Sur' }, T0 - DAY);
      await call(h, 'c1', 'k1', T0);
      const r = h.recorderStore;
      const row = await r.recordings.start(start('c1', T0 + 2000));
      expect(row).toMatchObject({ callId: 'c1', name: 'c1', state: 'recording', startedAt: T0 + 2000, updatedAt: T0 + 2000, pauses: [], attempts: 0, nodeId: 'n1', bridgeId: 'br-c1' });
      // A second start changes nothing (the first one's row stays).
      expect(await r.recordings.start({ ...start('c1', T0 + 9000), bridgeId: 'other' })).toEqual(row);
      expect(await r.recordings.get('nope')).toBeUndefined();

      const open = { at: T0 + 5000, offsetMs: 3000, resumedAt: null, by: 'u1' };
      const shut = { at: T0 + 3000, offsetMs: 1000, resumedAt: T0 + 4000, by: null };
      await r.recordings.update('c1', { pauses: [shut, open] }, T0 + 5000);
      expect(await r.recordings.closePause('c1', T0 + 7000)).toBe(true);
      expect(await r.recordings.closePause('c1', T0 + 8000)).toBe(false); // none open any more
      expect(await r.recordings.closePause('nope', T0 + 8000)).toBe(false);
      const trace = { status: 'HUMAN', cause: 'X', decisionMs: 900, frameEnergy: [1, 2.5], words: [], notes: ['n'], decisionFrame: 1 };
      await r.recordings.update('c1', { state: 'ready', durationMs: 28_000, wavPath: '/r/c1.wav', wavBytes: 448_000, encodedPath: '/r/c1.ogg', encodedFormat: 'ogg', encodedBytes: 50_000, peaks: [0, 0.5, 1], peaksPerSecond: 20, amdTrace: trace, error: null }, T0 + 40_000);
      expect(await r.recordings.get('c1')).toEqual({
        ...row,
        state: 'ready',
        durationMs: 28_000,
        wavPath: '/r/c1.wav',
        wavBytes: 448_000,
        encodedPath: '/r/c1.ogg',
        encodedFormat: 'ogg',
        encodedBytes: 50_000,
        peaks: [0, 0.5, 1],
        peaksPerSecond: 20,
        amdTrace: trace,
        pauses: [shut, { ...open, resumedAt: T0 + 7000 }],
        updatedAt: T0 + 40_000,
      });

      expect(await r.call('c1')).toEqual({ campaignId: 'k1', agentId: null, answeredAt: T0 + 1000, endedAt: null });
      expect(await r.call('nope')).toBeUndefined();
      expect(await r.setCallRecording('c1', 'c1')).toBe(true);
      expect(await r.setCallRecording('nope', 'nope')).toBe(false); // its CallLog not written (yet)
      expect((await h.callLogs.get('c1'))?.recordingRef).toBe('c1');
      expect(await r.campaignRecords('k1')).toBe(true);
      expect(await r.campaignRecords('k2')).toBe(false);
      expect(await r.campaignRecords('gone')).toBe(false);
    });

    it('unfinished ones by node, the retention sweep’s by the campaign’s days or the default, usage as numbers', async () => {
      await h.seed.campaign('k1', { name: 'Norte', recording: true, recordingRetentionDays: 2 }, T0 - 10 * DAY);
      const r = h.recorderStore;
      const rows: Array<[string, number, string | null, string, 'recording' | 'ready' | 'deleted' | 'failed']> = [
        ['old-k1', T0 - 3 * DAY, 'k1', 'n1', 'ready'], // past k1's 2 days
        ['young-k1', T0 - DAY, 'k1', 'n1', 'ready'],
        ['old-none', T0 - 6 * DAY, null, 'n1', 'failed'], // past the default 5 days
        ['young-none', T0 - 4 * DAY, null, 'n1', 'ready'],
        ['live-n1', T0 - 9 * DAY, 'k1', 'n1', 'recording'], // never swept while recording
        ['live-n2', T0 - 1000, 'k1', 'n2', 'recording'],
        ['gone', T0 - 9 * DAY, 'k1', 'n1', 'deleted'],
        ['old-n2', T0 - 8 * DAY, 'k1', 'n2', 'ready'], // another node's: its files are on that node's disk
      ];
      for (const [id, at, campaignId, nodeId, state] of rows) {
        await r.recordings.start(start(id, at, { campaignId, nodeId }));
        if (state !== 'recording') await r.recordings.update(id, { state, wavBytes: state === 'deleted' ? null : 1000, encodedBytes: state === 'ready' ? 100 : null }, at + 1);
      }
      expect((await r.recordings.inState('recording', 'n1')).map((x) => x.callId)).toEqual(['live-n1']);
      expect((await r.recordings.inState('recording')).map((x) => x.callId).sort()).toEqual(['live-n1', 'live-n2']);
      expect((await r.recordings.expired(T0, 5)).map((x) => x.callId)).toEqual(['old-n2', 'old-none', 'old-k1']);
      expect((await r.recordings.expired(T0, 5, 1)).map((x) => x.callId)).toEqual(['old-n2']);
      // One node's sweep: its own only (scale-out, #18).
      expect((await r.recordings.expired(T0, 5, undefined, 'n1')).map((x) => x.callId)).toEqual(['old-none', 'old-k1']);
      expect((await r.recordings.expired(T0, 5, undefined, 'n2')).map((x) => x.callId)).toEqual(['old-n2']);
      // The default 90 days (and a campaign's of 25 or more): days × 86 400 000 is past a 32-bit integer.
      expect((await r.recordings.expired(T0 + 100 * DAY, 90, undefined, 'n1')).map((x) => x.callId)).toEqual(['old-none', 'young-none', 'old-k1', 'young-k1']);
      expect(await r.recordings.usage()).toEqual({ bytes: 5 * 1000 + 4 * 100, byState: { ready: 4, failed: 1, recording: 2, deleted: 1 } });
      // One node's figures (its /health on PostgreSQL): its own rows only.
      expect(await r.recordings.usage('n1')).toEqual({ bytes: 4 * 1000 + 3 * 100, byState: { ready: 3, failed: 1, recording: 1, deleted: 1 } });
      expect(await r.recordings.usage('n2')).toEqual({ bytes: 1000 + 100, byState: { ready: 1, recording: 1 } });
      expect(await r.recordings.usage('n9')).toEqual({ bytes: 0, byState: {} });
    });

    it('the job queue: due in order for this node, claimed once, settled, requeued after a crash, counted; ids the caller’s', async () => {
      const j = h.recorderStore.jobs;
      const a = await j.enqueue({ id: 'job-a', callId: 'c1', kind: 'fetch', maxAttempts: 5, at: T0, nodeId: 'n1' });
      expect(a).toEqual({ id: 'job-a', callId: 'c1', kind: 'fetch', state: 'queued', attempts: 0, maxAttempts: 5, runAt: T0, lastError: null, nodeId: 'n1', createdAt: T0, updatedAt: T0 });
      await expect(j.enqueue({ id: 'job-a', callId: 'c1', kind: 'fetch', maxAttempts: 5, at: T0, nodeId: 'n1' })).rejects.toThrow();
      const b = await j.enqueue({ callId: 'c2', kind: 'transcode', maxAttempts: 3, at: T0 + 10, nodeId: 'n1', runAt: T0 - 5 });
      await j.enqueue({ id: 'job-later', callId: 'c3', kind: 'fetch', maxAttempts: 5, at: T0, nodeId: 'n1', runAt: T0 + 60_000 });
      await j.enqueue({ id: 'job-n2', callId: 'c4', kind: 'fetch', maxAttempts: 5, at: T0 - 100, nodeId: 'n2' });
      expect((await j.due('n1', T0, 10)).map((x) => x.id)).toEqual([b.id, 'job-a']);
      expect((await j.due('n1', T0, 1)).map((x) => x.id)).toEqual([b.id]);
      expect(await j.nextRunAt('n1')).toBe(T0 - 5);
      expect(await j.nextRunAt('n9')).toBeNull();

      expect(await j.claim('job-a', T0 + 1)).toBe(true);
      expect(await j.claim('job-a', T0 + 2)).toBe(false); // another runner took it
      expect(await j.get('job-a')).toMatchObject({ state: 'running', attempts: 1, updatedAt: T0 + 1 });
      await j.settle(b.id, 'queued', T0 + 3, { lastError: 'boom', runAt: T0 + 30_000 });
      expect(await j.get(b.id)).toMatchObject({ state: 'queued', lastError: 'boom', runAt: T0 + 30_000, attempts: 0 });
      expect(await j.nextRunAt('n1')).toBe(T0 + 30_000);
      expect(await j.counts()).toEqual({ queued: 3, running: 1 });
      // The process died with job-a running: the next start queues it again, its attempt counted.
      expect(await j.requeueRunning('n2', T0 + 4)).toBe(0);
      expect(await j.requeueRunning('n1', T0 + 4)).toBe(1);
      expect(await j.get('job-a')).toMatchObject({ state: 'queued', attempts: 1, runAt: T0 + 4 });
      await j.settle('job-a', 'done', T0 + 5, { lastError: null });
      await j.settle('job-later', 'failed', T0 + 5, { lastError: 'gave up' });
      expect(await j.counts()).toEqual({ queued: 2, done: 1, failed: 1 });
      expect(await j.counts('n1')).toEqual({ queued: 1, done: 1, failed: 1 });
      expect(await j.counts('n2')).toEqual({ queued: 1 });
      expect(await j.get('nope')).toBeUndefined();
    });
  },
);
