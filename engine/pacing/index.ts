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
  governorShared,
  type AbandonRule,
  type OtherNodesCounts,
  type GovernorConfig,
  type GovernorState,
  type GovernorVerdict,
} from './abandon-governor.js';
export { abandonPercents, type AbandonPercents } from './abandon-rates.js';
export {
  modeLabel,
  pacerFor,
  pacingChanged,
  pacingLevel,
  previewPacer,
  type EngineDialMode,
  type PacingSettings,
} from './dial-modes.js';
export { emptyFeed, pacingFeedStep, unresolvedResult, type FedCall, type FedEvent, type PacingFeedState } from './feed.js';
export { leadFate } from './simulate/leads.js';
export { figures } from './simulate/metrics.js';
export { loadScenario, parseScenario } from './simulate/scenario.js';
export type { Scenario } from './simulate/scenario.js';
export { shiftStartMs, simulateShift } from './simulate/simulation.js';
export { runComparison, type SimulationReport, type AlgorithmResult } from './simulate/runner.js';
export { whatIfScenario, runWhatIf, type WhatIfInput, type CampaignPacingSettings } from './simulate/what-if.js';
export { runWhatIfInWorker } from './simulate/what-if-worker.js';
