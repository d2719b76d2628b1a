/**
 * One AMD session inside a media worker: the UDP socket bound to the session's port, the RTP receiver, the
 * frame assembler and the detector. Everything per packet happens here, in the worker thread; the owner gets
 * one callback for the decision and one report at close.
 */
import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { AmdDecision, AmdDetector } from '../../amd/index.js';
import { FrameAssembler } from '../frames.js';
import { RtpReceiver } from '../rtp/receiver.js';
import type { CloseReason, MediaFormat, SessionReport } from '../types.js';

export interface WorkerSessionOptions {
  callId: string;
  host: string;
  port: number;
  format: Required<MediaFormat>;
  detector: AmdDetector;
  /** Load tests only: after each decision start a fresh analysis (see OpenSessionOptions.analyseContinuously). */
  newDetector?: () => AmdDetector;
  onDecision: (decision: AmdDecision) => void;
  /** Counts every datagram the socket delivers (the worker's packet rate, for the bench). */
  onPacket: () => void;
  /** Keep the first this many analysed frames for the close report (the AMD window). */
  captureFrames?: number;
}

export class WorkerSession {
  private readonly socket: dgram.Socket;
  private readonly receiver: RtpReceiver;
  private readonly frames: FrameAssembler;
  private detector: AmdDetector;
  private decision: AmdDecision | null = null;
  /** With `newDetector`: the first decision (the one reported), while `decision` is the current analysis's. */
  private first: AmdDecision | null = null;
  /** Analyses completed (more than one only with `newDetector`). */
  private analyses = 0;
  private closed = false;
  /** The AMD window: analysed frames, copied as they pass (allocated once, at open). */
  private readonly capture: Int16Array | null;
  private captured = 0;

  private constructor(private readonly opts: WorkerSessionOptions) {
    this.detector = opts.detector;
    this.capture = opts.captureFrames ? new Int16Array(opts.captureFrames * 160) : null;
    // One reused frame buffer per session: nothing is allocated per packet on the way to the detector.
    this.frames = new FrameAssembler(opts.format.codec, (frame, energy) => this.onFrame(frame, energy), { reuse: true });
    this.receiver = new RtpReceiver({
      payloadType: opts.format.payloadType,
      // Once decided (and not listening for a beep), packets are still sequenced for the statistics but no
      // longer decoded.
      onPayload: (payload) => {
        if (this.wantsFrames()) this.frames.pushPayload(payload);
      },
      onPayloadRange: (datagram, start, end) => {
        if (this.wantsFrames()) this.frames.pushPayloadRange(datagram, start, end);
      },
      onLost: (n) => {
        if (this.wantsFrames()) this.frames.pushLost(n);
      },
    });
    this.socket = dgram.createSocket({ type: isIPv6(opts.host) ? 'udp6' : 'udp4' });
    const onPacket = opts.onPacket;
    this.socket.on('message', (msg, rinfo) => {
      onPacket();
      this.receiver.push(msg, rinfo.address, rinfo.port);
    });
  }

  /** Binds the port; rejects with the socket error (EADDRINUSE when another program holds it). */
  static open(opts: WorkerSessionOptions): Promise<WorkerSession> {
    const session = new WorkerSession(opts);
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => {
        session.socket.close();
        reject(err);
      };
      session.socket.once('error', onError);
      session.socket.bind({ port: opts.port, address: opts.host, exclusive: true }, () => {
        session.socket.off('error', onError);
        // After bind, a socket error (rare on UDP) must not crash the worker; the session just goes quiet.
        session.socket.on('error', () => {});
        // The kernel's default receive buffer (rmem_default, ~208 KB) holds seconds of one 50 packet/s stream,
        // which rides out a GC pause or a busy tick; nothing to tune per socket.
        resolve(session);
      });
    });
  }

  /** Before the decision always; after it only while the detector listens for a beep or watches (`wantsAudio`). */
  private wantsFrames(): boolean {
    return !this.decision || this.opts.newDetector !== undefined || this.detector.wantsAudio === true;
  }

  private onFrame(frame: Int16Array, energy: number | undefined): void {
    if (this.capture && this.captured + frame.length <= this.capture.length) {
      this.capture.set(frame, this.captured);
      this.captured += frame.length;
    }
    const d = this.detector.pushFrame(frame, energy);
    if (!d) return;
    if (!this.decision) {
      this.analyses++;
      if (this.opts.newDetector) {
        // Load-test mode: report the first decision only, and start over.
        if (!this.first) {
          this.first = d;
          this.opts.onDecision(d);
        }
        this.detector = this.opts.newDetector();
        return;
      }
      this.decision = d;
      this.opts.onDecision(d);
    } else if (d !== this.decision) {
      // The same decision, completed later (beepAtMs): the report carries the latest.
      this.decision = d;
    }
  }

  /** Stops the socket and returns the report; the decision is the detector's own, or `finish(reason)`. */
  close(reason: CloseReason): SessionReport {
    if (!this.closed) {
      this.closed = true;
      this.socket.close();
      this.receiver.flush();
    }
    // A detector still listening (beep, async watch) is finished too: a tone sounding as the audio stops counts.
    const decision = this.first ?? (this.decision && this.detector.wantsAudio !== true ? this.decision : this.detector.finish(reason));
    if (!this.decision && !this.first) this.analyses++;
    this.decision = decision;
    return {
      callId: this.opts.callId,
      port: this.opts.port,
      decision,
      rtp: { ...this.receiver.stats },
      frames: this.frames.frames,
      analyses: this.analyses,
      ...(this.capture ? { capture: this.capture.slice(0, this.captured) } : {}),
    };
  }
}
