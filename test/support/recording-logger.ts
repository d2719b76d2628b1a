/**
 * A logger that keeps what tests assert on (warnings and errors, with their objects) and drops the rest; its
 * children log into the same lists.
 */
import type { Logger } from '../../engine/log/index.js';

export interface LoggedLine {
  obj: unknown;
  msg: string;
}

export function recordingLogger(): { logger: Logger; warnings: LoggedLine[]; errors: LoggedLine[] } {
  const warnings: LoggedLine[] = [];
  const errors: LoggedLine[] = [];
  const noop = () => {};
  const logger = {
    warn: (obj: unknown, msg: string) => warnings.push({ obj, msg }),
    error: (obj: unknown, msg: string) => errors.push({ obj, msg }),
    info: noop,
    debug: noop,
    trace: noop,
    fatal: noop,
    child: () => logger,
  } as unknown as Logger;
  return { logger, warnings, errors };
}
