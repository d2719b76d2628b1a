/**
 * Asterisk 22: adding a channel to a bridge before its StasisStart (e.g. while it still rings) fails with
 * 422 {"message":"Channel not in Stasis application"}; a channel that does not exist gives 400.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { VirtualClock } from '../../engine/clock/index.js';
import type { Simulator } from '../../engine/sim/index.js';
import { ari, connectApp, startVirtualSim } from '../support/sim-harness.js';

let sim: Simulator;
let clock: VirtualClock;
afterEach(async () => sim.close());

describe('addChannel before StasisStart → 422 Channel not in Stasis application', () => {
  it('refuses a still-ringing channel, accepts it once answered', async () => {
    ({ sim, clock } = await startVirtualSim());
    const app = await connectApp(sim);
    await ari(sim, 'POST', '/bridges?type=mixing&bridgeId=b-early');
    await ari(sim, 'POST', '/channels?endpoint=PJSIP/+15550110003@trunk&app=dialer&channelId=early-1');
    await clock.advanceAsync(300, 20);
    const early = await ari(sim, 'POST', '/bridges/b-early/addChannel?channel=early-1');
    expect(early).toEqual({ status: 422, body: { message: 'Channel not in Stasis application' } });
    const missing = await ari(sim, 'POST', '/bridges/b-early/addChannel?channel=nope');
    expect(missing).toEqual({ status: 400, body: { message: 'Channel not found' } });
    await clock.advanceAsync(8000, 50);
    await app.waitFor((e) => e.type === 'StasisStart');
    expect((await ari(sim, 'POST', '/bridges/b-early/addChannel?channel=early-1')).status).toBe(204);
    await app.close();
  });
});
