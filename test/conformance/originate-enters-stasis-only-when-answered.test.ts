/**
 * Asterisk 22: an originated channel enters Stasis (StasisStart) only when it is answered; the Ringing state
 * change and the Dial events come first.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { VirtualClock } from '../../engine/clock/index.js';
import type { Simulator } from '../../engine/sim/index.js';
import { ari, connectApp, startVirtualSim } from '../support/sim-harness.js';
import { summarize } from '../support/trace-loader.js';

let sim: Simulator;
let clock: VirtualClock;
afterEach(async () => sim.close());

describe('originated channel enters Stasis only when answered', () => {
  it('publishes Dial, Ringing, Dial RINGING, Up, Dial ANSWER, then StasisStart', async () => {
    ({ sim, clock } = await startVirtualSim());
    const app = await connectApp(sim);
    const r = await ari(sim, 'POST', '/channels?endpoint=PJSIP/+15550110001@trunk&app=dialer&channelId=h-1&timeout=30');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 'h-1', state: 'Down' });
    await clock.advanceAsync(900, 20); // human rings 1–8 s: not answered yet
    await app.caughtUp();
    expect(app.events.map(summarize)).toEqual(['Dial h-1 dialstatus=', 'ChannelStateChange h-1 state=Ringing', 'Dial h-1 dialstatus=RINGING']);
    await clock.advanceAsync(8000, 20);
    await app.waitFor((e) => e.type === 'StasisStart');
    expect(app.events.map(summarize)).toEqual([
      'Dial h-1 dialstatus=',
      'ChannelStateChange h-1 state=Ringing',
      'Dial h-1 dialstatus=RINGING',
      'ChannelStateChange h-1 state=Up',
      'Dial h-1 dialstatus=ANSWER',
      'ChannelVarset h-1 STASISSTATUS=',
      'StasisStart h-1 args=[]',
    ]);
    await app.close();
  });
});
