/**
 * Which errors mean "the database cannot be written now" (disk full, I/O error, read-only file, locked past the
 * busy timeout): the store is intact — SQLite rolled the statement back — and the same write succeeds once the
 * cause goes. Callers degrade on them (the engine queues and retries, the API answers 503) instead of crashing.
 * drizzle wraps driver errors (DrizzleQueryError), so the cause chain is walked.
 */
const WRITE_FAILURE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED|NOMEM)/;

export interface StorageWriteFailure {
  /** SQLite's extended code, e.g. SQLITE_FULL, SQLITE_IOERR_WRITE, SQLITE_READONLY. */
  code: string;
  /** SQLite's message, e.g. "database or disk is full". */
  message: string;
}

/** The SQLite write failure in `err` (or its causes), or null when `err` is something else (a bug, bad input). */
export function storageWriteFailure(err: unknown): StorageWriteFailure | null {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && WRITE_FAILURE.test(code)) return { code, message: e.message };
  }
  return null;
}

/** One line for logs and /health: "SQLITE_FULL: database or disk is full". */
export function describeStorageFailure(f: StorageWriteFailure): string {
  return `${f.code}: ${f.message}`;
}
