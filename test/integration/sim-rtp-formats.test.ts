/** externalMedia format slin16: 16 kHz signed linear big-endian, 640-byte payloads, timestamp +320, PT 118. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../engine/sim/index.js';
import { ari, connectApp, startVirtualSim } from '../support/sim-harness.js';
import { rtpReceiver, type RtpReceiver } from '../support/sim-rtp.js';

let sim: Simulator | undefined;
let rx: RtpReceiver | undefined;
afterEach(async () => {
  await sim?.close();
  await rx?.close();
});

describe('externalMedia slin16', () => {
  it('sends 20 ms of 16 kHz linear audio per packet', async () => {
    const started = await startVirtualSim();
    sim = started.sim;
    rx = await rtpReceiver();
    const app = await connectApp(sim);
    await ari(sim, 'POST', '/channels?endpoint=PJSIP/bot-2@voiceai&app=dialer&channelId=bot-2');
    const em = await ari(sim, 'POST', `/channels/externalMedia?app=dialer&external_host=127.0.0.1:${rx.port}&format=slin16&channelId=em-16`);
    expect(em.status).toBe(200);
    await ari(sim, 'POST', '/bridges?type=mixing&bridgeId=b-16');
    await ari(sim, 'POST', '/bridges/b-16/addChannel?channel=bot-2,em-16');
    await started.clock.advanceAsync(10 * 20, 20);
    await rx.waitFor(10);
    expect(rx.packets.map((p) => [p.len, p.pt, p.ts])).toEqual(Array.from({ length: 10 }, (_, i) => [12 + 640, 118, 320 * (i + 1)]));
    expect(sim.rtpStats('em-16')).toEqual({ sent: 10, received: 0 });
    // Audio sent into the channel is accepted and counted.
    rx.socket.send(Buffer.alloc(172), Number((em.body as { channelvars: Record<string, string> }).channelvars['UNICASTRTP_LOCAL_PORT']), '127.0.0.1');
    for (let i = 0; i < 50 && sim.rtpStats('em-16')!.received === 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(sim.rtpStats('em-16')!.received).toBe(1);
    await app.close();
  });
});
