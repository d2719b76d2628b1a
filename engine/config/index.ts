export { configSchema, type Config } from './schema.js';
export { loadConfig, ConfigError } from './load.js';
export { recordingsDirOf } from './paths.js';
