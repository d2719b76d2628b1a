/**
 * The doctor's media checks, end to end on the real thing: an externalMedia channel sends a tone played into
 * its bridge as RTP to a UDP port in the engine's range on RTP_HOST (externalMedia works, RTP reaches the
 * engine), and a silent channel of the Centralita dialplan (`silence@centralita-doctor`) is bridged straight to
 * one: with `transmit_silence = yes` Asterisk sends its silence as 50 frames a second, without it nothing.
 */
import { randomBytes } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { ari, openApp, type AppSocket, type AriTarget } from './ari-wire.js';
import { fail, pass, skip, type CheckResult } from './report.js';

export interface MediaTarget extends AriTarget {
  /** The doctor's own Stasis app (never the engine's: that would take the engine's events away). */
  app: string;
  rtpHost: string;
  rtpPortMin: number;
  rtpPortMax: number;
}

interface Listener {
  socket: Socket;
  port: number;
  /** False when RTP_HOST is not an address of this host (the listener then binds every address). */
  boundToRtpHost: boolean;
  packets: Array<{ from: string; pt: number; len: number; energy: number }>;
  close(): void;
}

const ULAW_SILENCE = new Set([0xff, 0x7f]);

async function bindUdp(host: string, port: number): Promise<Socket> {
  const socket = createSocket('udp4');
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      resolve();
    });
  });
  return socket;
}

/** A UDP socket on a free port of the engine's range, on RTP_HOST when this host has that address. */
async function listen(m: MediaTarget): Promise<Listener> {
  const span = m.rtpPortMax - m.rtpPortMin + 1;
  let lastError: unknown = null;
  for (let i = 0; i < Math.min(span, 50); i++) {
    const port = m.rtpPortMin + ((randomBytes(2).readUInt16BE(0) + i) % span);
    for (const [host, boundToRtpHost] of [[m.rtpHost, true], ['0.0.0.0', false]] as const) {
      try {
        const socket = await bindUdp(host, port);
        const packets: Listener['packets'] = [];
        socket.on('message', (msg, rinfo) => {
          if (msg.length < 12) return;
          const payload = msg.subarray(12);
          packets.push({ from: `${rinfo.address}:${rinfo.port}`, pt: msg[1]! & 0x7f, len: msg.length, energy: payload.filter((b) => !ULAW_SILENCE.has(b)).length });
        });
        return { socket, port, boundToRtpHost, packets, close: () => socket.close() };
      } catch (err) {
        lastError = err;
        const code = (err as { code?: string }).code;
        if (boundToRtpHost && code === 'EADDRNOTAVAIL') continue; // RTP_HOST is not ours: listen anyway to prove it
        break; // port taken: next port
      }
    }
  }
  throw new Error(`no free UDP port in ${m.rtpPortMin}-${m.rtpPortMax} (${(lastError as Error | null)?.message ?? 'all taken'})`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Bridge channels once each has entered the doctor's Stasis app. Asterisk answers an externalMedia POST with
 * 200 before its StasisStart, and addChannel in that window is 422 "Channel not in Stasis application" — on
 * a loaded host the window lasted long enough to fail a good deployment. Waiting for the event (8 s at most;
 * past that the 422 is reported as it is) is what the engine itself does.
 */
async function addToBridge(m: MediaTarget, app: AppSocket, bridgeId: string, channelIds: string[]): Promise<{ status: number; body: unknown }> {
  for (const chId of channelIds) {
    await app.waitFor((e) => e.type === 'StasisStart' && (e['channel'] as { id?: string } | undefined)?.id === chId, 8000);
  }
  return ari(m, 'POST', `/bridges/${bridgeId}/addChannel?channel=${channelIds.join(',')}`);
}

/** Everything the doctor created, deleted at the end whatever happened. */
class Cleanup {
  private readonly steps: Array<() => Promise<unknown>> = [];
  add(step: () => Promise<unknown>): void {
    this.steps.unshift(step);
  }
  async run(): Promise<void> {
    for (const s of this.steps) await s().catch(() => {});
  }
}

export async function checkMedia(m: MediaTarget): Promise<CheckResult[]> {
  const id = `doctor-${randomBytes(4).toString('hex')}`;
  const cleanup = new Cleanup();
  const results: CheckResult[] = [];
  let app: AppSocket | null = null;
  try {
    app = await openApp(m, m.app);
    const socket = app;
    cleanup.add(() => socket.close());
    const [em, rtp] = await externalMediaAndRtp(m, id, socket, cleanup);
    results.push(em, rtp);
    results.push(rtp.verdict === 'PASS' ? await transmitSilence(m, id, app, cleanup) : skip('transmit-silence', 'transmit_silence', 'not tested: it needs RTP to reach this host'));
  } catch (err) {
    results.push(fail('external-media', 'externalMedia end to end', `could not run: ${(err as Error).message}`, 'see the lines above; the ARI user needs read_only = no'));
  } finally {
    await cleanup.run();
  }
  return results;
}

async function externalMediaAndRtp(m: MediaTarget, id: string, app: AppSocket, cleanup: Cleanup): Promise<[CheckResult, CheckResult]> {
  const T_EM = 'externalMedia end to end';
  const T_RTP = 'RTP reaches the engine';
  const rx = await listen(m);
  cleanup.add(async () => rx.close());
  const target = `${m.rtpHost}:${rx.port}`;
  const emId = `${id}-em`;
  const created = await ari(m, 'POST', `/channels/externalMedia?app=${encodeURIComponent(m.app)}&external_host=${encodeURIComponent(target)}&format=ulaw&channelId=${emId}`);
  if (created.status !== 200) {
    return [
      fail('external-media', T_EM, `POST /channels/externalMedia answered HTTP ${created.status} ${JSON.stringify(created.body)}`, 'load chan_rtp.so and res_rtp_asterisk.so; check rtp.conf has a free rtpstart–rtpend range'),
      skip('rtp', T_RTP, 'not tested: no externalMedia channel'),
    ];
  }
  cleanup.add(() => ari(m, 'DELETE', `/channels/${emId}`));
  const vars = ((created.body as { channelvars?: Record<string, string> }).channelvars ?? {}) as Record<string, string>;
  const from = `${vars['UNICASTRTP_LOCAL_ADDRESS'] ?? '?'}:${vars['UNICASTRTP_LOCAL_PORT'] ?? '?'}`;
  const bridgeId = `${id}-b`;
  const bridge = await ari(m, 'POST', `/bridges?type=mixing&bridgeId=${bridgeId}`);
  if (bridge.status !== 200) return [fail('external-media', T_EM, `POST /bridges answered HTTP ${bridge.status}`, 'load bridge_simple.so and bridge_softmix.so'), skip('rtp', T_RTP, 'not tested')];
  cleanup.add(() => ari(m, 'DELETE', `/bridges/${bridgeId}`));
  const added = await addToBridge(m, app, bridgeId, [emId]);
  if (added.status !== 204) return [fail('external-media', T_EM, `adding the externalMedia channel to a bridge answered HTTP ${added.status} ${JSON.stringify(added.body)}`, 'check the Asterisk log'), skip('rtp', T_RTP, 'not tested')];
  const played = await ari(m, 'POST', `/bridges/${bridgeId}/play?media=tone:1000&playbackId=${id}-tone`);
  if (played.status !== 201) return [fail('external-media', T_EM, `playing a tone into the bridge answered HTTP ${played.status}`, 'load res_ari_playbacks.so and res_stasis_playback.so'), skip('rtp', T_RTP, 'not tested')];
  cleanup.add(() => ari(m, 'DELETE', `/playbacks/${id}-tone`));

  const t0 = performance.now();
  while (performance.now() - t0 < 3000 && rx.packets.filter((p) => p.energy > 0).length < 25) await sleep(20);
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  await ari(m, 'DELETE', `/playbacks/${id}-tone`);
  const gone = (await ari(m, 'DELETE', `/channels/${emId}`)).status === 204 && (await ari(m, 'DELETE', `/bridges/${bridgeId}`)).status === 204;
  const em = gone
    ? pass('external-media', T_EM, `created a UnicastRTP channel (Asterisk sends from ${from}), bridged it, played a tone into it, tore both down`)
    : fail('external-media', T_EM, 'created and bridged, but deleting the channel or bridge failed', 'check the Asterisk log');

  const voiced = rx.packets.filter((p) => p.energy > 0);
  const range = `${m.rtpPortMin}-${m.rtpPortMax}`;
  if (rx.packets.length === 0) {
    const notOurs = rx.boundToRtpHost ? '' : ` — and RTP_HOST ${m.rtpHost} is not an address of this host`;
    return [
      em,
      fail('rtp', T_RTP, `no RTP arrived in ${secs} s: Asterisk sent it to ${target} (RTP_HOST:port in ${range})${notOurs}`, `set RTP_HOST to this host's address as Asterisk sees it, and let UDP ${range} from Asterisk through every firewall and NAT in between`),
    ];
  }
  if (voiced.length === 0) {
    return [em, fail('rtp', T_RTP, `${rx.packets.length} packets arrived at ${target} in ${secs} s, all silence: the tone did not reach them`, 'check codec_ulaw.so is loaded and the Asterisk log for translation errors')];
  }
  const pts = [...new Set(rx.packets.map((p) => p.pt))].join(',');
  return [em, pass('rtp', T_RTP, `${rx.packets.length} RTP packets of the tone (payload type ${pts}, ${rx.packets[0]!.len} bytes) arrived at ${target} in ${secs} s (range ${range})`)];
}

async function transmitSilence(m: MediaTarget, id: string, app: AppSocket, cleanup: Cleanup): Promise<CheckResult> {
  const T = 'transmit_silence';
  const chId = `${id}-sil`;
  const r = await ari(m, 'POST', `/channels?endpoint=${encodeURIComponent('Local/silence@centralita-doctor')}&app=${encodeURIComponent(m.app)}&channelId=${chId}&timeout=10`);
  if (r.status !== 200) return fail('transmit-silence', T, `cannot test: originating Local/silence@centralita-doctor answered HTTP ${r.status}`, 'include the Centralita dialplan (extensions_centralita.conf from `npm run asterisk:config`) and `dialplan reload`');
  cleanup.add(() => ari(m, 'DELETE', `/channels/${chId}`));
  const isOurs = (e: Record<string, unknown>) => (e['channel'] as { id?: string } | undefined)?.id === chId;
  const up = await app.waitFor((e) => (e.type === 'StasisStart' || e.type === 'ChannelDestroyed') && isOurs(e), 8000);
  if (!up || !app.events.some((e) => e.type === 'StasisStart' && isOurs(e))) {
    return fail('transmit-silence', T, 'cannot test: extension silence@centralita-doctor does not answer (is the Centralita dialplan included?)', 'include the Centralita dialplan (extensions_centralita.conf from `npm run asterisk:config`) and `dialplan reload`');
  }
  const rx = await listen(m);
  cleanup.add(async () => rx.close());
  const emId = `${id}-sem`;
  const em = await ari(m, 'POST', `/channels/externalMedia?app=${encodeURIComponent(m.app)}&external_host=${encodeURIComponent(`${m.rtpHost}:${rx.port}`)}&format=ulaw&channelId=${emId}`);
  if (em.status !== 200) return fail('transmit-silence', T, `cannot test: externalMedia answered HTTP ${em.status}`, 'see externalMedia above');
  cleanup.add(() => ari(m, 'DELETE', `/channels/${emId}`));
  const bridgeId = `${id}-sb`;
  await ari(m, 'POST', `/bridges?type=mixing&bridgeId=${bridgeId}`);
  cleanup.add(() => ari(m, 'DELETE', `/bridges/${bridgeId}`));
  const added = await addToBridge(m, app, bridgeId, [chId, emId]);
  if (added.status !== 204) return fail('transmit-silence', T, `cannot test: bridging answered HTTP ${added.status}`, 'check the Asterisk log');
  await sleep(300);
  const before = rx.packets.length;
  await sleep(1000);
  const frames = rx.packets.length - before;
  if (frames >= 20) return pass('transmit-silence', T, `a silent channel sent ${frames} frames in 1 s (transmit_silence = yes)`);
  return fail(
    'transmit-silence',
    T,
    `a silent channel sent ${frames} frames in 1 s, not ~50: transmit_silence is off`,
    'set `transmit_silence = yes` under [options] in asterisk.conf and restart Asterisk (`core restart gracefully`): without it silence is not sent and AMD misjudges humans',
  );
}
