/**
 * Answering-machine detection: pure detectors over 20 ms frames of 8 kHz 16-bit linear audio.
 * `createDetector(params)` picks the implementation by `params.mode`:
 * - "app_amd": Asterisk's app_amd, faithfully (app-amd.ts);
 * - "centralita" (default): adaptive energy + timing + beep detection (centralita.ts).
 */
import { createAppAmdDetector } from './app-amd.js';
import { createCentralitaDetector } from './centralita.js';
import type { AmdDetector, AmdDetectorOptions, AmdParams } from './types.js';

export type * from './types.js';
export { amdParamsSchema, defaultAmdParams } from './params.js';
export { frameEnergy } from './energy.js';
export { encodeAmdTrace, decodeAmdTrace } from './trace-codec.js';
export { replayAmdTrace, type AmdReplay } from './replay.js';
// The lab (engine/amd-lab) evaluates and trains the centralita detector with its tuning and model exposed.
export { createCentralitaDetector, DEFAULT_TUNING, DEFAULT_MODEL, type CentralitaTuning } from './centralita.js';
export { FEATURE_NAMES, sigmoid, type AmdModel, type FeatureName } from './model.js';
// Issue 17's sample cues (pitch, periodicity, spectral flatness), measured by the lab (train/cues-study.ts); not used by a detector.
export { frameCues, frameFlatness, framePitch, openerVoiceCues, VOICE_CUE_NAMES, type FrameCues, type VoiceCueName } from './voice-cues.js';

export function createDetector(params: AmdParams, options: AmdDetectorOptions = {}): AmdDetector {
  return params.mode === 'app_amd' ? createAppAmdDetector(params) : createCentralitaDetector(params, options);
}
