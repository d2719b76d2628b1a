/** Runs one detector over a whole recording, 20 ms at a time, the way the media plane feeds it. */
import { createCentralitaDetector, createDetector, type AmdDecision, type AmdParams, type CentralitaTuning } from '../../amd/index.js';

export const FRAME_SAMPLES = 160;

export interface FileResult {
  /** The decision as it stands at the end: the first verdict, with `beepAtMs` and `late` when they came. */
  decision: AmdDecision;
  /** ms of audio fed in total (the detector may listen past its decision for the beep or the async watch). */
  fedMs: number;
}

/**
 * Feeds the file until the detector wants no more audio (decided, and neither listening for the beep nor
 * watching a HUMAN call) or the file ends — i.e. the file is evaluated to its end when the watch runs.
 */
export function evaluateSamples(samples: Int16Array, params: AmdParams, tuning?: CentralitaTuning): FileResult {
  const detector = tuning && params.mode === 'centralita' ? createCentralitaDetector(params, {}, tuning) : createDetector(params);
  let decision: AmdDecision | null = null;
  let fed = 0;
  // A trailing partial frame is dropped: RTP never carries one.
  for (let at = 0; at + FRAME_SAMPLES <= samples.length; at += FRAME_SAMPLES) {
    decision = detector.pushFrame(samples.subarray(at, at + FRAME_SAMPLES)) ?? decision;
    fed += 20;
    if (decision && detector.wantsAudio === false) break;
  }
  // The recording ended: like media stopping without a hangup.
  if (!decision || detector.wantsAudio) decision = detector.finish('timeout');
  return { decision, fedMs: fed };
}
