/**
 * Which errors mean "the database cannot be written now" (disk full, I/O error, read-only file, locked past the
 * busy timeout): the store is intact — SQLite rolled the statement back — and the same write succeeds once the
 * cause goes. Callers degrade on them (the engine queues and retries, the API answers 503) instead of crashing.
 * drizzle wraps driver errors (DrizzleQueryError), so the cause chain is walked.
 */
const WRITE_FAILURE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED|NOMEM)/;
/**
 * The same on PostgreSQL (engine nodes, #18): the server cannot be reached or went away (socket errors, SQLSTATE
 * class 08 connection exception, 57P0x shutdown / cannot connect now), it is out of disk, memory or connections
 * (class 53), or a serialization failure / deadlock (40001, 40P01): the transaction was rolled back and the same
 * write succeeds later. node-postgres reports a connection dropped mid-query and a pool wait that timed out with no
 * code, so those two are told by their message.
 */
const PG_WRITE_FAILURE = /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|08[0-9A-Z]{3}|57P0[1-3]|53[0-9A-Z]{3}|40001|40P01)$/;
const PG_LOST = /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

export interface StorageWriteFailure {
  /** SQLite's extended code, e.g. SQLITE_FULL, SQLITE_IOERR_WRITE, SQLITE_READONLY; PostgreSQL's SQLSTATE or the socket's (ECONNREFUSED), PG_CONNECTION_LOST. */
  code: string;
  /** SQLite's message, e.g. "database or disk is full". */
  message: string;
}

/** The SQLite write failure in `err` (or its causes), or null when `err` is something else (a bug, bad input). */
export function storageWriteFailure(err: unknown): StorageWriteFailure | null {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (WRITE_FAILURE.test(code) || PG_WRITE_FAILURE.test(code))) return { code, message: e.message };
    if (code === undefined && PG_LOST.test(e.message)) return { code: 'PG_CONNECTION_LOST', message: e.message };
  }
  return null;
}

/** One line for logs and /health: "SQLITE_FULL: database or disk is full". */
export function describeStorageFailure(f: StorageWriteFailure): string {
  return `${f.code}: ${f.message}`;
}

/**
 * The driver's own error under drizzle's wrapper (DrizzleQueryError, whose message is the whole statement and its
 * parameters — lead names and numbers): what an import job's message and a log line may show.
 */
export function driverError(err: unknown): unknown {
  let e = err;
  for (let depth = 0; e instanceof Error && e.cause instanceof Error && depth < 5; depth++) e = e.cause;
  return e;
}
