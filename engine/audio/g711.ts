/**
 * G.711 µ-law (PCMU) ↔ 16-bit linear PCM, ITU-T G.711 with the usual 0x84 bias. Decoding is a 256-entry
 * table lookup because it runs for every sample of every RTP frame in the media plane.
 */
const BIAS = 0x84;
const CLIP = 32635;

function decodeOne(byte: number): number {
  const u = ~byte & 0xff;
  const sign = u & 0x80;
  const exponent = (u >> 4) & 0x07;
  const mantissa = u & 0x0f;
  const magnitude = (((mantissa << 3) + BIAS) << exponent) - BIAS;
  return sign ? -magnitude : magnitude;
}

/** ulawToLinear[byte] is the linear sample for that µ-law byte. */
export const ulawToLinear: Int16Array = (() => {
  const table = new Int16Array(256);
  for (let i = 0; i < 256; i++) table[i] = decodeOne(i);
  return table;
})();

/** ulawMagnitude[byte] = |ulawToLinear[byte]|: a frame's energy (mean |sample|) straight from the µ-law bytes. */
export const ulawMagnitude: Uint16Array = Uint16Array.from(ulawToLinear, (x) => Math.abs(x));

/** Encodes one 16-bit linear sample to µ-law. */
export function linearToUlaw(sample: number): number {
  let s = Math.max(-32768, Math.min(32767, Math.round(sample)));
  const sign = s < 0 ? 0x80 : 0;
  if (s < 0) s = -s;
  if (s > CLIP) s = CLIP;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

/** Decodes a µ-law payload into `out` (allocated when not given). */
export function decodeUlaw(payload: Uint8Array, out: Int16Array = new Int16Array(payload.length)): Int16Array {
  for (let i = 0; i < payload.length; i++) out[i] = ulawToLinear[payload[i]!]!;
  return out;
}

/** Encodes linear samples to a µ-law payload. */
export function encodeUlaw(samples: ArrayLike<number>, out: Uint8Array = new Uint8Array(samples.length)): Uint8Array {
  for (let i = 0; i < samples.length; i++) out[i] = linearToUlaw(samples[i]!);
  return out;
}

/** µ-law's code for digital silence (linear 0), what Asterisk sends when nothing is heard. */
export const ULAW_SILENCE = 0xff;

/** Decodes signed 16-bit big-endian PCM (Asterisk's `slin16`/`slin` on the wire) into linear samples. */
export function decodeSlinBE(payload: Uint8Array, out: Int16Array = new Int16Array(payload.length >> 1)): Int16Array {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(i * 2, false);
  return out;
}

/** Encodes linear samples as signed 16-bit big-endian PCM. */
export function encodeSlinBE(samples: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) view.setInt16(i * 2, Math.max(-32768, Math.min(32767, Math.round(samples[i]!))), false);
  return out;
}
