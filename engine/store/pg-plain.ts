/**
 * What can be said about PostgreSQL without loading its driver: whether DATABASE_URL names a server, how to show it,
 * and a driver error as one line. `npm start` asks this before it decides the dialect, and code shared by both
 * products uses it, so the SQLite product loads no PostgreSQL code (pg/connect.ts re-exports the same functions).
 */
/** Whether `url` names a PostgreSQL server (postgres:// or postgresql://). */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** `url` with the password masked, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

/** A one-line reason from a node-postgres or socket error. */
export function describePgError(err: unknown): string {
  const e = err as { code?: string; message?: string; errors?: Array<{ message?: string }> };
  // An AggregateError (IPv4 and IPv6 both refused) has an empty message and the reasons inside.
  const msg = e.message || e.errors?.map((x) => x.message).join('; ') || String(err);
  return e.code !== undefined ? `${msg} (${e.code})` : msg;
}
