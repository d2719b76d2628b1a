/**
 * Pacing: how many calls to place now. Every dial mode is a `Pacer` (see types.ts for the contract the
 * engine's tick loop and the simulator share).
 */
export * from './types.js';
export { powerPacer, progressivePacer, ratioDecision, type RatioState } from './ratio.js';
export {
  adaptCallsToPlace,
  defaultVicidialConfig,
  recalculateLevel,
  vicidialAdaptPacer,
  type AdaptMethod,
  type VicidialAdaptConfig,
  type VicidialAdaptState,
} from './vicidial-adapt.js';
export {
  cancelCount,
  defaultPredictiveConfig,
  forecast,
  marginalOverflow,
  predictivePacer,
  type PredictiveConfig,
  type PredictiveState,
} from './predictive.js';
export {
  defaultGovernorConfig,
  governorCheck,
  type AbandonRule,
  type GovernorConfig,
  type GovernorState,
  type GovernorVerdict,
} from './abandon-governor.js';
export { abandonPercents } from './abandon-rates.js';
