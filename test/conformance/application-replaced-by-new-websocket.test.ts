/**
 * Asterisk 22 keeps one WebSocket per application: when the app connects again (e.g. after a half-open
 * connection), the old socket gets ApplicationReplaced and the app's events go to the new one only.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../engine/sim/index.js';
import { ari, connectApp, settle, startVirtualSim } from '../support/sim-harness.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
});

describe('a new WebSocket for the same app replaces the old one', () => {
  it('sends ApplicationReplaced to the old socket and events only to the new one', async () => {
    ({ sim } = await startVirtualSim());
    const old = await connectApp(sim);
    const fresh = await connectApp(sim);
    await old.waitFor((e) => e.type === 'ApplicationReplaced');
    expect(old.events).toEqual([expect.objectContaining({ type: 'ApplicationReplaced', application: 'dialer' })]);
    await ari(sim, 'POST', '/channels?endpoint=PJSIP/bot-1@voiceai&app=dialer&channelId=r-1');
    await fresh.waitFor((e) => e.type === 'StasisStart');
    await settle();
    expect(old.events.map((e) => e.type)).toEqual(['ApplicationReplaced']);
    await old.close();
    await fresh.close();
  });
});
