/**
 * A deliberately tiny energy-threshold detector for the media plane's tests (the real one is engine/amd).
 * HUMAN once speech is followed by `afterGreetingSilence` of silence, MACHINE when speech runs longer than
 * `greeting`, NOTSURE at `totalAnalysisTime`. It records every frame's energy, so tests can check what the
 * plane fed it. Like the centralita detector, after a MACHINE decision it keeps listening (`wantsAudio`) for
 * a "beep" — here any frame with mean |x| ≥ 15000 — and then returns the decision completed with `beepAtMs`.
 */
import { defaultAmdParams } from '../../../../engine/amd/params.js';
import type { AmdDecision, AmdDetector, AmdDetectorOptions, AmdParams, AmdStatus } from '../../../../engine/amd/types.js';

const BEEP_ENERGY = 15000;
const BEEP_LISTEN_FRAMES = 150;

export function createDetector(params: AmdParams, options: AmdDetectorOptions = {}): AmdDetector {
  const energies: number[] = [];
  let speechFrames = 0;
  let silenceAfterSpeech = 0;
  let decision: AmdDecision | null = null;
  let listening = 0;

  const decide = (status: AmdStatus, cause: string): AmdDecision => {
    decision = {
      status,
      cause,
      decisionMs: energies.length * 20,
      trace: { frameEnergy: energies.slice(), words: [], notes: [`test detector: ${cause}`], decisionFrame: energies.length - 1 },
    };
    return decision;
  };

  return {
    get wantsAudio() {
      return decision === null || listening > 0;
    },
    pushFrame(samples) {
      let sum = 0;
      for (let i = 0; i < samples.length; i++) sum += Math.abs(samples[i]!);
      const energy = Math.round(sum / samples.length);
      if (decision) {
        if (listening <= 0) return decision;
        listening--;
        energies.push(energy);
        if (energy >= BEEP_ENERGY) {
          listening = 0;
          const beepAtMs = energies.length * 20;
          options.onBeep?.({ beepAtMs, frequencyHz: 1000, durationMs: 20 });
          decision = { ...decision, beepAtMs };
        }
        return decision;
      }
      energies.push(energy);
      if (energy >= params.silenceThreshold) {
        speechFrames++;
        silenceAfterSpeech = 0;
        if (speechFrames * 20 > params.greeting) {
          listening = BEEP_LISTEN_FRAMES;
          return decide('MACHINE', `LONGGREETING-${speechFrames * 20}`);
        }
      } else if (speechFrames > 0) {
        silenceAfterSpeech++;
        if (silenceAfterSpeech * 20 >= params.afterGreetingSilence) return decide('HUMAN', `HUMAN-${speechFrames * 20}-${silenceAfterSpeech * 20}`);
      }
      if (energies.length * 20 >= params.totalAnalysisTime) return decide('NOTSURE', `TOOLONG-${energies.length * 20}`);
      return null;
    },
    finish(reason) {
      return decision ?? decide(reason === 'hangup' ? 'HANGUP' : 'NOTSURE', reason === 'hangup' ? 'HANGUP' : `TOOLONG-${energies.length * 20}`);
    },
  };
}

/** app_amd's defaults, as the detector module gives them. */
export const testParams: AmdParams = defaultAmdParams('app_amd');
