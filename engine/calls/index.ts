export * from './types.js';
export { callStep, createCall, agentDeadlineMs, type NewCall } from './reducer.js';
export { unansweredDisposition, causeDisposition } from './disposition.js';
export { interruptedDisposition, type InterruptedCall } from './interrupted.js';
