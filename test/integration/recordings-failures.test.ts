/**
 * What goes wrong with recordings is reported on each recording and never reaches the calls: a file that is not
 * a WAV, a WAV with no audio, one ffmpeg cannot decode, a file missing from the spool, a full disk (a real tmpfs
 * filled up), a restart in the middle of a job, and the retention sweep. Real engine on the embedded PBX, real
 * ffmpeg and files; the virtual clock drives the backoff and the daily sweep. Every case on SQLite and on
 * PostgreSQL (#18: the node's CallLog writer and `pgRecorderStore`, one body), the rows read back from each store.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { encodeWav } from '../../engine/audio/index.js';
import { VirtualClock } from '../../engine/clock/index.js';
import { DomainEvents } from '../../engine/events/index.js';
import { silentLogger } from '../../engine/log/index.js';
import { Recordings } from '../../engine/recordings/index.js';
import type { AuditEntry, CallLogRow } from '../../engine/store/index.js';
import { describeDialects } from '../support/store-dialects.js';
import { trackPending } from '../support/settled-drive.js';
import { closeRecordingRig, recordingRigs, type RecordingRig } from '../support/recording-rig.js';

const newRig = recordingRigs();

function wavWith(formatTag: number, data: Buffer): Buffer {
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(formatTag, 0);
  fmt.writeUInt16LE(1, 2);
  fmt.writeUInt32LE(8000, 4);
  fmt.writeUInt32LE(16000, 8);
  fmt.writeUInt16LE(2, 12);
  fmt.writeUInt16LE(16, 14);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(4 + 8 + 16 + 8 + data.length, 4);
  head.write('WAVE', 8, 'latin1');
  const fmtHdr = Buffer.from('fmt \x10\x00\x00\x00', 'latin1');
  const dataHdr = Buffer.alloc(8);
  dataHdr.write('data', 0, 'latin1');
  dataHdr.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, fmtHdr, fmt, dataHdr, data]);
}

const humans = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `L${i + 1}`, phone: `+1555011000${i + 1}` }));
/** The CallLogs as stored, in the order they were created. */
const callLogs = async (r: RecordingRig) => ((await r.h.read.rows('callLogs')) as CallLogRow[]).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
const ended = async (r: RecordingRig) => (await callLogs(r)).filter((c) => c.endedAt !== null);
const recording = (r: RecordingRig, callId: string) => r.rows.recordings.get(callId);

describeDialects(
  'recording failures never reach the calls',
  (h) => {
    let rig: RecordingRig | undefined;
    const cleanups: Array<() => void> = [];
    // Inside the body: the engine stops before the harness closes its store, the mounts go after.
    afterEach(async () => {
      if (rig) await closeRecordingRig(rig);
      rig = undefined;
      for (const c of cleanups.splice(0).reverse()) c();
    });

    it('not a WAV, no audio, undecodable, missing from the spool: each failed with its reason and attempts; every CallLog complete', async () => {
      const spool = mkdtempSync(join(tmpdir(), 'centralita-spool-'));
      cleanups.push(() => rmSync(spool, { recursive: true, force: true }));
      rig = await newRig({ h, name: 'rec-fail', leads: humans(4), talkMs: 4000, recordings: { spoolDir: spool, maxAttempts: 3, backoffBaseMs: 1000 } });
      const r = rig;
      // What the "spool" holds for each call, in dialling order: garbage, an empty WAV, a codec ffmpeg lacks, nothing.
      const files = [Buffer.from('this is not audio at all, just text'.repeat(10)), wavWith(1, Buffer.alloc(0)), wavWith(0x7777, Buffer.alloc(40_000, 0x37)), null];
      const seen: string[] = [];
      await r.until(async () => {
        for (const c of await callLogs(r)) {
          if (seen.includes(c.id) || !(await recording(r, c.id))) continue;
          const f = files[seen.length];
          if (f) writeFileSync(join(spool, `${c.id}.wav`), f);
          seen.push(c.id);
        }
        if (seen.length < 4) return false;
        for (const id of seen) if ((await recording(r, id))?.state !== 'failed') return false;
        return true;
      }, 20 * 60_000);
      const recs = await Promise.all(seen.map(async (id) => (await recording(r, id))!));
      expect(recs.map((x) => x.state)).toEqual(['failed', 'failed', 'failed', 'failed']);
      expect(recs[0]!.error).toMatch(/^fetch: not a WAV file/);
      expect(recs[0]!.attempts).toBe(1); // retrying cannot help
      expect(recs[1]!.error).toMatch(/^transcode: no audio/);
      expect(recs[1]!.attempts).toBe(1);
      expect(recs[2]!.error).toMatch(/^transcode: ffmpeg failed/);
      expect(recs[2]!.attempts).toBe(3); // retried with backoff, then given up
      expect(recs[3]!.error).toMatch(/^fetch: not in the spool/);
      expect(recs[3]!.attempts).toBe(3);
      const jobs = await h.recordingCatalog.jobs(seen[3]!);
      expect(jobs).toEqual([expect.objectContaining({ kind: 'fetch', state: 'failed', attempts: 3, lastError: expect.stringMatching(/not in the spool/) })]);
      // The calls went on and every CallLog is whole.
      const logs = await Promise.all(seen.map(async (id) => (await h.callLogs.get(id))!));
      expect(logs.map((l) => [l.disposition, l.endedAt !== null, l.recordingRef])).toEqual(seen.map((id) => ['ANSWERED_HUMAN', true, id]));
    }, 120_000);

    it('a full disk: the fetch says "disk full", calls go on, the status says so; once space is freed the retry succeeds', async () => {
      const mnt = mkdtempSync(join(tmpdir(), 'centralita-fulldisk-'));
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mnt], { timeout: 30_000 });
      cleanups.push(() => {
        execFileSync('umount', ['-l', mnt], { timeout: 30_000 });
        rmSync(mnt, { recursive: true, force: true });
      });
      const filler = join(mnt, 'filler');
      writeFileSync(filler, Buffer.alloc(236 * 1024));
      rig = await newRig({ h, name: 'rec-full', leads: humans(2), talkMs: 5000, recordingsDir: join(mnt, 'rec'), recordings: { maxAttempts: 8, backoffBaseMs: 2000 } });
      const r = rig;
      const diskFull = async () => {
        const calls = await ended(r);
        if (calls.length !== 2) return false;
        for (const c of calls) if (!(await recording(r, c.id))?.error?.includes('disk full')) return false;
        return true;
      };
      await r.until(diskFull, 10 * 60_000);
      const calls = await ended(r);
      expect(calls.map((c) => c.disposition)).toEqual(['ANSWERED_HUMAN', 'ANSWERED_HUMAN']);
      for (const c of calls) {
        const rec = (await recording(r, c.id))!;
        expect(rec.state).toBe('fetching');
        expect(rec.error).toMatch(/^fetch: could not write .*disk full \(ENOSPC\)/);
        expect(rec.attempts).toBeGreaterThanOrEqual(1);
      }
      expect(r.recordings.status().diskError).toBe('disk full (ENOSPC)');
      // Nothing half-written is left behind — checked once no fetch is in flight: `until` may stop the clock just after
      // a retry began writing its temp file (seen once under load), which is work in progress, not a leftover.
      await r.recordings.queue.idle();
      const leftovers = execFileSync('find', [mnt, '-name', '*.tmp-*'], { encoding: 'utf8', timeout: 30_000 }).trim();
      expect(leftovers).toBe('');

      rmSync(filler);
      await r.until(async () => {
        for (const c of calls) if ((await recording(r, c.id))?.state !== 'ready') return false;
        return true;
      }, 20 * 60_000);
      await r.recordings.queue.idle();
      for (const c of calls) expect(await recording(r, c.id)).toMatchObject({ state: 'ready', error: null });
      expect(r.recordings.status().diskError).toBeNull();
    }, 120_000);
  },
  { prefix: 'ct_rec_fail_pbx' },
);

describeDialects(
  'the queue across a restart, and retention',
  (h) => {
    let dir: string | undefined;
    afterEach(() => {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    });

    const recorder = (clock: VirtualClock, audit?: (e: AuditEntry) => void) =>
      new Recordings({
        events: new DomainEvents(),
        ari: { connected: true, execute: () => Promise.resolve(), storedRecordingFile: () => Promise.reject(new Error('not used')) },
        store: h.recorderStore,
        clock,
        logger: silentLogger,
        nodeId: 'n1',
        dir: join(dir!, 'rec'),
        ...(audit ? { audit } : {}),
      });

    async function seed(id: string, startedAt: number, campaignId = 'camp-r'): Promise<string> {
      await h.callLogs.create({ id, campaignId, leadId: null, phone: '+15550110001', nodeId: 'n1', at: startedAt });
      await h.callLogs.end(id, { disposition: 'ANSWERED_HUMAN', hangupCause: 16, at: startedAt + 10_000 });
      await h.recorderStore.recordings.start({ callId: id, name: id, campaignId, agentId: 'a', bridgeId: 'b', at: startedAt, nodeId: 'n1' });
      const wav = join(dir!, `${id}.wav`);
      const s = new Int16Array(8000 * 2);
      for (let i = 0; i < s.length; i++) s[i] = Math.round(4000 * Math.sin(i / 5));
      writeFileSync(wav, encodeWav(s, { sampleRate: 8000 }));
      await h.recorderStore.recordings.update(id, { state: 'stored', wavPath: wav, wavBytes: 32044 }, startedAt);
      return wav;
    }

    it('a job a dead process left running is queued again at start and completes', async () => {
      dir = mkdtempSync(join(tmpdir(), 'centralita-rq-'));
      const clock = new VirtualClock(Date.UTC(2026, 0, 5, 12));
      await seed('call-r1', clock.now());
      const job = await h.recorderStore.jobs.enqueue({ callId: 'call-r1', kind: 'transcode', maxAttempts: 5, at: clock.now(), nodeId: 'n1' });
      expect(await h.recorderStore.jobs.claim(job.id, clock.now())).toBe(true); // the old process took it, then died
      mkdirSync(join(dir, 'rec'), { recursive: true });
      const rec = recorder(clock);
      rec.start();
      await rec.queue.idle();
      await rec.close();
      expect(await h.recorderStore.jobs.get(job.id)).toMatchObject({ state: 'done', attempts: 2 });
      const row = (await h.recorderStore.recordings.get('call-r1'))!;
      expect(row).toMatchObject({ state: 'ready', durationMs: 2000, encodedFormat: 'ogg' });
      expect(existsSync(row.encodedPath!)).toBe(true);
    }, 30_000);

    it('keeps the AMD window of a call never bridged (a machine) as its own WAV with the decision and its trace', async () => {
      dir = mkdtempSync(join(tmpdir(), 'centralita-amdwin-'));
      const clock = new VirtualClock(Date.UTC(2026, 0, 5, 12));
      await h.seed.campaign('camp-r', { name: 'r', recording: true }, clock.now());
      const events = new DomainEvents();
      const rec = new Recordings({
        events,
        ari: { connected: true, execute: () => Promise.resolve(), storedRecordingFile: () => Promise.reject(new Error('not used')) },
        store: h.recorderStore,
        clock,
        logger: silentLogger,
        nodeId: 'n1',
        dir: join(dir, 'rec'),
      });
      rec.start();
      const samples = new Int16Array(8000 * 2).map((_, i) => Math.round(3000 * Math.sin(i / 4)));
      const decision = { status: 'MACHINE' as const, cause: 'LONGGREETING-1600-1500', decisionMs: 1600, trace: { frameEnergy: [1, 2, 900], words: [{ startMs: 0, endMs: 1600 }], notes: ['greeting'], decisionFrame: 80 } };
      // The AMD source the media plane would be (its capture is tested in media-plane.test.ts): a window at close.
      const amd = rec.amdSource({
        open: async () => ({ host: '127.0.0.1', port: 1, decision: Promise.resolve(decision), close: () => {}, window: Promise.resolve({ samples, sampleRate: 8000, decision }) }),
      });
      const at = clock.now();
      await h.callLogs.create({ id: 'call-m', campaignId: 'camp-r', leadId: null, phone: '+15550120001', nodeId: 'n1', at });
      events.emit({ type: 'call.created', callId: 'call-m', at, campaignId: 'camp-r', leadId: null, phone: '+15550120001', channelId: 'ch', agentId: null, nodeId: 'n1' });
      const session = await amd.open({ callId: 'call-m', phone: '+15550120001' });
      session.close();
      await h.callLogs.end('call-m', { disposition: 'MACHINE', hangupCause: 16, at: at + 3000 });
      events.emit({ type: 'call.ended', callId: 'call-m', at: at + 3000, disposition: 'MACHINE', hangupCause: 16, dialStatus: null, agentId: null, safeHarborPlayed: false, voicemailLeft: false });
      await expect.poll(async () => (await h.recorderStore.recordings.get('call-m'))?.amdWavPath ?? null, { timeout: 5000 }).not.toBeNull();
      const row = (await h.recorderStore.recordings.get('call-m'))!;
      expect(row).toMatchObject({ state: 'ready', wavPath: null, amdTrace: expect.objectContaining({ status: 'MACHINE', cause: 'LONGGREETING-1600-1500', decisionFrame: 80 }) });
      const wav = (await import('../../engine/audio/index.js')).parseWav(new Uint8Array(readFileSync(row.amdWavPath!)));
      expect(wav.samples).toEqual(samples);
      await rec.close();
    }, 30_000);

    it('the daily sweep deletes recordings past their campaign’s retention, keeps the CallLog, audits it as the system', async () => {
      dir = mkdtempSync(join(tmpdir(), 'centralita-ret-'));
      const clock = new VirtualClock(Date.UTC(2026, 0, 10, 12));
      await h.seed.campaign('camp-r', { name: 'r', recording: true, recordingRetentionDays: 2 }, clock.now());
      const day = 86_400_000;
      const oldWav = await seed('call-old', clock.now() - 3 * day);
      const youngWav = await seed('call-young', clock.now() - day - 3600_000);
      const audited = trackPending(h.auth.audit);
      const rec = recorder(clock, (e) => void audited.record(e));
      const stateOf = async (id: string) => (await h.recorderStore.recordings.get(id))?.state;
      rec.start(); // sweeps at start
      await expect.poll(() => stateOf('call-old'), { timeout: 5000 }).toBe('deleted');
      await audited.pending.idle();
      expect(await h.recorderStore.recordings.get('call-old')).toMatchObject({ state: 'deleted', deletedBy: 'retention' });
      expect(existsSync(oldWav)).toBe(false);
      expect(await stateOf('call-young')).toBe('stored');
      clock.advance(day); // the next daily sweep
      await expect.poll(() => stateOf('call-young'), { timeout: 5000 }).toBe('deleted');
      await audited.pending.idle();
      expect(await h.recorderStore.recordings.get('call-young')).toMatchObject({ state: 'deleted', deletedBy: 'retention' });
      expect(existsSync(youngWav)).toBe(false);
      await rec.close();
      expect((await h.callLogs.get('call-old'))?.disposition).toBe('ANSWERED_HUMAN');
      expect((await h.callLogs.get('call-young'))?.disposition).toBe('ANSWERED_HUMAN');
      const entries = (await h.auth.audit.list(10)).filter((a) => a.action === 'recording.delete');
      expect(entries.map((a) => [a.targetId, a.actorKind, a.actorId])).toEqual([
        ['call-young', 'system', null],
        ['call-old', 'system', null],
      ]);
    }, 30_000);
  },
  { prefix: 'ct_rec_failures' },
);
