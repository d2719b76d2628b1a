/**
 * Recordings on the simulator: a channel recording captures the callee's audio, shows up in
 * /recordings/stored while it grows, finishes on stop with its duration, and serves a WAV file.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseWav } from '../../engine/audio/wav.js';
import type { Simulator } from '../../engine/sim/index.js';
import { meanAbs } from '../../engine/sim/audio/source.js';
import { ari, connectApp, settle, startVirtualSim } from '../support/sim-harness.js';

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function fileOf(s: Simulator, name: string): Promise<Uint8Array> {
  const res = await fetch(`${s.url}/ari/recordings/stored/${name}/file?api_key=${encodeURIComponent(`${s.username}:${s.password}`)}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('audio/wav');
  return new Uint8Array(await res.arrayBuffer());
}

describe('simulator recordings', () => {
  it('records a machine greeting from a channel and stores it as WAV', async () => {
    const started = await startVirtualSim({ seed: 4 });
    sim = started.sim;
    const app = await connectApp(sim);
    await ari(sim, 'POST', '/channels?endpoint=PJSIP/+15550120001@trunk&app=dialer&channelId=m-1');
    for (let i = 0; i < 150 && !app.events.some((e) => e.type === 'StasisStart'); i++) await started.clock.advanceAsync(100, 20);
    await app.waitFor((e) => e.type === 'StasisStart');
    const rec = await ari(sim, 'POST', '/channels/m-1/record?name=greet&format=wav');
    expect(rec).toEqual({ status: 201, body: { name: 'greet', format: 'wav', state: 'queued', target_uri: 'channel:m-1' } });
    expect((await ari(sim, 'GET', '/recordings/stored')).body).toEqual([{ name: 'greet', format: 'wav' }]);
    expect((await ari(sim, 'GET', '/recordings/live/greet')).body).toMatchObject({ state: 'recording' });
    await started.clock.advanceAsync(3000, 20);
    expect((await ari(sim, 'POST', '/recordings/live/greet/stop')).status).toBe(204);
    const finished = await app.waitFor((e) => e.type === 'RecordingFinished');
    expect(finished['recording']).toEqual({ name: 'greet', format: 'wav', state: 'done', target_uri: 'channel:m-1', duration: 3 });
    const wav = parseWav(await fileOf(sim, 'greet'));
    expect(wav.sampleRate).toBe(8000);
    expect(wav.samples.length).toBe(3 * 8000);
    expect(meanAbs(wav.samples)).toBeGreaterThan(100); // the greeting, not silence
    expect((await ari(sim, 'DELETE', '/recordings/stored/greet')).status).toBe(204);
    expect(await ari(sim, 'GET', '/recordings/stored/greet')).toEqual({ status: 404, body: { message: 'Recording not found' } });
    await settle();
    await app.close();
  });
});
