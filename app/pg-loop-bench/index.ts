/** `npm run bench:pg-loop`: the PostgreSQL product's engine under heavy API load, and its pure figures. */
export { runPgLoop, importCsv, seed as seedPgLoopDatabase, type PgLoopOptions, type PgLoopPhase, type PgLoopResult } from './run.js';
export { delayFigures, phaseCalls, type DelayFigures, type PhaseCall, type PhaseCalls } from './figures.js';
