/**
 * Asterisk 22: a snoop (spy=in) emits 20 ms frames, silence included, from the moment it exists, and it can
 * be created before answer when the caller chose the channel's id. Bridged with an externalMedia channel,
 * the callee's audio leaves as RTP exactly like the `rtp-externalmedia-snoop-before-answer` recording.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../engine/sim/index.js';
import { decodeUlaw } from '../../engine/audio/g711.js';
import { meanAbs } from '../../engine/sim/audio/source.js';
import { ari, connectApp, startVirtualSim } from '../support/sim-harness.js';
import { rtpReceiver, type RtpReceiver } from '../support/sim-rtp.js';
import { TRACE_DIR, traceExists } from '../support/trace-loader.js';

let sim: Simulator | undefined;
let rx: RtpReceiver | undefined;
afterEach(async () => {
  await sim?.close();
  await rx?.close();
  sim = undefined;
  rx = undefined;
});

const rxRef = (r: RtpReceiver): void => {
  rx = r;
};

describe('snoop spy=in emits 20 ms frames, silence included, from the moment it exists', () => {
  it('sends RTP silence while ringing, then the callee audio after answer, with Asterisk headers', async () => {
    const started = await startVirtualSim();
    sim = started.sim;
    const clock = started.clock;
    const rx = await rtpReceiver();
    rxRef(rx);
    const app = await connectApp(sim);
    await ari(sim, 'POST', '/channels?endpoint=PJSIP/+15550110042@trunk&app=dialer&channelId=rt-1&timeout=30');
    await clock.advanceAsync(200, 20);
    const snoop = await ari(sim, 'POST', '/channels/rt-1/snoop?spy=in&app=dialer&snoopId=rt-snoop');
    expect(snoop).toMatchObject({ status: 200, body: { id: 'rt-snoop', state: 'Up' } });
    const em = await ari(sim, 'POST', `/channels/externalMedia?app=dialer&external_host=127.0.0.1:${rx.port}&format=ulaw&channelId=rt-em`);
    const vars = (em.body as { channelvars: Record<string, string> }).channelvars;
    await ari(sim, 'POST', '/bridges?type=mixing&bridgeId=rt-b');
    expect((await ari(sim, 'POST', '/bridges/rt-b/addChannel?channel=rt-snoop,rt-em')).status).toBe(204);
    expect(app.events.some((e) => e.type === 'StasisStart' && (e['channel'] as { id: string }).id === 'rt-1')).toBe(false);

    // Each 20 ms of clock time sends exactly one frame.
    const before = rx.packets.length;
    await clock.advanceAsync(50 * 20, 20);
    await rx.waitFor(before + 50);
    expect(rx.packets.length).toBe(before + 50);
    const first = rx.packets[0]!;
    expect(first).toMatchObject({ from: `${vars['UNICASTRTP_LOCAL_ADDRESS']}:${vars['UNICASTRTP_LOCAL_PORT']}`, len: 172, v: 2, marker: 0, pt: 0, ts: 160 });
    rx.packets.forEach((p, i) => {
      expect(p.seq).toBe((first.seq + i) & 0xffff);
      expect(p.ts).toBe(160 * (i + 1));
      expect(p.ssrc).toBe(first.ssrc);
      expect(p.marker).toBe(0);
    });
    // Still ringing: digital silence, µ-law 0xFF.
    expect(rx.packets.every((p) => p.payload.every((b) => b === 0xff))).toBe(true);

    // Human answers within 8 s and says "Hello?": energy shows up in the frames.
    await clock.advanceAsync(9000, 20);
    await app.waitFor((e) => e.type === 'StasisStart' && (e['channel'] as { id: string }).id === 'rt-1');
    await rx.waitFor(before + 50 + 450);
    const energies = rx.packets.map((p) => meanAbs(decodeUlaw(p.payload)));
    expect(Math.max(...energies)).toBeGreaterThan(500);
    await app.close();
  });

  it.runIf(traceExists('rtp-externalmedia-snoop-before-answer'))('matches the header fields of the recorded RTP', () => {
    const rec = JSON.parse(readFileSync(join(TRACE_DIR, 'rtp-externalmedia-snoop-before-answer.json'), 'utf8')) as {
      first: { len: number; v: number; mk: number; pt: number; ts: number; energy: number }[];
    };
    // What the first test asserts of the simulator is what Asterisk sent.
    expect(rec.first[0]).toMatchObject({ len: 172, v: 2, mk: 0, pt: 0, ts: 160, energy: 0 });
    rec.first.forEach((p, i) => expect(p.ts).toBe(160 * (i + 1)));
  });
});
