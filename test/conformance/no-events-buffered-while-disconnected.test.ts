/** Asterisk 22 buffers no events while the app is disconnected: a reconnecting app sees only what follows. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../engine/sim/index.js';
import { ari, connectApp, settle, startVirtualSim } from '../support/sim-harness.js';
import { summarize } from '../support/trace-loader.js';

let sim: Simulator;
afterEach(async () => sim.close());

describe('no events buffered while the app is disconnected', () => {
  it('drops what happened during the gap and delivers what follows', async () => {
    const started = await startVirtualSim();
    sim = started.sim;
    const clock = started.clock;
    const first = await connectApp(sim);
    await ari(sim, 'POST', '/channels?endpoint=PJSIP/1001&app=dialer&channelId=agent-1');
    await clock.advanceAsync(1200, 20);
    await first.waitFor((e) => e.type === 'StasisStart');
    sim.dropWebSockets();
    await settle();
    // While nobody listens: the agent's channel is hung up and an externalMedia channel is created.
    expect((await ari(sim, 'DELETE', '/channels/agent-1')).status).toBe(204);
    const again = await connectApp(sim);
    await settle();
    expect(again.events).toEqual([]);
    await ari(sim, 'POST', '/channels/externalMedia?app=dialer&external_host=127.0.0.1:40997&format=ulaw&channelId=em-after');
    await again.waitFor((e) => e.type === 'StasisStart');
    expect(again.events.map(summarize).every((s) => s.includes('em-after'))).toBe(true);
    await again.close();
  });
});
