/**
 * A playback of media that does not exist, on both PBXs: Asterisk 22 accepts the request, says PlaybackStarted
 * and at once PlaybackFinished with state "failed" (its log: "Playback failed for sound:…"); a playback the callee
 * hangs up under also finishes "failed"; one that plays to the end finishes "done". The engine reads
 * `safe_harbor_played` from this, so the embedded PBX must say the same.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAri, type AriEvent, type AriGateway } from '../../engine/ari/index.js';
import { callee, PBX_KINDS, startPbxTarget, type PbxTarget } from '../support/pbx-target.js';

const until = async (cond: () => boolean, ms: number, what: string) => {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error(`timeout waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe.each(PBX_KINDS)('playbacks of missing media on %s', (kind) => {
  let pbx: PbxTarget;
  let gw: AriGateway;
  const events: AriEvent[] = [];
  const playback = (id: string) =>
    events.flatMap((e) => (e.type === 'PlaybackStarted' || e.type === 'PlaybackFinished') && e.playback.id === id ? [`${e.type}:${e.playback.state}`] : []);

  beforeAll(async () => {
    pbx = await startPbxTarget(kind, { name: `pb-${kind}`, app: 'pbboth' });
    gw = await connectAri({ url: pbx.url, username: pbx.username, password: pbx.password, app: pbx.app, initialDelayMs: 50, maxDelayMs: 500 });
    gw.on('event', (e) => events.push(e));
    await until(() => gw.connected, 10_000, 'event socket');
  }, 90_000);

  afterAll(async () => {
    await gw?.close();
    await pbx?.close();
  });

  it('missing media: PlaybackStarted then PlaybackFinished "failed" at once; existing media: "done"; hung up under it: "failed"', async () => {
    const id = `pbm-${kind}`;
    await gw.execute({ op: 'originate', channelId: id, endpoint: pbx.calleeEndpoint(callee.silence(1)), timeoutSec: 20 });
    await until(() => events.some((e) => e.type === 'StasisStart' && e.channel.id === id), 20_000, 'answer');

    await gw.execute({ op: 'play', channelId: id, playbackId: `${id}-missing`, media: 'sound:centralita/not-installed' });
    await until(() => playback(`${id}-missing`).length === 2, 5000, 'the missing playback to finish');
    expect(playback(`${id}-missing`)).toEqual(['PlaybackStarted:playing', 'PlaybackFinished:failed']);

    await gw.execute({ op: 'play', channelId: id, playbackId: `${id}-beep`, media: 'sound:cl-beep' });
    await until(() => playback(`${id}-beep`).length === 2, 5000, 'the beep to finish');
    expect(playback(`${id}-beep`)).toEqual(['PlaybackStarted:playing', 'PlaybackFinished:done']);

    await gw.execute({ op: 'play', channelId: id, playbackId: `${id}-cut`, media: 'sound:cl-machine-greeting' });
    await until(() => playback(`${id}-cut`).length === 1, 5000, 'the greeting to start');
    await gw.execute({ op: 'hangup', channelId: id });
    await until(() => playback(`${id}-cut`).length === 2, 5000, 'the cut playback to finish');
    expect(playback(`${id}-cut`)).toEqual(['PlaybackStarted:playing', 'PlaybackFinished:failed']);
    if (pbx.asterisk) expect(pbx.asterisk.log()).toContain(`${id}: Playback failed for sound:centralita/not-installed`);
  }, 60_000);
});
