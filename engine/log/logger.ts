import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Secrets that must never reach a log line even when a whole object (the config, a request's headers) is logged by
 * mistake. The admin's first random password is logged on purpose, once, under `password` (api/auth/bootstrap.ts).
 */
const REDACTED = [
  'JWT_SECRET', '*.JWT_SECRET', 'SECRETS_KEY', '*.SECRETS_KEY', 'ARI_PASSWORD', '*.ARI_PASSWORD', 'ADMIN_PASSWORD', '*.ADMIN_PASSWORD',
  'authorization', '*.authorization', 'headers.authorization', '*.headers.authorization',
  '["x-api-key"]', '*["x-api-key"]', 'headers["x-api-key"]', '*.headers["x-api-key"]',
  'refresh_token', '*.refresh_token', 'access_token', '*.access_token',
];

/**
 * The one logger. JSON lines always, except pretty output when stdout is a terminal (humans at a console).
 * `destination` lets tests capture lines.
 */
export function createLogger(
  level: LoggerOptions['level'] = 'info',
  opts: { pretty?: boolean; destination?: NodeJS.WritableStream; base?: Record<string, unknown> } = {},
): Logger {
  const pretty = opts.pretty ?? Boolean(process.stdout.isTTY && !opts.destination);
  const options: LoggerOptions = { level, base: opts.base ?? { app: 'centralita' }, redact: { paths: REDACTED, censor: '[redacted]' } };
  if (pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = pino({ level: 'silent' });
