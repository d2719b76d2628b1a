/**
 * The engine's imperative shell (README.md): `Engine` carries out the pure reducers' effects against ARI, the
 * clock, the AMD source and the store, and dials campaigns through their pacers. What the composition root
 * (app/) and the tests build it from: its ports, the campaign inputs, and the adapters that plug the store and
 * the media plane into those ports.
 */
export { Engine, type EngineSnapshot, type EngineState } from './engine.js';
export type { AmdSession, AmdSource, AmdWindow, CallLogWriter, CampaignDialPlan, EngineOptions, Lead, LeadSource, OpenCallLogRow } from './ports.js';
export { campaignInputFromStore, type CampaignInput, type CampaignRunState, type CampaignRuntime } from './campaign-registry.js';
export { attachAgentEventWriter, attachCallLogWriter, type AgentEventWriter } from './store-writers.js';
export { MemoryLeadSource, storeLeadSource, asyncStoreLeadSource, type LeadHopper, type AsyncLeadHopper, type StoreLeadSourceOptions } from './lead-sources.js';
export { mediaPlaneAmdSource } from './media-amd-source.js';
export { refuseSynthetic } from './synthetic-guard.js';
export { StoreWriteQueue, type StoreWriteQueueOptions, type StoreWritesStatus } from './write-queue.js';
export type { SharedAbandonPort } from './ports.js';
