/**
 * From RTP payloads to the detector's input: 20 ms frames of 8 kHz 16-bit linear audio (160 samples), pure.
 * Decodes µ-law or big-endian linear, brings slin16 (16 kHz) down to 8 kHz, re-chunks payloads of any
 * packetisation into 160-sample frames, and conceals lost packets so the detector's clock stays right.
 */
import { decodeSlinBE, decodeUlaw, ulawMagnitude, ulawToLinear } from '../audio/index.js';
import type { MediaCodec } from './types.js';

export const FRAME_SAMPLES = 160;
/** Lost frames replayed from the last good one (bridges a dropped packet inside a word); later ones are silence. */
const REPEAT_LOST_FRAMES = 2;
/** A gap longer than this is not filled frame by frame (the sender restarted; 5 s would end any analysis). */
const MAX_CONCEALED_FRAMES = 250;

/**
 * 2:1 decimator with a short half-band low-pass, so energy above 4 kHz does not fold into the band the detector
 * measures. Taps [-1, 0, 9, 16, 9, 0, -1] / 32: unity gain at DC, about -20 dB near 4 kHz, cheap in integers.
 * Keeps the last input samples across calls, so packet boundaries do not click.
 */
export class HalfBandDecimator {
  private readonly hist = new Float64Array(6);
  /** Input samples seen mod 2, so odd-length inputs keep the output phase. */
  private phase = 0;

  /** Downsamples `input` into `out` and returns the number of samples written. */
  process(input: Int16Array, out: Int16Array): number {
    const h = this.hist;
    let n = 0;
    for (let i = 0; i < input.length; i++) {
      // Shift the window: h[0] is the oldest, h[5] the newest before x.
      const x = input[i]!;
      if (this.phase === 0) {
        // Taps over h0..h5, x; the output is centred on h[3] (3 samples of delay).
        const y = (-h[0]! + 9 * h[2]! + 16 * h[3]! + 9 * h[4]! - x) / 32;
        out[n++] = y > 32767 ? 32767 : y < -32768 ? -32768 : Math.round(y);
      }
      this.phase ^= 1;
      h[0] = h[1]!;
      h[1] = h[2]!;
      h[2] = h[3]!;
      h[3] = h[4]!;
      h[4] = h[5]!;
      h[5] = x;
    }
    return n;
  }
}

export class FrameAssembler {
  /** Frames handed to the sink, concealment included. */
  frames = 0;
  private readonly codec: MediaCodec;
  /** The frame and, when it was computed on the way (µ-law fast path), its energy (mean |sample|, truncated). */
  private readonly onFrame: (frame: Int16Array, energy?: number) => void;
  private readonly pending = new Int16Array(FRAME_SAMPLES);
  private pendingLen = 0;
  private readonly decimator = new HalfBandDecimator();
  private scratch = new Int16Array(640);
  private scratch8k = new Int16Array(320);
  private last: Int16Array | null = null;
  /**
   * With `reuse`: two frame buffers, swapped after each frame — the next frame is decoded into `work` while
   * `last` keeps the previous one for concealment, with no copy.
   */
  private work: Int16Array | null;
  private spare: Int16Array | null;

  /**
   * `onFrame` gets a fresh array per frame, or with `reuse` the same buffer every time, valid only during
   * the call: the detectors never keep a frame (engine/amd/README.md), so the media workers decode every
   * packet into one buffer and allocate nothing per packet.
   */
  constructor(codec: MediaCodec, onFrame: (frame: Int16Array, energy?: number) => void, opts: { reuse?: boolean } = {}) {
    this.codec = codec;
    this.onFrame = onFrame;
    this.work = opts.reuse ? new Int16Array(FRAME_SAMPLES) : null;
    this.spare = opts.reuse ? new Int16Array(FRAME_SAMPLES) : null;
  }

  /** `pushPayload` of datagram[start, end), without a view: the µ-law 160-byte case decodes in place. */
  pushPayloadRange(datagram: Uint8Array, start: number, end: number): void {
    const work = this.work;
    if (work !== null && this.codec === 'ulaw' && end - start === FRAME_SAMPLES && this.pendingLen === 0) {
      // The Asterisk case: one pass over the bytes decodes into the reused frame and sums |sample| from a
      // second table, so the detector gets the frame's energy without another pass.
      const table = ulawToLinear;
      const mag = ulawMagnitude;
      let sum = 0;
      for (let i = 0; i < FRAME_SAMPLES; i++) {
        const b = datagram[start + i]!;
        work[i] = table[b]!;
        sum += mag[b]!;
      }
      this.emit(work, Math.floor(sum / FRAME_SAMPLES));
      return;
    }
    this.pushPayload(start === 0 && end === datagram.length ? datagram : datagram.subarray(start, end));
  }

  pushPayload(payload: Uint8Array): void {
    if (this.codec === 'ulaw') {
      if (payload.length === FRAME_SAMPLES && this.pendingLen === 0) {
        // The Asterisk case (160 bytes per 20 ms): one decode straight into the frame.
        this.emit(decodeUlaw(payload, this.work ?? new Int16Array(FRAME_SAMPLES)));
        return;
      }
      this.pushSamples(decodeUlaw(payload, this.scratchOf(payload.length)).subarray(0, payload.length));
      return;
    }
    const count = payload.length >> 1;
    // decodeSlinBE fills all of `out`, so hand it exactly `count` samples.
    const linear = decodeSlinBE(payload, this.scratchOf(count).subarray(0, count));
    if (this.codec === 'slin') {
      this.pushSamples(linear);
      return;
    }
    if (this.scratch8k.length < count) this.scratch8k = new Int16Array(count);
    const n = this.decimator.process(linear, this.scratch8k);
    this.pushSamples(this.scratch8k.subarray(0, n));
  }

  /** `count` packets never arrived: keep the timeline by emitting as many frames. */
  pushLost(count: number): void {
    // Approximation: one packet = one 20 ms frame (what Asterisk sends); a partial frame is dropped.
    this.pendingLen = 0;
    const n = Math.min(count, MAX_CONCEALED_FRAMES);
    for (let i = 0; i < n; i++) {
      const prev = this.last;
      const work = this.work;
      if (work !== null) {
        if (i < REPEAT_LOST_FRAMES && prev) work.set(prev);
        else work.fill(0);
        this.emit(work);
      } else this.emit(i < REPEAT_LOST_FRAMES && prev ? prev.slice() : new Int16Array(FRAME_SAMPLES));
    }
  }

  private pushSamples(samples: Int16Array): void {
    let i = 0;
    while (i < samples.length) {
      const take = Math.min(FRAME_SAMPLES - this.pendingLen, samples.length - i);
      this.pending.set(samples.subarray(i, i + take), this.pendingLen);
      this.pendingLen += take;
      i += take;
      if (this.pendingLen === FRAME_SAMPLES) {
        this.pendingLen = 0;
        this.emit(this.work ? this.pending : this.pending.slice());
      }
    }
  }

  private emit(frame: Int16Array, energy?: number): void {
    this.frames++;
    if (energy === undefined) this.onFrame(frame);
    else this.onFrame(frame, energy);
    if (this.work !== null) {
      // Reuse mode: keep this frame as `last` and decode the next one into the other buffer.
      if (frame === this.work) {
        this.work = this.spare;
        this.spare = frame;
        this.last = frame;
      } else {
        // From the re-chunking buffer (`pending`), which is about to be refilled: keep a copy.
        this.spare!.set(frame);
        this.last = this.spare;
      }
    } else this.last = frame;
  }

  private scratchOf(n: number): Int16Array {
    if (this.scratch.length < n) this.scratch = new Int16Array(n);
    return this.scratch;
  }
}
