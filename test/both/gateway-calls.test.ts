/**
 * The ARI gateway against both PBXs: what the engine relies on in every call — originate with our own channel
 * id, Dial … ANSWER then StasisStart for an answered callee, snoop + externalMedia sending the callee's audio as
 * RTP to our UDP socket, a mixing bridge, hang-up order, and BUSY for a busy callee. The same assertions hold on
 * the embedded PBX and on the real Asterisk 22.10.1; a difference is a simulator bug.
 */
import { createSocket, type Socket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAri, type AriEvent, type AriGateway } from '../../engine/ari/index.js';
import { callee, PBX_KINDS, startPbxTarget, type PbxTarget } from '../support/pbx-target.js';

const until = async (cond: () => boolean, ms: number, what: string) => {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.each(PBX_KINDS)('ARI gateway calls on %s', (kind) => {
  let pbx: PbxTarget;
  let gw: AriGateway;
  let rtp: Socket;
  const packets: Buffer[] = [];
  const events: AriEvent[] = [];
  const of = (id: string) =>
    events.filter((e) => ('channel' in e && e.channel?.id === id) || (e.type === 'Dial' && e.peer.id === id));

  beforeAll(async () => {
    pbx = await startPbxTarget(kind, { name: `gw-${kind}`, app: 'gwboth' });
    gw = await connectAri({ url: pbx.url, username: pbx.username, password: pbx.password, app: pbx.app, initialDelayMs: 50, maxDelayMs: 500 });
    gw.on('event', (e) => events.push(e));
    await until(() => gw.connected, 10_000, 'event socket');
    rtp = createSocket('udp4');
    rtp.on('message', (m) => packets.push(m));
    await new Promise<void>((r) => rtp.bind(0, '127.0.0.1', () => r()));
  }, 90_000);

  afterAll(async () => {
    rtp?.close();
    await gw?.close();
    await pbx?.close();
  });

  it('an answered human: Dial ANSWER, StasisStart, its audio over externalMedia RTP, hang-up in order', async () => {
    const id = `gwb-${kind}-human`;
    await gw.execute({ op: 'originate', channelId: id, endpoint: pbx.calleeEndpoint(callee.human(1)), timeoutSec: 20 });
    await until(() => of(id).some((e) => e.type === 'StasisStart'), 20_000, 'StasisStart of the answered callee');
    const dials = of(id).flatMap((e) => (e.type === 'Dial' ? [e.dialstatus] : []));
    expect(dials[0]).toBe('');
    expect(dials.at(-1)).toBe('ANSWER');

    const port = (rtp.address() as AddressInfo).port;
    await gw.execute({ op: 'snoop', channelId: id, snoopId: `${id}-snoop`, spy: 'in' });
    await gw.execute({ op: 'externalMedia', channelId: `${id}-em`, host: '127.0.0.1', port, format: 'ulaw' });
    await gw.execute({ op: 'createBridge', bridgeId: `${id}-amd`, type: 'mixing' });
    await until(() => [`${id}-snoop`, `${id}-em`].every((c) => of(c).some((e) => e.type === 'StasisStart')), 5000, 'snoop/em StasisStart');
    await gw.execute({ op: 'addChannel', bridgeId: `${id}-amd`, channelIds: [`${id}-snoop`, `${id}-em`] });

    // 2 s of audio: 20 ms µ-law frames (12-byte header + 160 bytes) and, somewhere, the callee's "Hello?".
    await until(() => packets.length >= 100, 10_000, '100 RTP packets');
    expect(packets.every((p) => p.length === 172 && (p[0]! >> 6) === 2 && (p[1]! & 0x7f) === 0)).toBe(true);
    await until(() => packets.some((p) => p.subarray(12).some((b) => (b & 0x7f) < 0x60)), 10_000, 'speech energy in RTP');

    await gw.execute({ op: 'hangup', channelId: id });
    await until(() => of(id).some((e) => e.type === 'ChannelDestroyed'), 5000, 'ChannelDestroyed');
    const tail = of(id).map((e) => e.type).filter((t) => ['ChannelHangupRequest', 'StasisEnd', 'ChannelDestroyed'].includes(t));
    expect(tail).toEqual(['ChannelHangupRequest', 'StasisEnd', 'ChannelDestroyed']);
    for (const c of [`${id}-snoop`, `${id}-em`]) await gw.execute({ op: 'hangup', channelId: c }).catch(() => {});
    await gw.execute({ op: 'destroyBridge', bridgeId: `${id}-amd` });
  }, 60_000);

  it('a busy callee: Dial BUSY and the channel destroyed without StasisStart', async () => {
    const id = `gwb-${kind}-busy`;
    await gw.execute({ op: 'originate', channelId: id, endpoint: pbx.calleeEndpoint(callee.busy(1)), timeoutSec: 20 });
    await until(() => of(id).some((e) => e.type === 'ChannelDestroyed'), 20_000, 'ChannelDestroyed');
    const dials = of(id).flatMap((e) => (e.type === 'Dial' ? [e.dialstatus] : []));
    expect(dials.at(-1)).toBe('BUSY');
    expect(of(id).some((e) => e.type === 'StasisStart')).toBe(false);
  }, 30_000);

  it('leaves nothing behind: no channel or bridge of ours remains', async () => {
    const deadline = Date.now() + 5000;
    let left: string[] = [];
    do {
      const [chans, bridges] = await Promise.all([gw.listChannels(), gw.listBridges()]);
      left = [...chans.map((c) => c.id), ...bridges.map((b) => b.id)].filter((x) => x.startsWith('gwb-'));
      if (!left.length) break;
      await new Promise((r) => setTimeout(r, 100));
    } while (Date.now() < deadline);
    expect(left).toEqual([]);
  });
});
