/**
 * The fetch waits for Asterisk's RecordingFinished. On the real Asterisk 22 the stop of a bridge recording (or its
 * 404 once the bridge is gone) comes back before Asterisk's recording thread has closed the file; under load a
 * fetch in between got a 404 or a WAV cut short — which the recorder would have kept, and then deleted the
 * complete one from Asterisk. Here an ARI double behaves that way on purpose: until RecordingFinished, the stored
 * file is a WAV whose header still says 0 bytes of data and that holds only the first part of the audio.
 * Virtual clock, real ffmpeg, the recorder's rows on SQLite and on PostgreSQL (#18: the node's `pgRecorderStore`), one
 * body: the clock moves only once the store has answered (test/support/settled-drive.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { AriError, type AriCommand } from '../../engine/ari/index.js';
import { encodeWav } from '../../engine/audio/index.js';
import { VirtualClock } from '../../engine/clock/index.js';
import { DomainEvents } from '../../engine/events/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { Recordings } from '../../engine/recordings/index.js';
import { describeDialects, type DialectHarness } from '../support/store-dialects.js';
import { driveSettled, trackPending } from '../support/settled-drive.js';

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** 3 s of a 440 Hz tone as Asterisk keeps it once finished, and what a fetch sees while it is still writing. */
function files(): { full: Buffer; writing: Buffer } {
  const s = new Int16Array(8000 * 3).map((_, i) => Math.round(4000 * Math.sin((2 * Math.PI * 440 * i) / 8000)));
  const full = Buffer.from(encodeWav(s, { sampleRate: 8000 }));
  const writing = Buffer.from(full.subarray(0, 44 + 8000 * 2));
  writing.writeUInt32LE(0, 40); // Asterisk writes the sizes into the header when it closes the file
  writing.writeUInt32LE(0, 4); // (a file fetched mid-recording from Asterisk 22: RIFF size 0, data size 0)
  return { full, writing };
}

async function setup(h: DialectHarness, finishWaitMs?: number, beforeEnd?: (rec: Recordings, clock: VirtualClock) => Promise<void>) {
  dir = mkdtempSync(join(tmpdir(), 'centralita-recfin-'));
  const s = trackPending(h.recorderStore);
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 12));
  const events = new DomainEvents();
  const { full, writing } = files();
  let finished = false;
  const fetchedAt: number[] = [];
  const rec = new Recordings({
    events,
    ari: {
      connected: true,
      execute: (c: AriCommand) => (c.op === 'stopRecording' ? Promise.reject(new AriError(404, 'Recording not found', 'stopRecording')) : Promise.resolve()),
      storedRecordingFile: () => {
        fetchedAt.push(clock.now());
        return Promise.resolve(finished ? full : writing);
      },
    },
    store: s,
    clock,
    logger: silentLogger,
    nodeId: 'n1',
    dir: join(dir, 'rec'),
    records: () => true,
    ...(finishWaitMs !== undefined ? { finishWaitMs } : {}),
  });
  rec.start();
  const t0 = clock.now();
  await h.callLogs.create({ id: 'call-1', campaignId: 'camp-1', leadId: null, phone: '+15550110001', nodeId: 'n1', at: t0 });
  events.emit({ type: 'call.created', callId: 'call-1', at: t0, campaignId: 'camp-1', leadId: null, phone: '+15550110001', channelId: 'ch', agentId: null, nodeId: 'n1' });
  events.emit({ type: 'call.bridged', callId: 'call-1', at: t0 + 1000, agentId: 'a1', bridgeId: 'br-1' });
  await s.pending.idle(); // the recording's row is written before time moves on
  clock.advance(2000);
  await beforeEnd?.(rec, clock);
  await s.pending.idle();
  clock.advance(2000);
  await h.callLogs.end('call-1', { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: clock.now() });
  events.emit({ type: 'call.ended', callId: 'call-1', at: clock.now(), disposition: 'ANSWERED_HUMAN', hangupCause: 16, dialStatus: 'ANSWER', agentId: 'a1', safeHarborPlayed: false, voicemailLeft: false });
  await s.pending.idle();
  const endedAt = clock.now();
  const finish = () => {
    finished = true;
    rec.ariEvent({ type: 'RecordingFinished', application: 'centralita', timestamp: '', recording: { name: 'call-1', format: 'wav', state: 'done', target_uri: 'bridge:br-1' } } as never);
  };
  return { rec, clock, s, full, endedAt, fetchedAt, finish, setFinished: () => (finished = true) };
}

describeDialects(
  'the recording fetch waits for RecordingFinished',
  (h) => {
    const stateOf = async (s: ReturnType<typeof trackPending<DialectHarness['recorderStore']>>) => (await s.recordings.get('call-1'))?.state ?? '';

    it('Asterisk still writing when the call ends: the fetch takes the complete file, once, after RecordingFinished', async () => {
      const { rec, clock, s, full, endedAt, fetchedAt, finish } = await setup(h);
      await driveSettled(clock, s.pending, () => false, 400); // Asterisk's recording thread closes the file a moment later
      expect(fetchedAt).toEqual([]);
      finish();
      await driveSettled(clock, s.pending, async () => ['ready', 'failed'].includes(await stateOf(s)), 60_000);
      await rec.queue.idle();
      const row = (await s.recordings.get('call-1'))!;
      expect({ state: row.state, error: row.error, wavBytes: row.wavBytes }).toEqual({ state: 'ready', error: null, wavBytes: full.length });
      expect(row.durationMs).toBe(3000);
      expect(fetchedAt).toHaveLength(1);
      expect(fetchedAt[0]! - endedAt).toBeGreaterThanOrEqual(400);
      await rec.close();
    });

    it('no RecordingFinished at all (lost to a reconnect): the fetch goes after finishWaitMs, and a file still being written is retried, never kept', async () => {
      const { rec, clock, s, full, endedAt, fetchedAt, setFinished } = await setup(h, 3000);
      await driveSettled(clock, s.pending, () => fetchedAt.length > 0, 60_000);
      expect(fetchedAt[0]! - endedAt).toBeGreaterThanOrEqual(3000);
      expect(fetchedAt[0]! - endedAt).toBeLessThan(3200);
      await driveSettled(clock, s.pending, async () => (await s.recordings.get('call-1'))?.error != null, 1000);
      expect(await s.recordings.get('call-1')).toMatchObject({ state: 'fetching', wavPath: null, error: expect.stringMatching(/^fetch: Asterisk is still writing call-1/) });
      setFinished(); // the file is complete now, without a word from Asterisk
      await driveSettled(clock, s.pending, async () => (await stateOf(s)) === 'ready', 120_000);
      await rec.queue.idle();
      expect(await s.recordings.get('call-1')).toMatchObject({ state: 'ready', error: null, wavBytes: full.length, durationMs: 3000 });
      const jobs = (await h.read.rows('recordingJobs')).filter((j) => j.callId === 'call-1').sort((a, b) => Number(a.createdAt) - Number(b.createdAt));
      expect(jobs.map((j) => [j.kind, j.state, j.attempts])).toEqual([
        ['fetch', 'done', 2],
        ['transcode', 'done', 1],
      ]);
      await rec.close();
    });

    it('a pause still open when the call ends is closed at the end of the call (the file has nothing after it)', async () => {
      const { rec, clock, s, endedAt, finish } = await setup(h, undefined, async (r) => {
        await r.pause('call-1', 'agent-a1');
      });
      finish();
      await driveSettled(clock, s.pending, async () => (await stateOf(s)) === 'ready', 60_000);
      await rec.queue.idle();
      const p = (await s.recordings.get('call-1'))!.pauses;
      expect(p).toEqual([expect.objectContaining({ by: 'agent-a1', offsetMs: 1000, resumedAt: endedAt })]);
      await rec.close();
    });
  },
  { prefix: 'ct_rec_finish' },
);
