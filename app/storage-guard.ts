/**
 * The last line of defence of `centralita start`: a database write failure (disk full, read-only, I/O error) that
 * escaped every handler must not kill the process and every live call with it. SQLite rolled the statement
 * back, the engine's own writes are queued (engine/shell write-queue.ts) and /health says the database is not
 * writable; so such an error is logged (once per kind of failure) and the process goes on. Anything else keeps
 * Node's behaviour: the error is printed and the process exits with code 1.
 */
import { describeStorageFailure, storageWriteFailure } from '../engine/store/index.js';
import type { Logger } from '../engine/log/index.js';

export interface GuardedProcess {
  on(event: 'uncaughtException', fn: (err: Error) => void): unknown;
  on(event: 'unhandledRejection', fn: (reason: unknown) => void): unknown;
}

export function guardStorageFailures(proc: GuardedProcess, logger: Logger, exit: (code: number) => void): void {
  const seen = new Set<string>();
  const handle = (err: unknown, origin: string) => {
    const storage = storageWriteFailure(err);
    if (storage !== null) {
      const failure = describeStorageFailure(storage);
      if (!seen.has(failure)) {
        seen.add(failure);
        logger.error({ err, origin }, `a database write failed outside its handler (${failure}): it changed nothing and the process goes on`);
      }
      return;
    }
    logger.fatal({ err, origin }, 'uncaught error: exiting');
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    exit(1);
  };
  proc.on('uncaughtException', (err) => handle(err, 'uncaughtException'));
  proc.on('unhandledRejection', (reason) => handle(reason, 'unhandledRejection'));
}
