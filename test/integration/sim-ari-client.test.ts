/**
 * The unmodified `ari-client` package against the embedded PBX: it loads the Swagger docs, opens the events
 * WebSocket, originates to a human, sees Ringing then StasisStart, creates an externalMedia channel and a
 * snoop, bridges them, and RTP frames with Asterisk's headers arrive on a UDP socket every 20 ms of
 * (virtual) time.
 */
import ari from 'ari-client';
import { afterEach, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../engine/clock/index.js';
import { startSimulator, type Simulator } from '../../engine/sim/index.js';
import { rtpReceiver, type RtpReceiver } from '../support/sim-rtp.js';

// ari-client ships no types; engine/ari/ari-client.d.ts declares only what the gateway uses.
type Ev = { type: string; channel?: { id: string; state: string }; dialstatus?: string; peer?: { id: string } };
interface Client {
  on(event: string, cb: (e: Ev) => void): void;
  start(app: string): Promise<void>;
  stop(): void;
  channels: Record<string, (p: Record<string, unknown>) => Promise<{ id: string; state: string; channelvars?: Record<string, string> }>>;
  bridges: Record<string, (p: Record<string, unknown>) => Promise<{ id: string } | undefined>>;
}

let sim: Simulator | undefined;
let rx: RtpReceiver | undefined;
let client: Client | undefined;
afterEach(async () => {
  client?.stop();
  await sim?.close();
  await rx?.close();
  sim = undefined;
  rx = undefined;
  client = undefined;
});

describe('ari-client against the simulator', () => {
  it('originates to a human, bridges a snoop with externalMedia and receives RTP', async () => {
    const clock = new VirtualClock();
    sim = await startSimulator({ clock, seed: 3, mediaMode: 'accelerated' });
    rx = await rtpReceiver();
    client = (await ari.connect(sim.url, sim.username, sim.password)) as unknown as Client;
    const events: Ev[] = [];
    client.on('*', (e) => events.push(e));
    const started = new Promise<void>((resolve) => client!.on('StasisStart', (e) => e.channel?.id === 'cust-1' && resolve()));
    await client.start('dialer');

    const ch = await client.channels['originate']!({ endpoint: 'PJSIP/+15550110007@trunk', app: 'dialer', channelId: 'cust-1', timeout: 30 });
    expect(ch).toMatchObject({ id: 'cust-1', state: 'Down' });
    for (let waited = 0; waited < 10_000 && !events.some((e) => e.type === 'StasisStart'); waited += 100) await clock.advanceAsync(100, 20);
    await started;
    const order = events.filter((e) => e.channel?.id === 'cust-1' || e.peer?.id === 'cust-1').map((e) => (e.type === 'Dial' ? `Dial ${e.dialstatus}` : `${e.type} ${e.channel?.state}`));
    expect(order.indexOf('ChannelStateChange Ringing')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('ChannelStateChange Ringing')).toBeLessThan(order.indexOf('StasisStart Up'));
    expect(order.slice(-4)).toEqual(['ChannelStateChange Up', 'Dial ANSWER', 'ChannelVarset Up', 'StasisStart Up']);

    const em = await client.channels['externalMedia']!({ app: 'dialer', external_host: `127.0.0.1:${rx.port}`, format: 'ulaw', channelId: 'em-1' });
    const snoop = await client.channels['snoopChannelWithId']!({ channelId: 'cust-1', snoopId: 'snoop-1', spy: 'in', app: 'dialer' });
    expect(snoop.id).toBe('snoop-1');
    await client.bridges['create']!({ type: 'mixing', bridgeId: 'amd-1' });
    await client.bridges['addChannel']!({ bridgeId: 'amd-1', channel: ['snoop-1', 'em-1'].join(',') });

    await clock.advanceAsync(100 * 20, 20);
    await rx.waitFor(100);
    const pkts = rx.packets;
    expect(pkts.length).toBe(100);
    expect(pkts[0]!.from).toBe(`${em.channelvars!['UNICASTRTP_LOCAL_ADDRESS']}:${em.channelvars!['UNICASTRTP_LOCAL_PORT']}`);
    pkts.forEach((p, i) => {
      expect({ len: p.len, v: p.v, marker: p.marker, pt: p.pt, ssrc: p.ssrc }).toEqual({ len: 172, v: 2, marker: 0, pt: 0, ssrc: pkts[0]!.ssrc });
      expect(p.seq).toBe((pkts[0]!.seq + i) & 0xffff);
      expect(p.ts).toBe(160 * (i + 1)); // +160 per packet = one 20 ms frame of clock time each
    });
  });
});
