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
}

/** One word (voiced segment) seen by the detector, in ms from the start of analysis. */
export interface AmdWordSegment {
  startMs: number;
  endMs: number;
}

/** A compact, explainable record of one analysis, kept with the CallLog for QA. */
export interface AmdTrace {
  /** Mean |sample| of each 20 ms frame, rounded, in order (the energy timeline). */
  frameEnergy: number[];
  words: AmdWordSegment[];
  /** Free-form reasons, in order, e.g. "noise floor 12", "greeting 3400 ms > 1500". */
  notes: string[];
  /** Frame index at which the decision was taken. */
  decisionFrame: number;
}

export interface AmdDecision {
  status: AmdStatus;
  /** app_amd-style cause, e.g. "MAXWORDS-3-2", "HUMAN-300-800", "INITIALSILENCE-2500-2500". */
  cause: string;
  /** Milliseconds of audio analysed when the decision was taken. */
  decisionMs: number;
  /** When a beep was detected: ms (from analysis start) at which it ended — the moment to start a message. */
  beepAtMs?: number;
  trace: AmdTrace;
}

/** A running analysis over 20 ms frames of 8 kHz 16-bit linear audio (160 samples). */
export interface AmdDetector {
  /** Feeds one frame; returns the decision once one is taken (and the same decision on later calls). */
  pushFrame(samples: Int16Array): AmdDecision | null;
  /** Ends the analysis early (call hung up, media stopped): returns the decision or HANGUP / NOTSURE. */
  finish(reason: 'hangup' | 'timeout'): AmdDecision;
}
