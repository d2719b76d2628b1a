export * from './campaigns.js';
export * from './leads.js';
export * from './dnc.js';
export * from './call-logs.js';
export * from './agents.js';
export * from './agent-events.js';
export * from './import-jobs.js';
