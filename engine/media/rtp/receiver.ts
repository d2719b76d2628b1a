/**
 * One RTP stream as the detector must see it, pure (no sockets, no clock): source lock, payload-type check,
 * extended sequence numbers across the 16-bit wrap, a small reorder window and loss counting.
 *
 * - Lock: the first valid packet's SSRC and source address:port win. Anything else is "foreign" and ignored,
 *   so a stray or spoofed stream on our port cannot drive the detector.
 * - Reorder: packets are held until the next expected sequence arrives, or until the window (in packets) is
 *   exceeded; then the missing ones are declared lost and play-out moves on. Only a gap costs latency
 *   (`window` × 20 ms); an in-order stream passes straight through.
 * - Output is a callback sink: `onPayload(payload)` in sequence order, `onLost(n)` for gaps, so the frame layer
 *   can conceal them and keep the detector's timeline right.
 */
import { emptyRtpStats, type RtpStats } from '../types.js';
import { emptyRtpHeader, readRtp } from './parse.js';

export interface RtpReceiverOptions {
  payloadType: number;
  /** Packets held while waiting for a missing one (3 → at most 60 ms added at a gap). */
  window?: number;
  /** A jump larger than this (either way) restarts sequencing instead of declaring thousands lost. */
  maxDropout?: number;
  onPayload: (payload: Uint8Array) => void;
  onLost: (count: number) => void;
  /**
   * Hot-path alternative to `onPayload`: the payload as bounds on the datagram, so no view is allocated per
   * packet (the media workers use this). When given, `onPayload` is not called.
   */
  onPayloadRange?: (datagram: Uint8Array, start: number, end: number) => void;
}

const SEQ_MOD = 0x10000;

export class RtpReceiver {
  readonly stats: RtpStats = emptyRtpStats();
  private readonly window: number;
  private readonly maxDropout: number;
  private readonly payloadType: number;
  private readonly onPayload: (payload: Uint8Array) => void;
  private readonly onLost: (count: number) => void;
  private readonly onRange: ((datagram: Uint8Array, start: number, end: number) => void) | undefined;

  private ssrc = -1;
  private sourceAddress = '';
  private sourcePort = -1;
  /** Next extended sequence number to play out; -1 until the first packet. */
  private next = -1;
  /** Highest extended sequence number accepted. */
  private highest = -1;
  /** Held packets keyed by extended sequence number (at most `window` + 1 entries). */
  private readonly held = new Map<number, Uint8Array>();
  private readonly header = emptyRtpHeader();

  constructor(opts: RtpReceiverOptions) {
    this.payloadType = opts.payloadType;
    this.window = Math.max(0, opts.window ?? 3);
    this.maxDropout = opts.maxDropout ?? 3000;
    this.onPayload = opts.onPayload;
    this.onLost = opts.onLost;
    this.onRange = opts.onPayloadRange;
  }

  /** The locked SSRC, or undefined before the first valid packet. */
  get lockedSsrc(): number | undefined {
    return this.ssrc < 0 ? undefined : this.ssrc;
  }

  /** Feeds one datagram as received from `address:port`. */
  push(datagram: Uint8Array, address: string, port: number): void {
    const p = this.header;
    if (readRtp(datagram, p) !== null) {
      this.stats.invalid++;
      return;
    }
    if (this.ssrc < 0) {
      if (p.payloadType !== this.payloadType) {
        // Do not lock onto a stream we cannot decode.
        this.stats.wrongPayloadType++;
        return;
      }
      this.ssrc = p.ssrc;
      this.sourceAddress = address;
      this.sourcePort = port;
    } else if (p.ssrc !== this.ssrc || port !== this.sourcePort || address !== this.sourceAddress) {
      this.stats.foreign++;
      return;
    }
    if (p.payloadType !== this.payloadType) {
      this.stats.wrongPayloadType++;
      return;
    }
    this.accept(p.sequence, datagram, p.payloadStart, p.payloadEnd);
  }

  /** Plays out everything still held (the stream ended), declaring remaining gaps lost. */
  flush(): void {
    while (this.held.size > 0) this.skipToLowestHeld();
  }

  private accept(sequence: number, datagram: Uint8Array, start: number, end: number): void {
    if (this.next < 0) {
      this.next = sequence;
      this.highest = sequence;
    }
    const ext = this.extend(sequence);
    if (ext === this.next && this.held.size === 0) {
      // The common case (in order, nothing held): straight through.
      this.stats.received++;
      if (ext > this.highest) this.highest = ext;
      this.next++;
      if (this.onRange) this.onRange(datagram, start, end);
      else this.onPayload(datagram.subarray(start, end));
      return;
    }
    const delta = ext - this.highest;
    if (delta > this.maxDropout || ext < this.next - this.maxDropout) {
      // The sender restarted or jumped (RFC 3550 MAX_DROPOUT): play out what we hold, start again here.
      this.flush();
      this.stats.resyncs++;
      this.next = ext;
      this.highest = ext;
    }
    if (ext < this.next) {
      // Its slot is gone: either a duplicate of something played, or a straggler already counted lost.
      this.stats.late++;
      return;
    }
    if (this.held.has(ext)) {
      this.stats.duplicates++;
      return;
    }
    this.stats.received++;
    if (ext < this.highest) this.stats.reordered++;
    else this.highest = ext;
    if (ext === this.next) {
      this.play(datagram.subarray(start, end));
      if (this.held.size > 0) this.drainInOrder();
    } else {
      // Hold a copy: the datagram's memory belongs to the socket layer.
      this.held.set(ext, datagram.slice(start, end));
      while (this.held.size > 0 && this.highest - this.next >= this.window) this.skipToLowestHeld();
    }
  }

  /** The extended sequence number closest to the highest seen (handles the 65535 → 0 wrap both ways). */
  private extend(sequence: number): number {
    const base = this.highest - (this.highest % SEQ_MOD);
    let ext = base + sequence;
    if (ext - this.highest > SEQ_MOD / 2) ext -= SEQ_MOD;
    else if (this.highest - ext > SEQ_MOD / 2) ext += SEQ_MOD;
    return ext;
  }

  private play(payload: Uint8Array): void {
    this.next++;
    if (this.onRange) this.onRange(payload, 0, payload.length);
    else this.onPayload(payload);
  }

  private drainInOrder(): void {
    let p = this.held.get(this.next);
    while (p !== undefined) {
      this.held.delete(this.next);
      this.play(p);
      p = this.held.get(this.next);
    }
  }

  private skipToLowestHeld(): void {
    let lowest = Infinity;
    for (const k of this.held.keys()) if (k < lowest) lowest = k;
    const gap = lowest - this.next;
    if (gap > 0) {
      this.stats.lost += gap;
      this.onLost(gap);
      this.next = lowest;
    }
    this.drainInOrder();
  }
}
