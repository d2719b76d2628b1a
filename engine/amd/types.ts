/**
 * The AMD contract shared by the detector (engine/amd), the media plane (engine/media) and the call engine
 * (engine/calls). Types only; the detector lives beside this file.
 */
export type AmdStatus = 'HUMAN' | 'MACHINE' | 'NOTSURE' | 'HANGUP';

export type AmdMode = 'app_amd' | 'centralita';

/** app_amd's parameters, same names and units (ms) as amd.conf / AMD() arguments. */
export interface AmdParams {
  mode: AmdMode;
  initialSilence: number;
  greeting: number;
  afterGreetingSilence: number;
  totalAnalysisTime: number;
  minimumWordLength: number;
  betweenWordsSilence: number;
  maximumNumberOfWords: number;
  silenceThreshold: number;
  maximumWordLength: number;
  /**
   * Centralita mode only: how long (ms of audio) to keep listening for the voicemail beep after a MACHINE
   * decision. 0 or absent in app_amd mode (app_amd stops at its decision).
   */
  beepListenMs?: number;
  /**
   * Centralita mode only: the async watch. After a HUMAN (or NOTSURE) decision the callee side stays analysed
   * this long (ms of audio); a beep or a monologue that leaves no pause for the agent turns the call into a
   * late MACHINE (`AmdDecision.late`). 0 or absent: no watch.
   */
  lateWatchMs?: number;
}

/** One word (voiced segment) seen by the detector, in ms from the start of analysis. */
export interface AmdWordSegment {
  startMs: number;
  endMs: number;
}

/**
 * A compact, explainable record of one analysis. It comes back from the worker with the decision; the engine keeps
 * the trace of each call's decision with its CallLog (table call_amd_traces, encoded by trace-codec.ts), and
 * `replayAmdTrace` (replay.ts) runs it through the detector again: the same verdict, exactly, for app_amd, and
 * for centralita whenever no tone was heard before the decision (`toneFrames` empty) — a tone's test needs the
 * audio itself, which is not kept.
 */
export interface AmdTrace {
  /** Mean |sample| of each 20 ms frame, rounded, in order (the energy timeline). */
  frameEnergy: number[];
  words: AmdWordSegment[];
  /** Free-form reasons, in order, e.g. "noise floor 12", "greeting 3400 ms > 1500". */
  notes: string[];
  /** Frame index at which the decision was taken. */
  decisionFrame: number;
  /**
   * Frame index of the async watch's late MACHINE verdict, when there was one. With a watch, `frameEnergy`
   * goes on past `decisionFrame` to the end of the watch (at most 3 000 frames in all).
   */
  lateFrame?: number;
  /** The parameters the detector ran with (set by the detectors; absent in traces made up outside them). */
  params?: AmdParams;
  /**
   * Centralita mode: frames before the decision at which the beep tracker was in a tone or reported one. A
   * replay from `frameEnergy` alone cannot hear tones, so it is exact only when this is absent or empty.
   */
  toneFrames?: number[];
}

export interface AmdDecision {
  status: AmdStatus;
  /** app_amd-style cause, e.g. "MAXWORDS-3-2", "HUMAN-300-800", "INITIALSILENCE-2500-2500". */
  cause: string;
  /** Milliseconds of audio analysed when the decision was taken. */
  decisionMs: number;
  /** When a beep was detected: ms (from analysis start) at which it ended — the moment to start a message. */
  beepAtMs?: number;
  /** The async watch's verdict after a HUMAN / NOTSURE decision: the call is a machine after all. */
  late?: AmdLateVerdict;
  trace: AmdTrace;
}

/** A late MACHINE verdict from the async watch (centralita mode, `lateWatchMs`). */
export interface AmdLateVerdict {
  status: 'MACHINE';
  /** `LATEBEEP-<hz>-<ms>` (a voicemail beep) or `MONOLOGUE-<span>-<limit>` (talk that leaves the agent no pause). */
  cause: string;
  /** ms of audio analysed (from the start of analysis) when the watch decided. */
  decisionMs: number;
}

/** Reported when the beep that ends a voicemail greeting is heard (centralita mode). */
export interface AmdBeepEvent {
  /** ms from analysis start at which the tone ended: start the voicemail message now. */
  beepAtMs: number;
  /** The tone's estimated frequency (Hz) and length (ms), for QA. */
  frequencyHz: number;
  durationMs: number;
}

export interface AmdDetectorOptions {
  /** Called once when a beep is heard, whether before or after the MACHINE decision. */
  onBeep?: (event: AmdBeepEvent) => void;
  /** Called once when the async watch turns a HUMAN / NOTSURE call into a late MACHINE. */
  onLate?: (late: AmdLateVerdict) => void;
}

/** A running analysis over 20 ms frames of 8 kHz 16-bit linear audio (160 samples). */
export interface AmdDetector {
  /**
   * Feeds one frame; returns the decision once one is taken (and the same decision on later calls).
   * Centralita mode keeps listening after a MACHINE decision (up to `beepListenMs`) for the beep: when it
   * hears one, later calls return a new decision object, identical but with `beepAtMs` set, and
   * `options.onBeep` fires. Callers that want the beep compare the returned object with the previous one.
   * `energy`, when the caller already has it, is the frame's `frameEnergy()` (mean |sample|, truncated): the
   * media workers compute it with the µ-law decode in one table pass, sparing the detector a second pass.
   */
  pushFrame(samples: Int16Array, energy?: number): AmdDecision | null;
  /** False once the detector needs no more audio (decided, and not or no longer listening for a beep). */
  readonly wantsAudio?: boolean;
  /** Ends the analysis early (call hung up, media stopped): returns the decision or HANGUP / NOTSURE. */
  finish(reason: 'hangup' | 'timeout'): AmdDecision;
}
