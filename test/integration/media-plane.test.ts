/**
 * The media plane end to end on loopback: real UDP sockets, real piscina workers (TypeScript via the tsx worker
 * entry), a small energy detector from the tests. A sender here plays µ-law RTP like Asterisk's externalMedia
 * (PT 0, 160-byte frames, random initial sequence) and the decision must come back from the workers.
 */
import dgram from 'node:dgram';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSlinBE, encodeUlaw, ULAW_SILENCE } from '../../engine/audio/g711.js';
import { createMediaPlane, type MediaPlane } from '../../engine/media/plane.js';
import { buildRtp } from '../../engine/media/rtp/parse.js';
import { testParams } from '../unit/media/support/energy-detector.js';

const DETECTOR = new URL('../unit/media/support/energy-detector.ts', import.meta.url).href;
const HOST = '127.0.0.1';
// A small range of our own, away from RTP_PORT_MIN's default, picked per run so parallel runs rarely meet.
const PORT_MIN = 45000 + Math.floor(Math.random() * 900) * 4;
const PORT_MAX = PORT_MIN + 3;

/** 20 ms µ-law frames: `speech` frames of a 300 Hz "voice" (mean |x| ≈ 2500), then `silence` frames. */
function utterance(speech: number, silence: number): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let f = 0; f < speech + silence; f++) {
    if (f >= speech) {
      frames.push(new Uint8Array(160).fill(ULAW_SILENCE));
      continue;
    }
    const s = Array.from({ length: 160 }, (_, i) => 4000 * Math.sin((2 * Math.PI * 300 * (f * 160 + i)) / 8000));
    frames.push(encodeUlaw(s));
  }
  return frames;
}

async function sender(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  s.bind(0, HOST);
  await once(s, 'listening');
  return s;
}

/**
 * Sends frames much faster than real time (the plane keeps time by sequence number, not arrival), 10 per
 * millisecond so that a burst never overflows the session socket's kernel buffer.
 */
async function play(sock: dgram.Socket, port: number, payloads: Uint8Array[], o: { ssrc?: number; seq0?: number; pt?: number } = {}): Promise<void> {
  const seq0 = o.seq0 ?? 22025;
  for (let i = 0; i < payloads.length; i++) {
    sock.send(buildRtp({ payloadType: o.pt ?? 0, sequence: (seq0 + i) & 0xffff, timestamp: 160 * (i + 1), ssrc: o.ssrc ?? 0x1234 }, payloads[i]!), port, HOST);
    if (i % 10 === 9) await new Promise((r) => setTimeout(r, 1));
  }
}

/** Datagrams the plane's workers have read so far, all sessions together. */
async function packetsRead(plane: MediaPlane): Promise<number> {
  return (await plane.workerStats()).reduce((a, w) => a + w.packets, 0);
}

/**
 * Waits until the workers have read `n` more datagrams than `before`. The decision comes at frame 90 of 110, and
 * the close that follows it reaches the worker on the same event loop as the sockets: a close handled before the
 * last datagrams are read reports them unread (CI saw 104 of 110 with receive batching on a loaded machine).
 * Reading them all is what these tests assert; when the call hangs up does not decide it.
 */
async function untilRead(plane: MediaPlane, before: number, n: number): Promise<void> {
  await expect.poll(() => packetsRead(plane), { interval: 5 }).toBeGreaterThanOrEqual(before + n);
}

describe('media plane (real UDP, piscina workers)', () => {
  let plane: MediaPlane;

  beforeAll(async () => {
    plane = await createMediaPlane({ host: HOST, portMin: PORT_MIN, portMax: PORT_MAX, workers: 2, detectorModule: DETECTOR });
  });
  afterAll(async () => {
    await plane?.close();
  });

  it('runs one serve task on each worker thread, none on the main thread', async () => {
    const stats = await plane.workerStats();
    expect(stats.map((s) => s.worker)).toEqual([0, 1]);
    const threads = new Set(stats.map((s) => s.threadId));
    expect(threads.size).toBe(2);
    expect(threads.has(0)).toBe(false);
  });

  it('gets a HUMAN decision from the workers for a speech burst then silence', async () => {
    const session = await plane.openSession({ callId: 'call-human', params: testParams });
    expect(session.host).toBe(HOST);
    expect(session.port).toBeGreaterThanOrEqual(PORT_MIN);
    const sock = await sender();
    const before = await packetsRead(plane);
    // 0.4 s of silence (ringing), 0.6 s "Hello?", then silence; the sequence wraps on the way.
    await play(sock, session.port, [...utterance(0, 20), ...utterance(30, 60)], { seq0: 65500 });
    const decision = await session.decision;
    expect(decision.status).toBe('HUMAN');
    expect(decision.cause).toBe('HUMAN-600-800');
    expect(decision.decisionMs).toBe(20 * (20 + 30 + 40));
    await untilRead(plane, before, 110);
    const report = await session.close();
    expect(report.decision).toEqual(decision);
    expect(report.rtp).toMatchObject({ received: 110, lost: 0, foreign: 0 });
    sock.close();
  });

  it('with captureMs keeps the analysed audio (the AMD window) and returns it in the close report, capped', async () => {
    const session = await plane.openSession({ callId: 'call-capture', params: testParams, captureMs: 1000 });
    const sock = await sender();
    await play(sock, session.port, [...utterance(0, 20), ...utterance(30, 60)]);
    expect((await session.decision).status).toBe('HUMAN');
    const report = await session.close();
    // 90 frames were analysed; the first 50 (1000 ms) are kept: 0.4 s of silence, then the "voice".
    expect(report.capture?.length).toBe(50 * 160);
    const cap = report.capture!;
    const meanAbs = (a: Int16Array) => a.reduce((s, v) => s + Math.abs(v), 0) / a.length;
    expect(meanAbs(cap.subarray(0, 20 * 160))).toBeLessThan(50);
    expect(meanAbs(cap.subarray(20 * 160, 50 * 160))).toBeGreaterThan(1500);
    const plain = await plane.openSession({ callId: 'call-no-capture', params: testParams });
    await play(sock, plain.port, utterance(30, 60));
    await plain.decision;
    expect((await plain.close()).capture).toBeUndefined();
    sock.close();
  });

  it('with analyseContinuously (load tests) restarts the analysis after each decision and reports the first', async () => {
    const session = await plane.openSession({ callId: 'call-continuous', params: testParams, analyseContinuously: true });
    const sock = await sender();
    const before = await packetsRead(plane);
    await play(sock, session.port, [...utterance(30, 40), ...utterance(30, 40)]);
    const first = await session.decision;
    expect(first.decisionMs).toBe(20 * 70);
    await untilRead(plane, before, 140);
    const report = await session.close();
    expect(report.decision).toEqual(first);
    expect(report.analyses).toBe(2);
    sock.close();
  });

  it('keeps listening after MACHINE and reports the voicemail beep when it comes', async () => {
    const session = await plane.openSession({ callId: 'call-machine', params: testParams });
    const sock = await sender();
    // A 1.6 s greeting (MACHINE once it passes 1.5 s), 0.2 s of silence, a loud 1 kHz tone, then silence.
    const tone = encodeUlaw(Array.from({ length: 160 }, (_, i) => 30000 * Math.sin((2 * Math.PI * 1000 * i) / 8000)));
    await play(sock, session.port, [...utterance(80, 10), tone, tone, ...utterance(0, 5)]);
    const decision = await session.decision;
    expect(decision.status).toBe('MACHINE');
    expect(decision.beepAtMs).toBeUndefined();
    const beep = await session.beep;
    expect(beep?.beepAtMs).toBe(20 * 91);
    const report = await session.close();
    expect(report.decision).toMatchObject({ status: 'MACHINE', beepAtMs: 20 * 91 });
    sock.close();
  });

  it('a HUMAN session ends with no beep', async () => {
    const session = await plane.openSession({ callId: 'call-no-beep', params: testParams });
    const sock = await sender();
    await play(sock, session.port, utterance(20, 45));
    expect((await session.decision).status).toBe('HUMAN');
    await session.close();
    expect(await session.beep).toBeNull();
    sock.close();
  });

  it('ignores a foreign stream on the same port and keeps the first SSRC', async () => {
    const session = await plane.openSession({ callId: 'call-foreign', params: testParams });
    const asterisk = await sender();
    const stranger = await sender();
    await play(asterisk, session.port, utterance(0, 5), { ssrc: 1 });
    // Wait for the lock to be taken by the first stream, then a loud stranger talks over it for 2 s.
    await expect.poll(() => packetsRead(plane), { interval: 5 }).toBeGreaterThan(0);
    await play(stranger, session.port, utterance(100, 0), { ssrc: 2, seq0: 1 });
    await play(asterisk, session.port, utterance(0, 245), { ssrc: 1, seq0: 22030 });
    const decision = await session.decision;
    // 5 s of silence: the stranger's 2 s of "speech" never reached the detector.
    expect(decision.status).toBe('NOTSURE');
    expect(decision.trace.frameEnergy.every((e) => e === 0)).toBe(true);
    const report = await session.close();
    expect(report.rtp.foreign).toBe(100);
    expect(report.rtp.received).toBe(250);
    asterisk.close();
    stranger.close();
  });

  it('decodes slin16 on the PT it was opened with and downsamples it for the detector', async () => {
    const session = await plane.openSession({ callId: 'call-slin16', params: testParams, format: { codec: 'slin16', payloadType: 118 } });
    const sock = await sender();
    const frames: Uint8Array[] = [];
    for (let f = 0; f < 100; f++) {
      const loud = f >= 10 && f < 40;
      frames.push(encodeSlinBE(Array.from({ length: 320 }, (_, i) => (loud ? 4000 * Math.sin((2 * Math.PI * 300 * (f * 320 + i)) / 16000) : 0))));
    }
    await play(sock, session.port, frames, { pt: 118 });
    const decision = await session.decision;
    expect(decision.status).toBe('HUMAN');
    expect(decision.decisionMs).toBe(20 * (10 + 30 + 40));
    await session.close();
    sock.close();
  });

  it('a hung-up call (abort) ends its session with HANGUP and frees its port', async () => {
    const hangup = new AbortController();
    const session = await plane.openSession({ callId: 'call-hangup', params: testParams, signal: hangup.signal });
    const sock = await sender();
    await play(sock, session.port, utterance(10, 0));
    await expect.poll(async () => (await plane.workerStats()).reduce((a, w) => a + w.sessions, 0)).toBeGreaterThan(0);
    hangup.abort();
    const decision = await session.decision;
    expect(decision.status).toBe('HANGUP');
    const report = await session.close();
    expect(report.decision.status).toBe('HANGUP');
    expect(plane.size).toBe(0);
    // The port is really free: we can bind it ourselves.
    const probe = dgram.createSocket('udp4');
    probe.bind(session.port, HOST);
    await once(probe, 'listening');
    probe.close();
    sock.close();
  });

  it('a call that hangs up while its port is being bound still ends cleanly; close is idempotent', async () => {
    const hangup = new AbortController();
    const opening = plane.openSession({ callId: 'call-early-hangup', params: testParams, signal: hangup.signal });
    hangup.abort();
    const session = await opening;
    expect((await session.decision).status).toBe('HANGUP');
    const [r1, r2] = await Promise.all([session.close(), session.close('timeout')]);
    expect(r1).toBe(r2);
    expect(plane.size).toBe(0);
    await expect(plane.openSession({ callId: 'gone', params: testParams, signal: hangup.signal })).rejects.toMatchObject({ code: 'CLOSED' });
  });

  it('skips ports held by another program and reports exhaustion', async () => {
    const squatter = dgram.createSocket('udp4');
    // Whichever port the allocator offers next is taken from under it.
    const a = await plane.openSession({ callId: 'probe', params: testParams });
    const next = a.port === PORT_MAX ? PORT_MIN : a.port + 1;
    squatter.bind(next, HOST);
    await once(squatter, 'listening');
    const b = await plane.openSession({ callId: 'after-squatter', params: testParams });
    expect(b.port).not.toBe(next);
    const c = await plane.openSession({ callId: 'third', params: testParams });
    await expect(plane.openSession({ callId: 'too-many', params: testParams })).rejects.toMatchObject({ code: 'NO_PORT' });
    await Promise.all([a.close(), b.close(), c.close()]);
    squatter.close();
    expect(plane.size).toBe(0);
  });
});

describe('media plane with receive batching (experimental, off by default)', () => {
  it('polls its sockets between Atomics.wait sleeps and still decides, and hangs up cleanly', async () => {
    const plane = await createMediaPlane({
      host: HOST,
      portMin: PORT_MIN + 4,
      portMax: PORT_MIN + 7,
      workers: 1,
      detectorModule: DETECTOR,
      batch: { intervalMs: 2, minSessions: 1 },
    });
    try {
      const session = await plane.openSession({ callId: 'batched', params: testParams });
      const sock = await sender();
      await play(sock, session.port, [...utterance(0, 20), ...utterance(30, 60)]);
      expect((await session.decision).status).toBe('HUMAN');
      await untilRead(plane, 0, 110);
      const report = await session.close();
      expect(report.rtp.received).toBe(110);
      sock.close();
    } finally {
      await plane.close();
    }
  });
});
