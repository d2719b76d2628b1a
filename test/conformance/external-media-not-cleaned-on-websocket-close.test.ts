/**
 * Asterisk 22: externalMedia channels and bridges are not cleaned up when the app's WebSocket closes (the
 * app must delete them); the externalMedia reply carries channelvars UNICASTRTP_LOCAL_ADDRESS/PORT.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../engine/sim/index.js';
import { ari, connectApp, settle, startVirtualSim } from '../support/sim-harness.js';

let sim: Simulator;
afterEach(async () => sim.close());

describe('externalMedia channels and bridges are not cleaned when the WebSocket closes', () => {
  it('keeps them listed after the app disconnects, until deleted', async () => {
    ({ sim } = await startVirtualSim());
    const app = await connectApp(sim);
    const em = await ari(sim, 'POST', '/channels/externalMedia?app=dialer&external_host=127.0.0.1:40999&format=ulaw&channelId=em-1');
    expect(em.status).toBe(200);
    expect(em.body).toMatchObject({ id: 'em-1', state: 'Down', name: expect.stringMatching(/^UnicastRTP\/127\.0\.0\.1:40999-0x[0-9a-f]+$/) });
    await ari(sim, 'POST', '/bridges?type=mixing&bridgeId=amd-1');
    await ari(sim, 'POST', '/bridges/amd-1/addChannel?channel=em-1');
    await app.close();
    await settle();
    expect(sim.snapshot().channels.map((c) => c.id)).toEqual(['em-1']);
    expect(sim.snapshot().bridges.map((b) => [b.id, b.channels])).toEqual([['amd-1', ['em-1']]]);
    expect((await ari(sim, 'GET', '/channels/em-1')).status).toBe(200);
    expect((await ari(sim, 'DELETE', '/channels/em-1')).status).toBe(204);
    expect((await ari(sim, 'DELETE', '/bridges/amd-1')).status).toBe(204);
    expect(sim.snapshot()).toEqual({ channels: [], bridges: [] });
  });

  it('replies with channelvars UNICASTRTP_LOCAL_ADDRESS and UNICASTRTP_LOCAL_PORT of a bound socket', async () => {
    ({ sim } = await startVirtualSim());
    const app = await connectApp(sim);
    const em = await ari(sim, 'POST', '/channels/externalMedia?app=dialer&external_host=127.0.0.1:40998&format=ulaw');
    const vars = (em.body as { channelvars: Record<string, string> }).channelvars;
    expect(vars['UNICASTRTP_LOCAL_ADDRESS']).toBe('127.0.0.1');
    expect(Number(vars['UNICASTRTP_LOCAL_PORT'])).toBeGreaterThan(0);
    // The channel enters Stasis at once, with the same sequence as the trace.
    await app.waitFor((e) => e.type === 'StasisStart');
    expect(app.events.map((e) => `${e.type}${e['dialstatus'] !== undefined ? ` ${String(e['dialstatus'])}` : ''}`)).toEqual([
      'Dial ',
      'ChannelStateChange',
      'Dial ANSWER',
      'ChannelVarset',
      'StasisStart',
    ]);
    await app.close();
  });
});
