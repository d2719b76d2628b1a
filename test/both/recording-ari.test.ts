/**
 * Recording a customer–agent bridge through ARI, on the embedded PBX and on the real Asterisk 22.10.1: what
 * engine/recordings relies on. `POST /bridges/{id}/record` (wav), pause and unpause of the live recording (the
 * paused time is left out of the file), stop → RecordingFinished, the stored file fetched with
 * `GET /recordings/stored/{name}/file` through the gateway (a real 8 kHz WAV), then `DELETE` → gone (404).
 * A difference between the two PBXs is a simulator bug.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAri, AriError, type AriEvent, type AriGateway } from '../../engine/ari/index.js';
import { parseWav } from '../../engine/audio/index.js';
import { callee, PBX_KINDS, startPbxTarget, type PbxTarget } from '../support/pbx-target.js';

const until = async (cond: () => boolean, ms: number, what: string) => {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(PBX_KINDS)('bridge recording through ARI on %s', (kind) => {
  let pbx: PbxTarget;
  let gw: AriGateway;
  const events: AriEvent[] = [];

  beforeAll(async () => {
    pbx = await startPbxTarget(kind, { name: `rec-${kind}`, app: 'recboth' });
    gw = await connectAri({ url: pbx.url, username: pbx.username, password: pbx.password, app: pbx.app, initialDelayMs: 50, maxDelayMs: 500 });
    gw.on('event', (e) => events.push(e));
    await until(() => gw.connected, 10_000, 'event socket');
  }, 90_000);

  afterAll(async () => {
    await gw?.close();
    await pbx?.close();
  });

  it('records the mix of both parties, leaves the paused time out, serves the file, deletes it', async () => {
    const cust = `recb-${kind}-cust`;
    const agent = `recb-${kind}-agent`;
    const bridge = `recb-${kind}-br`;
    const name = `recb-${kind}-call`;
    const started = (id: string) => events.some((e) => e.type === 'StasisStart' && 'channel' in e && e.channel?.id === id);
    await gw.execute({ op: 'originate', channelId: agent, endpoint: pbx.agentEndpoint('1001'), timeoutSec: 20 });
    await gw.execute({ op: 'originate', channelId: cust, endpoint: pbx.calleeEndpoint(callee.human(3)), timeoutSec: 20 });
    await until(() => started(agent) && started(cust), 20_000, 'both parties in Stasis');
    await gw.execute({ op: 'createBridge', bridgeId: bridge, type: 'mixing' });
    await gw.execute({ op: 'addChannel', bridgeId: bridge, channelIds: [cust, agent] });
    await gw.execute({ op: 'record', bridgeId: bridge, name, format: 'wav' });
    await until(() => events.some((e) => e.type === 'RecordingStarted'), 5000, 'RecordingStarted');

    const t0 = Date.now();
    await sleep(2000);
    await gw.execute({ op: 'pauseRecording', name });
    const p0 = Date.now();
    await sleep(1500);
    await gw.execute({ op: 'unpauseRecording', name });
    const pausedMs = Date.now() - p0;
    await sleep(1000);
    await gw.execute({ op: 'stopRecording', name });
    const wallMs = Date.now() - t0;
    await until(() => events.some((e) => e.type === 'RecordingFinished'), 5000, 'RecordingFinished');

    const file = await gw.storedRecordingFile(name);
    const wav = parseWav(new Uint8Array(file));
    expect(wav.sampleRate).toBe(8000);
    const seconds = wav.samples.length / wav.sampleRate;
    // The file holds the recorded time without the pause (± the latency of the requests around it).
    expect(Math.abs(seconds - (wallMs - pausedMs) / 1000)).toBeLessThan(0.6);
    expect(seconds).toBeLessThan(wallMs / 1000 - 1);

    await gw.execute({ op: 'deleteStoredRecording', name });
    const gone = await gw.storedRecordingFile(name).then(() => null, (e: unknown) => e);
    expect(gone).toBeInstanceOf(AriError);
    expect((gone as AriError).status).toBe(404);

    for (const c of [cust, agent]) await gw.execute({ op: 'hangup', channelId: c }).catch(() => {});
    await gw.execute({ op: 'destroyBridge', bridgeId: bridge }).catch(() => {});
  }, 60_000);

  it('pausing or stopping a recording that does not exist is a 404', async () => {
    for (const op of ['pauseRecording', 'stopRecording'] as const) {
      const err = await gw.execute({ op, name: `recb-${kind}-none` }).then(() => null, (e: unknown) => e);
      expect((err as AriError).status).toBe(404);
    }
  });
});
