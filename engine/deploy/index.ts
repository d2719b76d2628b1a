export * from './asterisk-config.js';
export { REQUIRED_MODULES, renderModulesConf } from './modules.js';
export { recordSafeHarbor, safeHarborText, SAFE_HARBOR_SOUND, type SafeHarborText } from './sounds.js';
