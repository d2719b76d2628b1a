import { configSchema, type Config } from './schema.js';

/** Raised when the environment does not describe a valid configuration; `problems` has one line per variable. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the configuration. Pure: the environment is passed in. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const name = issue.path.join('.') || '(config)';
    const value = env[name];
    const shown = value === undefined ? '' : ` (got ${shownValue(name, value)})`;
    return `${name}: ${issue.message}${shown}`;
  });
  throw new ConfigError(problems);
}

/** Variables whose value is a secret: a start-up error names them and their problem, never their value. */
const SECRET_NAME = /PASSWORD|SECRET|TOKEN|KEY/;

/** What a config error may show of a value: secrets as their length only, URLs without their credentials. */
function shownValue(name: string, value: string): string {
  if (SECRET_NAME.test(name)) return `a value of ${value.length} characters, not shown`;
  if (URL.canParse(value)) {
    const url = new URL(value);
    if (url.username !== '' || url.password !== '') {
      url.username = url.username === '' ? '' : '***';
      url.password = url.password === '' ? '' : '***';
      return JSON.stringify(url.toString());
    }
  }
  return JSON.stringify(value);
}
