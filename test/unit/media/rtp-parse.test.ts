import { describe, expect, it } from 'vitest';
import { buildRtp, parseRtp } from '../../../engine/media/rtp/parse.js';

const payload = Uint8Array.from({ length: 160 }, (_, i) => i & 0xff);

function header(b0: number, extra: number[] = []): Uint8Array {
  // PT 0, seq 0x1234, ts 0x89abcdef, ssrc 0xdeadbeef
  return Uint8Array.from([b0, 0x00, 0x12, 0x34, 0x89, 0xab, 0xcd, 0xef, 0xde, 0xad, 0xbe, 0xef, ...extra]);
}

describe('parseRtp', () => {
  it('reads the fixed header with unsigned 32-bit timestamp and SSRC', () => {
    const r = parseRtp(buildRtp({ payloadType: 0, sequence: 65535, timestamp: 0xfffffff0, ssrc: 0x80000001, marker: true }, payload));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.packet).toMatchObject({ marker: true, payloadType: 0, sequence: 65535, timestamp: 0xfffffff0, ssrc: 0x80000001 });
    expect(Array.from(r.packet.payload)).toEqual(Array.from(payload));
  });

  it('rejects short datagrams and versions other than 2', () => {
    expect(parseRtp(new Uint8Array(11))).toEqual({ ok: false, error: 'short' });
    expect(parseRtp(header(0x40))).toEqual({ ok: false, error: 'version' });
    expect(parseRtp(header(0x00))).toEqual({ ok: false, error: 'version' });
  });

  it('skips the CSRC list and rejects one longer than the datagram', () => {
    const two = header(0x82, [0, 0, 0, 1, 0, 0, 0, 2, 7, 8]);
    const r = parseRtp(two);
    expect(r.ok && Array.from(r.packet.payload)).toEqual([7, 8]);
    expect(parseRtp(header(0x83, [0, 0, 0, 1]))).toEqual({ ok: false, error: 'csrc' });
  });

  it('skips a header extension by its length in words', () => {
    const ext = header(0x90, [0xbe, 0xde, 0x00, 0x01, 1, 2, 3, 4, 9]);
    const r = parseRtp(ext);
    expect(r.ok && Array.from(r.packet.payload)).toEqual([9]);
    expect(parseRtp(header(0x90, [0xbe, 0xde, 0x00, 0x02, 1, 2, 3, 4]))).toEqual({ ok: false, error: 'extension' });
    expect(parseRtp(header(0x90, [0xbe]))).toEqual({ ok: false, error: 'extension' });
  });

  it('removes padding counted by the last octet and rejects impossible padding', () => {
    const padded = header(0xa0, [5, 6, 0, 0, 3]);
    const r = parseRtp(padded);
    expect(r.ok && Array.from(r.packet.payload)).toEqual([5, 6]);
    expect(parseRtp(header(0xa0, [5, 0]))).toEqual({ ok: false, error: 'padding' });
    expect(parseRtp(header(0xa0, [5, 9]))).toEqual({ ok: false, error: 'padding' });
  });

  it('handles CSRC, extension and padding together', () => {
    const all = header(0xb1, [0, 0, 0, 1, 0x10, 0x00, 0x00, 0x00, 42, 43, 0, 2]);
    const r = parseRtp(all);
    expect(r.ok && Array.from(r.packet.payload)).toEqual([42, 43]);
  });

  it('accepts a dynamic payload type as a number (slin16 from Asterisk)', () => {
    const r = parseRtp(buildRtp({ payloadType: 118, sequence: 1, timestamp: 320, ssrc: 1 }, new Uint8Array(640)));
    expect(r.ok && r.packet.payloadType).toBe(118);
    expect(r.ok && r.packet.payload.length).toBe(640);
  });
});
