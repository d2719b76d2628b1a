/**
 * Asterisk 22: originate answers 200 even when no application is connected; when the callee answers,
 * Stasis() finds the app inactive and the channel is hung up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../engine/sim/index.js';
import { ari, startVirtualSim } from '../support/sim-harness.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('originate answers 200 with no app connected', () => {
  it('answers the originate with 200 even if no application is connected', async () => {
    const started = await startVirtualSim();
    sim = started.sim;
    const r = await ari(sim, 'POST', '/channels?endpoint=PJSIP/+15550110002@trunk&app=nobody&channelId=n-1');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: 'n-1', state: 'Down', name: expect.stringMatching(/^PJSIP\/trunk-[0-9a-f]{8}$/) });
    expect(sim.snapshot().channels.map((c) => c.id)).toEqual(['n-1']);
    await started.clock.advanceAsync(9000, 100);
    expect(sim.snapshot().channels).toEqual([]);
  });
});
