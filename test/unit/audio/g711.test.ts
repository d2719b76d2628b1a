import { describe, expect, it } from 'vitest';
import { decodeSlinBE, decodeUlaw, encodeSlinBE, encodeUlaw, linearToUlaw, ulawToLinear, ULAW_SILENCE } from '../../../engine/audio/g711.js';

describe('G.711 µ-law', () => {
  it('decodes the reference points of the standard', () => {
    expect(ulawToLinear[0xff]).toBe(0);
    expect(ulawToLinear[0x7f]).toBe(0);
    expect(ulawToLinear[0x80]).toBe(32124);
    expect(ulawToLinear[0x00]).toBe(-32124);
    expect(linearToUlaw(0)).toBe(ULAW_SILENCE);
  });

  it('round-trips every code through decode then encode', () => {
    for (let code = 0; code < 256; code++) {
      if (code === 0x7f) continue; // negative zero decodes to 0, which encodes as positive zero (0xff)
      expect(linearToUlaw(ulawToLinear[code]!)).toBe(code);
    }
  });

  it('keeps the quantisation error within the segment step for a sweep', () => {
    const samples = Array.from({ length: 2000 }, (_, i) => Math.round(Math.sin(i / 7) * 20000));
    const decoded = decodeUlaw(encodeUlaw(samples));
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]!;
      expect(Math.abs(decoded[i]! - s)).toBeLessThanOrEqual(Math.max(8, Math.abs(s) / 16));
    }
  });

  it('round-trips big-endian 16-bit linear (slin)', () => {
    const samples = [0, 1, -1, 32767, -32768, 1234];
    const wire = encodeSlinBE(samples);
    expect(Array.from(wire.slice(0, 4))).toEqual([0, 0, 0, 1]);
    expect(Array.from(decodeSlinBE(wire))).toEqual(samples);
  });
});
