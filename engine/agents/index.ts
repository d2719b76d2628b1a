export * from './types.js';
export { createAgent, agentStep, pickAgent, isAvailable } from './reducer.js';
