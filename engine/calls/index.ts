export * from './types.js';
export { createCall, callStep, type NewCall } from './reducer.js';
export { unansweredDisposition, causeDisposition } from './disposition.js';
export { idPrefixFor, lostCallDisposition, orphanCommands } from './reconcile.js';
