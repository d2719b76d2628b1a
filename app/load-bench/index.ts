/** The engine-under-API-load benchmark (`npm run bench:engine-under-load`) and its figures, for the CLI and the test. */
export { runEngineUnderLoad, phaseCalls, type EngineUnderLoadOptions, type EngineUnderLoadResult, type PhaseFigures } from './run.js';
