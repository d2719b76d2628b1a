/**
 * The ARI gateway (ari-client REST + our reconnecting event socket) against the embedded PBX, on the wall
 * clock: typed events in Asterisk's order, commands with our own ids, AriError with status and ARI message,
 * and reconnect after the WebSocket is cut.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AriError } from '../../engine/ari/errors.js';
import { connectAri, type AriGateway } from '../../engine/ari/gateway.js';
import type { AriEvent } from '../../engine/ari/types.js';
import { startSimulator, type Simulator } from '../../engine/sim/index.js';

const until = async (cond: () => boolean, ms = 5000, what = 'condition') => {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('ARI gateway on the embedded PBX', () => {
  let sim: Simulator;
  let gw: AriGateway;
  const events: AriEvent[] = [];
  const log: string[] = [];

  beforeAll(async () => {
    sim = await startSimulator({ seed: 7 });
    gw = await connectAri({ url: sim.url, username: sim.username, password: sim.password, app: 'gwtest', initialDelayMs: 20, maxDelayMs: 100 });
    gw.on('event', (e) => events.push(e));
    gw.on('connected', () => log.push('connected'));
    gw.on('disconnected', () => log.push('disconnected'));
    await until(() => gw.connected, 5000, 'connected');
  });

  afterAll(async () => {
    await gw?.close();
    await sim?.close();
  });

  it('originates with our channel id and sees Dial … StasisStart; snoop + externalMedia enter Stasis; bridges work', async () => {
    await gw.execute({ op: 'originate', channelId: 'gw-agent-1', endpoint: 'PJSIP/1001', timeoutSec: 10 });
    await until(() => events.some((e) => e.type === 'StasisStart' && e.channel.id === 'gw-agent-1'), 5000, 'StasisStart');
    const mine = events.filter((e) => ('channel' in e && e.channel?.id === 'gw-agent-1') || (e.type === 'Dial' && e.peer.id === 'gw-agent-1'));
    expect(mine[0]).toMatchObject({ type: 'Dial', dialstatus: '' });
    expect(mine.map((e) => e.type)).toContain('StasisStart');
    const dials = mine.flatMap((e) => (e.type === 'Dial' ? [e.dialstatus] : []));
    expect(dials.at(-1)).toBe('ANSWER');

    await gw.execute({ op: 'snoop', channelId: 'gw-agent-1', snoopId: 'gw-snoop-1', spy: 'in' });
    await gw.execute({ op: 'externalMedia', channelId: 'gw-em-1', host: '127.0.0.1', port: 40999, format: 'ulaw' });
    await gw.execute({ op: 'createBridge', bridgeId: 'gw-amd-1', type: 'mixing' });
    await until(
      () => ['gw-snoop-1', 'gw-em-1'].every((id) => events.some((e) => e.type === 'StasisStart' && e.channel.id === id)),
      5000,
      'snoop/em StasisStart',
    );
    await gw.execute({ op: 'addChannel', bridgeId: 'gw-amd-1', channelIds: ['gw-snoop-1', 'gw-em-1'] });
    await until(() => events.filter((e) => e.type === 'ChannelEnteredBridge' && e.bridge.id === 'gw-amd-1').length === 2);
    const bridges = await gw.listBridges();
    expect(bridges.find((b) => b.id === 'gw-amd-1')?.channels.sort()).toEqual(['gw-em-1', 'gw-snoop-1']);
    const channels = await gw.listChannels();
    expect(channels.map((c) => c.id)).toEqual(expect.arrayContaining(['gw-agent-1', 'gw-snoop-1', 'gw-em-1']));

    // Teardown: DELETE → ChannelHangupRequest, StasisEnd, ChannelDestroyed (cause 16).
    for (const id of ['gw-em-1', 'gw-snoop-1', 'gw-agent-1']) await gw.execute({ op: 'hangup', channelId: id, reason: 'normal' });
    await gw.execute({ op: 'destroyBridge', bridgeId: 'gw-amd-1' });
    await until(() => events.some((e) => e.type === 'ChannelDestroyed' && e.channel.id === 'gw-agent-1'));
    const destroyed = events.find((e) => e.type === 'ChannelDestroyed' && e.channel.id === 'gw-agent-1');
    expect(destroyed).toMatchObject({ cause: 16 });
    await until(() => events.some((e) => e.type === 'BridgeDestroyed' && e.bridge.id === 'gw-amd-1'));
    expect(sim.snapshot().channels.filter((c) => c.id.startsWith('gw-'))).toEqual([]);
  });

  it('reports failures as AriError with the status code and the ARI message', async () => {
    const hangup = await gw.execute({ op: 'hangup', channelId: 'nope' }).catch((e: unknown) => e);
    expect(hangup).toBeInstanceOf(AriError);
    expect(hangup).toMatchObject({ status: 404, ariMessage: 'Channel not found', op: 'hangup' });
    await gw.execute({ op: 'createBridge', bridgeId: 'gw-b-err', type: 'mixing' });
    const add = await gw.execute({ op: 'addChannel', bridgeId: 'gw-b-err', channelIds: ['ghost'] }).catch((e: unknown) => e);
    expect(add).toMatchObject({ status: 400, ariMessage: 'Channel not found' });
    expect((add as AriError).isGone).toBe(true);
    await gw.execute({ op: 'destroyBridge', bridgeId: 'gw-b-err' });
  });

  it('reconnects after the WebSocket is cut and says so (disconnected → connected)', async () => {
    const before = log.length;
    sim.dropWebSockets();
    await until(() => log.length >= before + 2 && gw.connected, 5000, 'reconnect');
    expect(log.slice(before)).toEqual(['disconnected', 'connected']);
    // Events flow again on the new socket.
    const n = events.length;
    await gw.execute({ op: 'originate', channelId: 'gw-agent-2', endpoint: 'PJSIP/1002', timeoutSec: 10 });
    await until(() => events.slice(n).some((e) => e.type === 'StasisStart' && e.channel.id === 'gw-agent-2'));
    await gw.execute({ op: 'hangup', channelId: 'gw-agent-2' });
  });
});
