/**
 * A Local channel halves 8 kHz audio on the real Asterisk 22.10.1 unless we originate it with formats
 * (engine/amd/README.md, "Live on a real Asterisk", −6 dB). ARI's originate without `formats` makes a Local
 * channel slin192; the callee's 8 kHz is up-sampled 8 → 192 kHz by codec_resample, whose fixed-point
 * interpolating filter gives exactly × 0.5. The product originates `Local/…` dial strings (campaigns, agents)
 * with the formats `localChannelFormats` gives, so here the product's own originate parameters
 * (`toAriRequest`) carry a Local callee that plays a known signal, the call is tapped as the engine taps it
 * (snoop spy=in, mixing bridge, externalMedia µ-law to a UDP socket) and the level that arrives is measured
 * against the file: ≈ 1 with the product's parameters, ≈ 0.5 without `formats` (Asterisk's behaviour, kept here so
 * that a change of it shows).
 */
import dgram from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { toAriRequest } from '../../engine/ari/gateway.js';
import { decodeUlaw } from '../../engine/audio/g711.js';
import { startRealAsterisk, type RealAsterisk } from '../support/real-asterisk.js';

const APP = 'leveltest';
const dir = mkdtempSync(join(tmpdir(), 'ast-level-'));
const DIALPLAN = ['[level-test]', 'exten => _X.,1,Answer()', ' same => n,Playback(${LEVEL_SOUND})', ' same => n,Wait(0.3)', ' same => n,Hangup()', ''].join('\n');

/** 3 s of speech-band tones (300–2 900 Hz) under a slow swell, mean |x| ≈ 2 000: a level no stage clips. */
const N = 24_000;
const SIGNAL = Int16Array.from({ length: N }, (_, i) => {
  let v = 0;
  for (const [f, a] of [[310, 1], [733, 0.8], [1190, 0.6], [2011, 0.4], [2870, 0.3]] as const) v += a * Math.sin((2 * Math.PI * f * i) / 8000 + f);
  return Math.round(v * 1800 * (0.6 + 0.4 * Math.sin((2 * Math.PI * i) / 8000)));
});

/**
 * The capture's gain against the file: least squares over the best-correlated of four 0.2 s windows of the file
 * (the snoop inserts 20 ms frames of silence now and then; one clean window is enough to read the level).
 */
function gainOf(cap: Int16Array): { gain: number; r: number } {
  const W = 1600;
  let best = { gain: 0, r: -1 };
  for (const at of [4000, 8000, 12_000, 16_000]) {
    for (let lag = -at; lag <= 16_000 && at + lag + W <= cap.length; lag++) {
      let xy = 0, xx = 0, yy = 0;
      for (let j = at; j < at + W; j++) {
        const c = cap[j + lag]!;
        xy += c * SIGNAL[j]!;
        xx += SIGNAL[j]! * SIGNAL[j]!;
        yy += c * c;
      }
      const r = yy > 0 ? xy / Math.sqrt(xx * yy) : -1;
      if (r > best.r) best = { gain: xy / xx, r };
    }
  }
  return best;
}

let ast: RealAsterisk;
beforeAll(async () => {
  const sln = Buffer.alloc(N * 2);
  SIGNAL.forEach((v, i) => sln.writeInt16LE(v, i * 2));
  writeFileSync(join(dir, 'signal.sln'), sln);
  writeFileSync(join(dir, 'extensions_level.conf'), DIALPLAN);
  ast = await startRealAsterisk({ name: 'level', app: APP, extensions: join(dir, 'extensions_level.conf') });
}, 120_000);
afterAll(async () => {
  await ast?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One call: the callee plays the signal; what the engine's tap delivers to a UDP socket, decoded. */
async function heard(formats: string | undefined, id: string): Promise<Int16Array> {
  const auth = 'Basic ' + Buffer.from(`${ast.username}:${ast.password}`).toString('base64');
  const ari = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${ast.url}/ari${path}`, { method, headers: { authorization: auth, 'content-type': 'application/json' }, ...(body ? { body: JSON.stringify(body) } : {}) });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  };
  const ws = new WebSocket(`${ast.url.replace(/^http/, 'ws')}/ari/events?app=${APP}&api_key=${ast.username}:${ast.password}`);
  await new Promise<void>((res, rej) => ws.once('open', () => res()).once('error', rej));
  const seen = new Map<string, () => void>();
  ws.on('message', (m) => {
    const e = JSON.parse(String(m)) as { type: string; channel?: { id: string } };
    seen.get(`${e.type} ${e.channel?.id}`)?.();
  });
  const event = (type: string, channelId: string, ms: number) =>
    new Promise<void>((res, rej) => {
      seen.set(`${type} ${channelId}`, res);
      setTimeout(() => rej(new Error(`no ${type} of ${channelId} within ${ms} ms`)), ms).unref();
    });
  const sock = dgram.createSocket('udp4');
  const chunks: Int16Array[] = [];
  sock.on('message', (m) => chunks.push(decodeUlaw(m.subarray(12))));
  await new Promise<void>((res) => sock.bind(0, '127.0.0.1', () => res()));
  try {
    const up = event('StasisStart', id, 20_000);
    const ended = event('StasisEnd', id, 30_000);
    const snoopUp = event('StasisStart', `${id}-snoop`, 20_000);
    const mediaUp = event('StasisStart', `${id}-em`, 20_000);
    const q = new URLSearchParams({ endpoint: `Local/${id.replace(/\D/g, '') || '1'}@level-test`, app: APP, channelId: id, timeout: '20', ...(formats ? { formats } : {}) });
    await ari('POST', `/channels?${q}`, { variables: { _LEVEL_SOUND: join(dir, 'signal') } });
    await up;
    await ari('POST', `/bridges?type=mixing&bridgeId=${id}-b`);
    await ari('POST', `/channels/${id}/snoop?spy=in&app=${APP}&snoopId=${id}-snoop`);
    await ari('POST', `/channels/externalMedia?app=${APP}&external_host=127.0.0.1:${sock.address().port}&format=ulaw&channelId=${id}-em`);
    await Promise.all([snoopUp, mediaUp]);
    await ari('POST', `/bridges/${id}-b/addChannel?channel=${id}-snoop,${id}-em`);
    await ended;
    await new Promise((r) => setTimeout(r, 200));
  } finally {
    await ari('DELETE', `/channels/${id}-em`).catch(() => {});
    await ari('DELETE', `/bridges/${id}-b`).catch(() => {});
    sock.close();
    ws.close();
  }
  const out = new Int16Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

describe('a Local channel on the real Asterisk 22', () => {
  it("reaches the engine's tap at the file's level with the product's originate, at half without formats", async () => {
    const product = toAriRequest(APP, { op: 'originate', channelId: 'x', endpoint: 'Local/1001@level-test', timeoutSec: 20 }).params.formats as string | undefined;
    expect(product).toBeDefined();
    const withProduct = gainOf(await heard(product, 'lvl1001'));
    const withoutFormats = gainOf(await heard(undefined, 'lvl1002'));
    console.log(`[local-channel-level] formats=${product}: gain ${withProduct.gain.toFixed(4)} (r ${withProduct.r.toFixed(4)}); no formats: gain ${withoutFormats.gain.toFixed(4)} (r ${withoutFormats.r.toFixed(4)})`);
    expect(withProduct.r).toBeGreaterThan(0.99);
    expect(withProduct.gain).toBeGreaterThan(0.95);
    expect(withProduct.gain).toBeLessThan(1.05);
    // Asterisk's own behaviour, which the product's formats avoid: exactly half, through the same tap.
    expect(withoutFormats.r).toBeGreaterThan(0.99);
    expect(withoutFormats.gain).toBeGreaterThan(0.45);
    expect(withoutFormats.gain).toBeLessThan(0.55);
  }, 120_000);
});
