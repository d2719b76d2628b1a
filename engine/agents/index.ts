export * from './types.js';
export { createAgent, agentStep, pickAgent, isAvailable, servesCampaign } from './reducer.js';
