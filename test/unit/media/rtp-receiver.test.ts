import { describe, expect, it } from 'vitest';
import { buildRtp } from '../../../engine/media/rtp/parse.js';
import { RtpReceiver } from '../../../engine/media/rtp/receiver.js';

/** What the receiver plays out: each payload's first byte (the test's frame id) or `lost:n`. */
function harness(window = 3, payloadType = 0) {
  const out: (number | string)[] = [];
  const rx = new RtpReceiver({
    payloadType,
    window,
    onPayload: (p) => out.push(p[0]!),
    onLost: (n) => out.push(`lost:${n}`),
  });
  const send = (sequence: number, id: number, o: { ssrc?: number; port?: number; address?: string; pt?: number } = {}) =>
    rx.push(buildRtp({ payloadType: o.pt ?? payloadType, sequence, timestamp: sequence * 160, ssrc: o.ssrc ?? 7 }, Uint8Array.of(id, 0xff)), o.address ?? '127.0.0.1', o.port ?? 5000);
  return { rx, out, send };
}

describe('RtpReceiver', () => {
  it('passes an in-order stream straight through', () => {
    const { rx, out, send } = harness();
    for (let i = 0; i < 5; i++) send(22025 + i, i);
    expect(out).toEqual([0, 1, 2, 3, 4]);
    expect(rx.stats).toMatchObject({ received: 5, lost: 0, reordered: 0 });
  });

  it('follows the sequence across the 65535 → 0 wrap', () => {
    const { rx, out, send } = harness();
    [65533, 65534, 65535, 0, 1, 2].forEach((s, i) => send(s, i));
    expect(out).toEqual([0, 1, 2, 3, 4, 5]);
    expect(rx.stats.lost).toBe(0);
  });

  it('reorders within the window', () => {
    const { rx, out, send } = harness(3);
    send(10, 0);
    send(12, 2);
    send(11, 1);
    send(13, 3);
    expect(out).toEqual([0, 1, 2, 3]);
    expect(rx.stats).toMatchObject({ received: 4, reordered: 1, lost: 0 });
  });

  it('reorders across the wrap', () => {
    const { out, send } = harness(3);
    send(65534, 0);
    send(0, 2);
    send(65535, 1);
    send(1, 3);
    expect(out).toEqual([0, 1, 2, 3]);
  });

  it('declares a gap lost once the window is exceeded, and counts the straggler as late', () => {
    const { rx, out, send } = harness(3);
    send(100, 0);
    send(102, 2);
    send(103, 3);
    expect(out).toEqual([0]); // waiting for 101
    send(104, 4);
    expect(out).toEqual([0, 'lost:1', 2, 3, 4]);
    send(101, 1);
    expect(rx.stats).toMatchObject({ received: 4, lost: 1, late: 1 });
  });

  it('with window 0 plays out immediately and counts every gap', () => {
    const { rx, out, send } = harness(0);
    send(1, 1);
    send(4, 4);
    send(5, 5);
    expect(out).toEqual([1, 'lost:2', 4, 5]);
    expect(rx.stats.lost).toBe(2);
  });

  it('counts duplicates once, held or already played', () => {
    const { rx, out, send } = harness(3);
    send(1, 1);
    send(1, 1);
    send(3, 3);
    send(3, 3);
    send(2, 2);
    expect(out).toEqual([1, 2, 3]);
    expect(rx.stats).toMatchObject({ received: 3, duplicates: 1, late: 1 });
  });

  it('flush plays out what is held and declares the remaining gaps lost', () => {
    const { rx, out, send } = harness(5);
    send(1, 1);
    send(3, 3);
    send(6, 6);
    rx.flush();
    expect(out).toEqual([1, 'lost:1', 3, 'lost:2', 6]);
    expect(rx.stats.lost).toBe(3);
  });

  it('locks onto the first SSRC and source; other SSRCs, addresses and ports are foreign', () => {
    const { rx, out, send } = harness();
    send(1, 1);
    send(2, 99, { ssrc: 8 });
    send(2, 98, { port: 5001 });
    send(2, 97, { address: '127.0.0.2' });
    send(2, 2);
    expect(out).toEqual([1, 2]);
    expect(rx.lockedSsrc).toBe(7);
    expect(rx.stats).toMatchObject({ received: 2, foreign: 3 });
  });

  it('does not lock onto a payload type it was not opened with, and ignores other PTs later', () => {
    const { rx, out, send } = harness(3, 118);
    send(1, 13, { pt: 13, ssrc: 5 }); // comfort noise from someone: no lock
    send(5, 5);
    send(6, 101, { pt: 101 }); // DTMF event on the locked stream
    send(7, 7);
    expect(out).toEqual([5]); // 7 is held: 6 never made it into the stream
    rx.flush();
    expect(out).toEqual([5, 'lost:1', 7]);
    expect(rx.lockedSsrc).toBe(7);
    expect(rx.stats).toMatchObject({ wrongPayloadType: 2, foreign: 0 });
  });

  it('counts invalid datagrams without locking', () => {
    const { rx, send } = harness();
    rx.push(Uint8Array.of(0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1), '127.0.0.1', 5000);
    rx.push(Uint8Array.of(0x80, 0), '127.0.0.1', 5000);
    expect(rx.lockedSsrc).toBeUndefined();
    send(1, 1);
    expect(rx.stats).toMatchObject({ invalid: 2, received: 1 });
  });

  it('resynchronises on a jump beyond the dropout limit instead of declaring thousands lost', () => {
    const { rx, out, send } = harness(3);
    send(10, 1);
    send(20000, 2);
    send(20001, 3);
    expect(out).toEqual([1, 2, 3]);
    expect(rx.stats).toMatchObject({ lost: 0, resyncs: 1 });
  });

  it('onPayloadRange: hands the payload as bounds on the datagram (no view per packet), in order', () => {
    const got: string[] = [];
    const rx = new RtpReceiver({
      payloadType: 0,
      onPayload: () => got.push('view'),
      onPayloadRange: (d, start, end) => got.push(`${d[start]}:${end - start}`),
      onLost: (n) => got.push(`lost:${n}`),
    });
    for (const [seq, id] of [[10, 1], [12, 3], [11, 2]] as const) rx.push(buildRtp({ payloadType: 0, sequence: seq, timestamp: seq * 160, ssrc: 7 }, Uint8Array.of(id, 0xff, 0xff)), '127.0.0.1', 5000);
    expect(got).toEqual(['1:3', '2:3', '3:3']);
  });
});
