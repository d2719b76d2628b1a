/**
 * The media plane's types: what a session is opened with, what it reports, and the control protocol between
 * the main thread (plane.ts) and the media workers (worker/serve.ts). Only these small messages cross threads;
 * per-packet audio never does.
 */
import type { MessagePort } from 'node:worker_threads';
import type { AmdBeepEvent, AmdDecision, AmdLateVerdict, AmdParams } from '../amd/index.js';

/** Codecs an externalMedia channel may send us. `slin16` is 16 kHz, downsampled to the detector's 8 kHz. */
export type MediaCodec = 'ulaw' | 'slin' | 'slin16';

export interface MediaFormat {
  codec: MediaCodec;
  /**
   * RTP payload type to accept. PCMU is static (0); Asterisk sends slin/slin16 with a dynamic PT from its own
   * table, so the session accepts whatever PT it was opened with (defaults below).
   */
  payloadType?: number;
}

/** Asterisk's rtp_engine defaults for the dynamic linear formats (used when the caller gives no PT). */
export const DEFAULT_PAYLOAD_TYPE: Record<MediaCodec, number> = { ulaw: 0, slin: 118, slin16: 118 };

export function sampleRateOf(codec: MediaCodec): number {
  return codec === 'slin16' ? 16000 : 8000;
}

/** Per-session RTP counters, reported when the session closes (and with its decision). */
export interface RtpStats {
  /** Datagrams that passed every check and were accepted into the stream (duplicates excluded). */
  received: number;
  /** Sequence numbers never seen by the time the jitter window moved past them. */
  lost: number;
  /** Accepted packets that arrived after a higher sequence number. */
  reordered: number;
  duplicates: number;
  /** Packets that arrived after their slot had already been played out to the detector (counted once lost). */
  late: number;
  /** Packets from another SSRC or another source address than the one that locked the session. */
  foreign: number;
  /** Not RTP v2, truncated, or inconsistent padding/extension/CSRC lengths. */
  invalid: number;
  /** Right source, wrong payload type (e.g. comfort noise or DTMF events). */
  wrongPayloadType: number;
  /** Large sequence jumps treated as a new stream start (RFC 3550's MAX_DROPOUT). */
  resyncs: number;
}

export function emptyRtpStats(): RtpStats {
  return { received: 0, lost: 0, reordered: 0, duplicates: 0, late: 0, foreign: 0, invalid: 0, wrongPayloadType: 0, resyncs: 0 };
}

/** Why a session ended: the call hung up (abort), the caller closed it, or the plane is shutting down. */
export type CloseReason = 'hangup' | 'timeout';

export interface SessionReport {
  callId: string;
  port: number;
  /** The decision (the detector's — with `beepAtMs` if a beep came later — or `finish(reason)` when none). */
  decision: AmdDecision;
  rtp: RtpStats;
  /** Frames fed to the detector, including concealment frames for lost packets. */
  frames: number;
  /** Analyses run: 1, or more with `analyseContinuously`. */
  analyses: number;
  /**
   * With `captureMs`: the audio the detector analysed (8 kHz 16-bit, concealment frames included), at most
   * `captureMs` of it from the start — the AMD window, kept so that a decision can be heard and replayed.
   */
  capture?: Int16Array;
}

export interface OpenSessionOptions {
  callId: string;
  params: AmdParams;
  format?: MediaFormat;
  /** Aborted when the call hangs up: the session ends with `finish('hangup')` and frees its port. */
  signal?: AbortSignal;
  /**
   * Load tests only. In production a session lives only while AMD runs (the engine closes it on the decision,
   * or at the beep for a machine that gets a voicemail message), so every packet costs a detector step. A
   * benchmark that keeps N streams running would otherwise measure mostly decided, idle sessions; with this
   * flag a fresh analysis starts after each decision. Only the first decision is reported.
   */
  analyseContinuously?: boolean;
  /** Keep up to this many ms of the analysed audio and return it in the close report (`SessionReport.capture`). */
  captureMs?: number;
}

export interface MediaSession {
  readonly callId: string;
  /** Where Asterisk's externalMedia channel must send RTP (`external_host` = `${host}:${port}`). */
  readonly host: string;
  readonly port: number;
  /** Resolves with the first decision; HANGUP/NOTSURE when closed before one; rejects if the worker died. */
  readonly decision: Promise<AmdDecision>;
  /**
   * The beep ending a voicemail greeting (centralita mode: the moment to start a message); it may come after
   * a MACHINE decision, as the detector keeps listening. Null when the session ends without one.
   */
  readonly beep: Promise<AmdBeepEvent | null>;
  /**
   * The async watch's late MACHINE (centralita mode with `lateWatchMs`): after a HUMAN / NOTSURE decision the
   * session keeps analysing the callee; a beep or a monologue turns the call into a machine. Null when the
   * session ends without one.
   */
  readonly late: Promise<AmdLateVerdict | null>;
  /** Ends the session (idempotent), frees the port, resolves with the final report. */
  close(reason?: CloseReason): Promise<SessionReport>;
}

/** Totals per worker, for the bench and for health checks. */
export interface WorkerStats {
  worker: number;
  /** The worker thread's id: distinct per worker, which shows each serve task owns its own thread. */
  threadId: number;
  sessions: number;
  /** Every datagram the worker's sockets handed to JS, valid or not, since start. */
  packets: number;
}

// ---- Control protocol over each worker's MessagePort --------------------------------------------------------

export type ToWorker =
  | {
      t: 'open';
      id: number;
      callId: string;
      host: string;
      port: number;
      params: AmdParams;
      format: Required<MediaFormat>;
      continuous: boolean;
      /** Frames of analysed audio to keep for the report (0: none). */
      captureFrames?: number;
    }
  | { t: 'close'; id: number; reason: CloseReason }
  | { t: 'stats'; req: number }
  | { t: 'stop' };

export type FromWorker =
  | { t: 'ready'; worker: number }
  | { t: 'opened'; id: number; port: number }
  | { t: 'openFailed'; id: number; code: string; message: string }
  | { t: 'decision'; id: number; decision: AmdDecision }
  | { t: 'beep'; id: number; event: AmdBeepEvent }
  | { t: 'late'; id: number; late: AmdLateVerdict }
  | { t: 'closed'; id: number; report: SessionReport }
  | { t: 'stats'; req: number; stats: WorkerStats };

/** What the main thread hands each long-lived worker task (the piscina task payload). */
export interface ServeTask {
  worker: number;
  control: MessagePort;
  /** URL of the module exporting `createDetector(params)` (engine/amd/index.ts; tests may pass their own). */
  detectorModule: string;
  /**
   * Receive batching (see worker/serve.ts): with at least `minSessions` open, the worker polls its sockets
   * every `intervalMs` instead of waking per datagram. Absent or intervalMs 0: per datagram, as Node does.
   */
  batch?: { intervalMs: number; minSessions: number };
}
