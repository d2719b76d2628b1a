/**
 * Level probe (engine/amd/README.md, "Live on a real Asterisk", −6 dB): plays a known 3 s signal through a real
 * Asterisk and measures what reaches an externalMedia socket — lag, first non-zero sample, least-squares gain
 * and RMS ratio against the file — for each path named in VARIANTS (default: the Local-channel ones):
 *   <tap>-<format>            Local/1000 plays the file by dialplan Playback; tap = direct (;1 in the bridge),
 *                             in / out / both (snoop spy=…); format = externalMedia's (ulaw, slin, slin16)
 *   rtp-<tap>-ulaw            the callee is itself an externalMedia channel fed µ-law RTP (as a PJSIP callee reads)
 *   localrtp-<tap>-ulaw       that RTP channel bridged with Local/7000's ;2 half, tap on ;1 (a campaign dialling Local/…)
 *   ariplay-direct-ulaw       ARI `play` of the file on Local/7000's ;2 half
 * LOCAL_FORMATS=ulaw|slin|slin16|…|slin192 passes `formats` to the Local originate (unset: Asterisk picks slin192).
 *
 *   R=$(mktemp -d /tmp/ast-lvl-XXXX)   # the dialplan: live-asterisk.ts DIALPLAN plus
 *   #   exten => 7000,1,Answer()
 *   #    same => n,Stasis(lvl,half2)
 *   .cache/asterisk22/start-asterisk.sh $R --http-port 18931 --ari-user lvl --ari-password lvlpw --ari-app lvl \
 *     --extensions ext.conf --rtp-ports 31000-31099
 *   LOCAL_FORMATS=slin192 VARIANTS=direct-ulaw npx tsx scripts/amd-level-probe.ts http://127.0.0.1:18931 lvl lvlpw lvl $R/amd-sounds
 *   .cache/asterisk22/start-asterisk.sh $R --stop
 */
import dgram from 'node:dgram';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import WebSocket from 'ws';
import { decodeUlaw, decodeSlinBE, encodeUlaw } from '../engine/audio/g711.js';

const [url, user, pass, app, soundsDir] = process.argv.slice(2) as [string, string, string, string, string];
const auth = 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64');
const ari = async (method: string, path: string, body?: unknown) => {
  const r = await fetch(`${url}${path}`, { method, headers: { authorization: auth, 'content-type': 'application/json' }, body: body ? JSON.stringify(body) : undefined });
  if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
  return r.status === 204 ? undefined : r.json();
};
// Deterministic speech-band noise (sum of sines), 3 s, mean |x| ~ 3000
const N = 24000; const sig = new Int16Array(N);
for (let i = 0; i < N; i++) { let v = 0; for (const [f, a] of [[310, 1], [733, 0.8], [1190, 0.6], [2011, 0.4], [2870, 0.3]] as const) v += a * Math.sin(2 * Math.PI * f * i / 8000 + f); sig[i] = Math.round(v * 1800 * (0.6 + 0.4 * Math.sin(2 * Math.PI * i / 8000))); }
mkdirSync(soundsDir, { recursive: true });
const b = Buffer.alloc(N * 2); for (let i = 0; i < N; i++) b.writeInt16LE(sig[i]!, i * 2);
writeFileSync(join(soundsDir, 'probe.sln'), b);

const ws = new WebSocket(`${url.replace('http', 'ws')}/ari/events?app=${app}&api_key=${user}:${pass}`);
await new Promise((r) => ws.once('open', r));
const waiters = new Map<string, () => void>();
ws.on('message', (m) => { const e = JSON.parse(String(m)); const k = `${e.type}:${e.channel?.id}`; waiters.get(k)?.(); });
const waitFor = (type: string, id: string, ms = 15000) => new Promise<void>((res, rej) => { waiters.set(`${type}:${id}`, res); setTimeout(() => rej(new Error(`no ${type} ${id}`)), ms).unref(); });

const rmsOf = (x: ArrayLike<number>) => { let s = 0; for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!; return Math.sqrt(s / Math.max(1, x.length)); };
async function variant(name: string, how: { tap: 'direct' | 'in' | 'out' | 'both'; format: 'ulaw' | 'slin' | 'slin16'; bridge?: string; callee?: 'local' | 'rtp' | 'local-rtp' | 'local-ariplay' }) {
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  const port = sock.address().port;
  const chunks: Int16Array[] = [];
  sock.on('message', (m) => { const p = m.subarray(12); chunks.push(how.format === 'ulaw' ? decodeUlaw(p) : decodeSlinBE(p)); });
  const id = `p${Date.now().toString(36)}`;
  const up = waitFor('StasisStart', id);
  let end: Promise<void>;
  let callee: dgram.Socket | undefined;
  // LOCAL_FORMATS: the Local channel's formats (ARI originate `formats`); unset, Asterisk gives it slin192.
  const fmt = process.env.LOCAL_FORMATS ? `&formats=${process.env.LOCAL_FORMATS}` : '';
  const half2 = `${id}-h2`, feeder = `${id}-fd`;
  if (how.callee === 'local-ariplay') {
    // Local/7000: the ;2 half enters Stasis too; ARI plays the file on it (no dialplan Playback).
    const up2 = waitFor('StasisStart', half2);
    await ari('POST', `/ari/channels?endpoint=${encodeURIComponent('Local/7000@centralita-amd-eval')}&app=${app}&channelId=${id}&otherChannelId=${half2}&timeout=30${fmt}`);
    await up; await up2;
    end = (async () => { await new Promise((r) => setTimeout(r, 600)); const done = waitFor('PlaybackFinished', '', 20000).catch(() => {}); await ari('POST', `/ari/channels/${half2}/play?media=${encodeURIComponent('sound:' + join(soundsDir, 'probe'))}`); await new Promise((r) => setTimeout(r, N / 8 + 500)); void done; })();
  } else if (how.callee === 'rtp' || how.callee === 'local-rtp') {
    // The callee is an externalMedia channel: the file arrives as µ-law RTP, read as a PJSIP channel reads its RTP.
    // local-rtp: that channel is bridged with a Local channel's ;2 half and the tap is on ;1 (the Local channel alone).
    callee = dgram.createSocket('udp4');
    await new Promise<void>((r) => callee!.bind(0, '127.0.0.1', () => r()));
    const rtpId = how.callee === 'rtp' ? id : feeder;
    const fup = how.callee === 'rtp' ? up : waitFor('StasisStart', feeder);
    if (how.callee === 'local-rtp') {
      const up2 = waitFor('StasisStart', half2);
      await ari('POST', `/ari/channels?endpoint=${encodeURIComponent('Local/7000@centralita-amd-eval')}&app=${app}&channelId=${id}&otherChannelId=${half2}&timeout=30${fmt}`);
      await up; await up2;
    }
    await ari('POST', `/ari/channels/externalMedia?app=${app}&external_host=127.0.0.1:${callee.address().port}&format=ulaw&channelId=${rtpId}`);
    await fup;
    if (how.callee === 'local-rtp') {
      await ari('POST', `/ari/bridges?type=mixing&bridgeId=${id}-b2`);
      await ari('POST', `/ari/bridges/${id}-b2/addChannel?channel=${half2},${feeder}`);
    }
    const vars = (await ari('GET', `/ari/channels/${rtpId}/variable?variable=UNICASTRTP_LOCAL_PORT`)) as { value: string };
    const astPort = Number(vars.value);
    end = (async () => {
      await new Promise((r) => setTimeout(r, 600)); // let the tap form before the audio starts
      const t0 = Date.now();
      for (let k = 0; k * 160 < N; k++) {
        const hdr = Buffer.alloc(12); hdr[0] = 0x80; hdr[1] = 0; hdr.writeUInt16BE(k & 0xffff, 2); hdr.writeUInt32BE(k * 160, 4); hdr.writeUInt32BE(0x1234, 8);
        callee!.send(Buffer.concat([hdr, Buffer.from(encodeUlaw(sig.subarray(k * 160, k * 160 + 160)))]), astPort, '127.0.0.1');
        const wait = t0 + (k + 1) * 20 - Date.now(); if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      await new Promise((r) => setTimeout(r, 500));
    })();
  } else {
    end = waitFor('StasisEnd', id, 30000);
    await ari('POST', `/ari/channels?endpoint=${encodeURIComponent('Local/1000@centralita-amd-eval')}&app=${app}&channelId=${id}&timeout=30${fmt}`, { variables: { _CENTRALITA_AMD_EVAL_SOUND: join(soundsDir, 'probe') } });
    await up;
  }
  const em = `${id}-em`, sn = `${id}-sn`;
  const emUp = waitFor('StasisStart', em);
  await ari('POST', `/ari/bridges?type=${how.bridge ?? 'mixing'}&bridgeId=${id}-b`);
  let tapId = id;
  if (how.tap !== 'direct') { const su = waitFor('StasisStart', sn); await ari('POST', `/ari/channels/${id}/snoop?spy=${how.tap}&app=${app}&snoopId=${sn}`); await su; tapId = sn; }
  await ari('POST', `/ari/channels/externalMedia?app=${app}&external_host=127.0.0.1:${port}&format=${how.format}&channelId=${em}`);
  await emUp;
  await ari('POST', `/ari/bridges/${id}-b/addChannel?channel=${tapId},${em}`);
  await end.catch(() => {});
  await new Promise((r) => setTimeout(r, 200));
  await ari('DELETE', `/ari/channels/${em}`).catch(() => {});
  await ari('DELETE', `/ari/bridges/${id}-b`).catch(() => {});
  for (const c of [id, half2, feeder]) await ari('DELETE', `/ari/channels/${c}`).catch(() => {});
  await ari('DELETE', `/ari/bridges/${id}-b2`).catch(() => {});
  callee?.close();
  sock.close();
  let rate = how.format === 'slin16' ? 16000 : 8000;
  let got = Int16Array.from(chunks.flatMap((c) => Array.from(c)));
  if (rate === 16000) got = Int16Array.from({ length: got.length >> 1 }, (_, i) => got[2 * i]!); // crude decimate, level only
  // align: best lag by cross-correlation on the first 1.5 s of the file
  let best = -1, bestLag = 0;
  for (let lag = 0; lag < Math.min(8000, got.length - 12000); lag++) { let c = 0; for (let i = 0; i < 12000; i += 2) c += sig[i]! * got[i + lag]!; if (c > best) { best = c; bestLag = lag; } }
  const seg = got.subarray(bestLag, bestLag + 12000), ref = sig.subarray(0, 12000);
  let xy = 0, xx = 0; for (let i = 0; i < 12000; i++) { xy += ref[i]! * seg[i]!; xx += ref[i]! * ref[i]!; }
  const firstNz = got.findIndex((v) => v !== 0);
  console.log(`${name}: packets ${chunks.length}, samples ${got.length}, lag ${bestLag / 8} ms, first nonzero ${firstNz / 8} ms, gain(LS) ${(xy / xx).toFixed(4)}, rms ratio ${(rmsOf(seg) / rmsOf(ref)).toFixed(4)}`);
}
const which = (process.env.VARIANTS ?? 'in-ulaw,both-ulaw,out-ulaw,direct-ulaw,in-slin,direct-slin').split(',');
const table: Record<string, Parameters<typeof variant>[1]> = {
  'in-ulaw': { tap: 'in', format: 'ulaw' }, 'both-ulaw': { tap: 'both', format: 'ulaw' }, 'out-ulaw': { tap: 'out', format: 'ulaw' },
  'direct-ulaw': { tap: 'direct', format: 'ulaw' }, 'in-slin': { tap: 'in', format: 'slin' }, 'direct-slin': { tap: 'direct', format: 'slin' },
  'rtp-in-ulaw': { tap: 'in', format: 'ulaw', callee: 'rtp' }, 'rtp-direct-ulaw': { tap: 'direct', format: 'ulaw', callee: 'rtp' },
  'rtp-both-ulaw': { tap: 'both', format: 'ulaw', callee: 'rtp' },
  'localrtp-direct-ulaw': { tap: 'direct', format: 'ulaw', callee: 'local-rtp' }, 'localrtp-in-ulaw': { tap: 'in', format: 'ulaw', callee: 'local-rtp' },
  'ariplay-direct-ulaw': { tap: 'direct', format: 'ulaw', callee: 'local-ariplay' },
  'in-slin16': { tap: 'in', format: 'slin16' }, 'direct-slin16': { tap: 'direct', format: 'slin16' },
};
for (const v of which) await variant(v, table[v]!).catch((e) => console.log(`${v}: failed ${e.message}`));
ws.close();
