/**
 * Replays a stored AMD trace through the detector: its energy timeline, frame by frame (20 ms frames of silence
 * carrying the recorded energy), into a fresh detector with the parameters it ran with. Pure.
 *
 * The detectors decide from frame energies and timing; only centralita's beep tracker reads the samples (a
 * tone's frequency and purity), and silent frames never sound like a tone. So the replay reaches the very
 * decision — status, cause, decision time — for app_amd always, and for centralita whenever no tone was heard
 * before the decision (`trace.toneFrames` empty): `exact` says which.
 */
import { createAppAmdDetector } from './app-amd.js';
import { createCentralitaDetector, type CentralitaTuning } from './centralita.js';
import type { AmdDecision, AmdParams, AmdTrace } from './types.js';

/** One 20 ms frame at 8 kHz: what the detectors were fed in production. */
const FRAME = new Int16Array(160);

export interface AmdReplay {
  /** The replayed decision; when the frames run out undecided, the detector's `finish(end)`. */
  decision: AmdDecision;
  /** Whether the replay is the production decision by construction (see above). */
  exact: boolean;
}

/**
 * `params`: the trace's own (`trace.params`, recorded by the detector) unless given — pass others to ask what a
 * different tuning would have said. `end`: how an analysis that had not decided when its frames ended was closed
 * (the CallLog's HANGUP status says 'hangup').
 */
export function replayAmdTrace(
  trace: AmdTrace,
  o: { params?: AmdParams; end?: 'hangup' | 'timeout'; /** centralita's tuning, for the lab (default: the product's) */ tuning?: CentralitaTuning } = {},
): AmdReplay {
  const params = o.params ?? trace.params;
  if (!params) throw new Error('AMD replay: the trace has no detector parameters; pass them');
  const detector = params.mode === 'app_amd' ? createAppAmdDetector(params) : createCentralitaDetector(params, {}, o.tuning);
  const frames = trace.decisionFrame >= 0 ? Math.min(trace.frameEnergy.length, trace.decisionFrame + 1) : trace.frameEnergy.length;
  let decision: AmdDecision | null = null;
  for (let i = 0; i < frames && !decision; i++) decision = detector.pushFrame(FRAME, trace.frameEnergy[i]);
  decision ??= detector.finish(o.end ?? 'hangup');
  const exact = params.mode === 'app_amd' || (trace.toneFrames ?? []).length === 0;
  return { decision, exact };
}
