import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * The one logger. JSON lines always, except pretty output when stdout is a terminal (humans at a console).
 * `destination` lets tests capture lines.
 */
export function createLogger(
  level: LoggerOptions['level'] = 'info',
  opts: { pretty?: boolean; destination?: NodeJS.WritableStream; base?: Record<string, unknown> } = {},
): Logger {
  const pretty = opts.pretty ?? Boolean(process.stdout.isTTY && !opts.destination);
  const options: LoggerOptions = { level, base: opts.base ?? { app: 'centralita' } };
  if (pretty) {
    return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true } } });
  }
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = pino({ level: 'silent' });
