/** The what-if pacing simulator's public face (the CLI command and the API's what-if route use it). */
export { loadScenario, parseScenario, type Scenario } from './scenario.js';
export { runComparison, type SimulationReport, type AlgorithmResult } from './runner.js';
export { whatIfScenario, runWhatIf, type WhatIfInput, type CampaignPacingSettings } from './what-if.js';
export { runWhatIfInWorker } from './what-if-worker.js';
