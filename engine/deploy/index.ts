export * from './asterisk-config.js';
export { REQUIRED_MODULES, renderModulesConf } from './modules.js';
export { recordSafeHarbor, safeHarborText, SAFE_HARBOR_SOUND, type SafeHarborText } from './sounds.js';
export { pushTrunk, trunkSorceryObjects, TrunkPushError, TRUNK_ENDPOINT_TEMPLATE, type AriTarget, type SorceryObject } from './trunk-push.js';
export { pushSorcery } from './trunk-push.js';
export { agentSorceryObjects, AGENT_AOR_TEMPLATE, AGENT_ENDPOINT_TEMPLATE } from './agent-push.js';
