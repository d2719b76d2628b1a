/** POST /channels/create puts the (Down) channel in Stasis at once; /dial then rings and answers it. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../engine/sim/index.js';
import { ari, connectApp, startVirtualSim } from '../support/sim-harness.js';
import { summarize } from '../support/trace-loader.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('channels/create + dial', () => {
  it('enters Stasis on create and publishes the dial progress on /dial', async () => {
    const started = await startVirtualSim();
    sim = started.sim;
    const app = await connectApp(sim);
    const created = await ari(sim, 'POST', '/channels/create?endpoint=PJSIP/1001&app=dialer&channelId=ag-9');
    expect(created).toMatchObject({ status: 200, body: { id: 'ag-9', state: 'Down' } });
    await app.waitFor((e) => e.type === 'StasisStart');
    expect((await ari(sim, 'POST', '/channels/ag-9/dial?timeout=10')).status).toBe(204);
    expect((await ari(sim, 'POST', '/channels/ag-9/dial')).status).toBe(409);
    await started.clock.advanceAsync(1500, 20);
    await app.caughtUp();
    expect(app.events.map(summarize)).toEqual([
      'ChannelVarset ag-9 STASISSTATUS=',
      'StasisStart ag-9 args=[]',
      'Dial ag-9 dialstatus=',
      'ChannelStateChange ag-9 state=Ringing',
      'Dial ag-9 dialstatus=RINGING',
      'ChannelStateChange ag-9 state=Up',
      'Dial ag-9 dialstatus=ANSWER',
    ]);
    expect(await ari(sim, 'POST', '/channels/nope/dial')).toEqual({ status: 404, body: { message: 'Channel not found' } });
    await app.close();
  });
});
