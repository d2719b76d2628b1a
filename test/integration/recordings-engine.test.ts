/**
 * Recordings end to end on the embedded PBX: the engine bridges a person to an agent in a campaign that
 * records; engine/recordings records the bridge through ARI, fetches the stored WAV over ARI, deletes it from the
 * PBX, and the queue transcodes it with Debian's ffmpeg (Opus in Ogg) and computes waveform peaks. The callee and
 * the agent each send a tone of their own, so the file proves both sides are in it. One body on SQLite and on
 * PostgreSQL (#18): the engine's CallLogs and the recorder's rows through each product's store (on PostgreSQL the
 * node's CallLog writer and `pgRecorderStore`), read back from that store.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { parseWav } from '../../engine/audio/index.js';
import { probe } from '../../engine/recordings/index.js';
import type { CallLogRow } from '../../engine/store/index.js';
import { describeDialects } from '../support/store-dialects.js';
import { AGENT_HZ, CALLEE_HZ, closeRecordingRig, recordingRigs, goertzel, type RecordingRig } from '../support/recording-rig.js';

const newRig = recordingRigs();

/** The CallLogs as stored. */
const callLogs = async (r: RecordingRig) => (await r.h.read.rows('callLogs')) as CallLogRow[];
const settled = async (r: RecordingRig, callId: string) => ['ready', 'failed'].includes((await r.rows.recordings.get(callId))?.state ?? '');

describeDialects(
  'recordings on the embedded PBX',
  (h) => {
    let rig: RecordingRig | undefined;
    // Inside the body: the engine stops before the harness closes its store.
    afterEach(async () => {
      if (rig) await closeRecordingRig(rig);
      rig = undefined;
    });

    it('a recorded human call: a WAV of the call’s duration with both sides audible, an Opus file, peaks; gone from the PBX', async () => {
      rig = await newRig({ h, name: 'rec-e2e', leads: [{ id: 'L1', phone: '+15550110001' }], talkMs: 8000 });
      const r = rig;
      await r.until(async () => (await callLogs(r)).some((c) => c.endedAt !== null), 120_000);
      const logs = await callLogs(r);
      expect(logs).toHaveLength(1);
      const call = logs[0]!;
      expect(call.disposition).toBe('ANSWERED_HUMAN');
      expect(call.recordingRef).toBe(call.id);
      await r.until(() => settled(r, call.id), 600_000);
      await r.recordings.queue.idle();
      const rec = (await r.rows.recordings.get(call.id))!;
      expect({ state: rec.state, error: rec.error }).toEqual({ state: 'ready', error: null });

      // The WAV: ffprobe reads it, and it lasts as long as the call was bridged (± 0.5 s).
      const talkMs = call.endedAt! - call.bridgedAt!;
      expect(talkMs).toBeGreaterThan(3000);
      const ffprobe = JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', rec.wavPath!], { encoding: 'utf8', timeout: 30_000 })) as {
        format: { duration: string };
        streams: Array<{ codec_name: string; sample_rate: string }>;
      };
      expect(ffprobe.streams[0]).toMatchObject({ codec_name: 'pcm_s16le', sample_rate: '8000' });
      expect(Math.abs(Number(ffprobe.format.duration) * 1000 - talkMs)).toBeLessThanOrEqual(500);

      // Both sides: the callee's 440 Hz and the agent's 1400 Hz are each well above a frequency nobody sends.
      const wav = parseWav(new Uint8Array(readFileSync(rec.wavPath!)));
      const from = wav.samples.length - 8000 * 2;
      const noise = goertzel(wav.samples, 2900, from);
      expect(goertzel(wav.samples, CALLEE_HZ, from)).toBeGreaterThan(20 * Math.max(noise, 1));
      expect(goertzel(wav.samples, AGENT_HZ, from)).toBeGreaterThan(20 * Math.max(noise, 1));

      // The browser file and the peaks.
      expect(rec.encodedFormat).toBe('ogg');
      expect(existsSync(rec.encodedPath!)).toBe(true);
      const enc = await probe(rec.encodedPath!);
      expect(enc.codec).toBe('opus');
      expect(Math.abs(enc.durationMs - talkMs)).toBeLessThanOrEqual(500);
      expect(rec.durationMs).toBeGreaterThan(0);
      expect(rec.peaksPerSecond).toBe(20);
      expect(Math.abs(rec.peaks!.length - (rec.durationMs! / 1000) * 20)).toBeLessThanOrEqual(2);
      expect(Math.max(...rec.peaks!)).toBeGreaterThan(0.1);

      // Fetched, then deleted from the PBX.
      const stored = await fetch(`${r.sim.url}/ari/recordings/stored`, { headers: { authorization: `Basic ${Buffer.from(`${r.sim.username}:${r.sim.password}`).toString('base64')}` } });
      expect(((await stored.json()) as Array<{ name: string }>).map((s) => s.name)).not.toContain(call.id);
      const jobs = await h.recordingCatalog.jobs(call.id);
      expect(jobs.map((j) => [j.kind, j.state, j.attempts])).toEqual([
        ['fetch', 'done', 1],
        ['transcode', 'done', 1],
      ]);
    }, 90_000);

    it('the agent pauses and resumes: the paused time is left out of the file and marked in its metadata', async () => {
      rig = await newRig({ h, name: 'rec-pause', leads: [{ id: 'L1', phone: '+15550110002' }], talkMs: 9000 });
      const r = rig;
      const bridged = async () => {
        for (const c of await callLogs(r)) if (c.bridgedAt !== null && (await r.rows.recordings.get(c.id))?.state === 'recording') return c;
        return undefined;
      };
      await r.until(async () => (await bridged()) !== undefined, 120_000);
      const callId = (await bridged())!.id;
      await r.until(() => false, 1000);
      await expect(r.recordings.resume(callId)).rejects.toThrow(/not paused/);
      const paused = await r.recordings.pause(callId, 'user-1');
      expect(paused.pauses).toEqual([expect.objectContaining({ by: 'user-1', resumedAt: null })]);
      await expect(r.recordings.pause(callId, 'user-1')).rejects.toThrow(/already paused/);
      await r.until(() => false, 2000);
      await r.recordings.resume(callId);
      await r.until(() => settled(r, callId), 600_000);
      const call = (await h.callLogs.get(callId))!;
      const rec = (await r.rows.recordings.get(callId))!;
      expect(rec.state).toBe('ready');
      expect(rec.pauses).toHaveLength(1);
      const p = rec.pauses[0]!;
      expect(p.resumedAt! - p.at).toBeGreaterThanOrEqual(2000);
      expect(p.resumedAt! - p.at).toBeLessThan(2300);
      expect(p.offsetMs).toBeGreaterThanOrEqual(900);
      expect(p.offsetMs).toBeLessThan(1500);
      const talkMs = call.endedAt! - call.bridgedAt!;
      expect(Math.abs(rec.durationMs! - (talkMs - (p.resumedAt! - p.at)))).toBeLessThanOrEqual(500);
    }, 90_000);
  },
  { prefix: 'ct_rec_engine' },
);
