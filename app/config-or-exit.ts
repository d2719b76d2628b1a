import { ConfigError, loadConfig, type Config } from '../engine/config/index.js';

/**
 * The configuration from the environment for an operator command (backup, restore, doctor): a bad variable is
 * written to stderr as the config loader words it (one line each) and the command answers exit code 2.
 */
export function configOrExitCode(env: NodeJS.ProcessEnv = process.env): Config | 2 {
  try {
    return loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
}
