import { dirname, join } from 'node:path';
import type { Config } from './schema.js';

/** Where recordings are kept: RECORDINGS_DIR, or `recordings/` beside the database when it is unset. */
export function recordingsDirOf(config: Pick<Config, 'RECORDINGS_DIR' | 'DB_PATH'>): string {
  return config.RECORDINGS_DIR ?? join(dirname(config.DB_PATH), 'recordings');
}
