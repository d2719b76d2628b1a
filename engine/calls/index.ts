export * from './types.js';
export { callStep, createCall, agentDeadlineMs, type NewCall } from './reducer.js';
export { unansweredDisposition, causeDisposition } from './disposition.js';
export { interruptedDisposition, type InterruptedCall } from './interrupted.js';
export { idPrefixFor, lastKnownAlive, lostCallDisposition, orphanCommands, type OpenCallLog } from './reconcile.js';
