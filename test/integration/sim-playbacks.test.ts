/** /play on channels and bridges: 201 with state queued, PlaybackStarted/Finished; tones play until stopped. */
import { afterEach, describe, expect, it } from 'vitest';
import type { Simulator } from '../../engine/sim/index.js';
import { ari, connectApp, startVirtualSim } from '../support/sim-harness.js';
import { summarize } from '../support/trace-loader.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('playbacks', () => {
  it('plays sounds for their length and tones until stopped', async () => {
    const started = await startVirtualSim();
    sim = started.sim;
    const app = await connectApp(sim);
    await ari(sim, 'POST', '/channels?endpoint=PJSIP/bot-3@voiceai&app=dialer&channelId=c-1');
    const pb = await ari(sim, 'POST', '/channels/c-1/play?media=sound:beep&playbackId=pb-1');
    expect(pb).toEqual({ status: 201, body: { id: 'pb-1', media_uri: 'sound:beep', target_uri: 'channel:c-1', language: 'en', state: 'queued' } });
    expect((await ari(sim, 'GET', '/playbacks/pb-1')).body).toMatchObject({ state: 'playing' });
    await started.clock.advanceAsync(600, 20);
    await app.caughtUp();
    expect(await ari(sim, 'GET', '/playbacks/pb-1')).toEqual({ status: 404, body: { message: 'Playback not found' } });

    await ari(sim, 'POST', '/bridges?type=mixing&bridgeId=b-1');
    await ari(sim, 'POST', '/bridges/b-1/addChannel?channel=c-1');
    expect((await ari(sim, 'POST', '/bridges/b-1/play/ring-1?media=tone:ring')).status).toBe(201);
    await started.clock.advanceAsync(60_000, 1000);
    expect((await ari(sim, 'GET', '/playbacks/ring-1')).status).toBe(200);
    expect((await ari(sim, 'DELETE', '/playbacks/ring-1')).status).toBe(204);
    await app.caughtUp();
    expect(app.events.filter((e) => e.type.startsWith('Playback')).map(summarize)).toEqual([
      'PlaybackStarted pb-1 playing channel:c-1',
      'PlaybackFinished pb-1 done channel:c-1',
      'PlaybackStarted ring-1 playing bridge:b-1',
      'PlaybackFinished ring-1 done bridge:b-1',
    ]);
    expect(await ari(sim, 'POST', '/channels/nope/play?media=sound:beep')).toEqual({ status: 404, body: { message: 'Channel not found' } });
    await app.close();
  });
});
