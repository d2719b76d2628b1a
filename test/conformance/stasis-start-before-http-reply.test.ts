/**
 * Asterisk 22: StasisStart can reach the app before the HTTP reply of the request that created the channel,
 * which is why clients choose `channelId` themselves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../engine/sim/index.js';
import { ari, connectApp, startVirtualSim } from '../support/sim-harness.js';

let sim: Simulator;
afterEach(async () => sim.close());

describe('StasisStart can arrive before the HTTP reply (client-chosen channelId)', () => {
  it('sends StasisStart of an at-once answer before writing the originate reply', async () => {
    ({ sim } = await startVirtualSim());
    const app = await connectApp(sim);
    const r = await ari(sim, 'POST', '/channels?endpoint=PJSIP/bot-1@voiceai&app=dialer&channelId=bot-call-1');
    expect(r.status).toBe(200);
    const start = await app.waitFor((e) => e.type === 'StasisStart');
    expect((start['channel'] as { id: string }).id).toBe('bot-call-1');
    const journal = sim.journal().map((j) => (j.kind === 'http' ? j.what.split(' ')[0] + ' reply' : `${j.what} ${j.id}`));
    expect(journal.indexOf('StasisStart bot-call-1')).toBeGreaterThanOrEqual(0);
    expect(journal.indexOf('StasisStart bot-call-1')).toBeLessThan(journal.indexOf('POST reply'));
    await app.close();
  });
});
