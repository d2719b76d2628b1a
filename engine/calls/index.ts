export * from './types.js';
export { callStep, createCall, agentDeadlineMs, leadDisposition, type NewCall } from './reducer.js';
export { pacerCancelChoice, nextWaitingCall } from './choices.js';
export { unansweredDisposition, causeDisposition } from './disposition.js';
export { interruptedDisposition, type InterruptedCall } from './interrupted.js';
export { idPrefixFor, lastKnownAlive, lostCallDisposition, orphanCommands, type OpenCallLog } from './reconcile.js';
