import pg from 'pg';
import { describePgError, isPostgresUrl, redactUrl } from '../pg-plain.js';

/**
 * PostgreSQL connections for the parts of the store that run there today (migrations, db:copy, the multi-node
 * hopper). One place that knows node-postgres: URL checks, int8 as a JS number, errors a person can act on.
 */
// The URL checks and the error text need no driver: ../pg-plain.ts (the SQLite door exports them too).
export { describePgError, isPostgresUrl, redactUrl };

export type PgPool = pg.Pool;
export type PgClient = pg.PoolClient;

/** int8 (bigint) columns hold epoch ms and counts: safe JS integers, read as numbers instead of strings. */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Thrown for a URL that is not postgres://…, or a server that cannot be reached; `message` is for the operator. */
export class PgConfigError extends Error {}

export interface PgPoolOptions {
  /** Connections the pool may open (default 4). */
  max?: number;
  /** Name shown in pg_stat_activity. */
  applicationName?: string;
  /**
   * Told when an idle pooled connection dies (the server restarted, an administrator ended it). The pool drops that
   * connection and the next query opens a new one; without a listener node-postgres would throw the error out of the
   * process. Default: nothing (queries still report a server that stays away).
   */
  onIdleError?: (err: Error) => void;
}

/** The failure surfaces in the statement that used the connection (see openPgPool). */
const ignoreLentError = (): void => undefined;

/** A pool on `url` (not yet connected: call `checkPg` to learn that the server answers). */
export function openPgPool(url: string, opts: PgPoolOptions = {}): PgPool {
  if (!isPostgresUrl(url)) throw new PgConfigError(`not a PostgreSQL URL: ${redactUrl(url)} (expected postgres://user@host:5432/database)`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new PgConfigError(`not a valid URL: ${redactUrl(url)}`);
  }
  if (parsed.pathname.replace(/^\//, '') === '') throw new PgConfigError(`no database name in ${redactUrl(url)} (postgres://host:5432/<database>)`);
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? 4,
    application_name: opts.applicationName ?? 'centralita',
    connectionTimeoutMillis: 5000,
    types: TYPES,
  });
  const onIdleError = opts.onIdleError;
  pool.on('error', (err) => onIdleError?.(err));
  // node-postgres takes the pool's listener off a connection while it is lent out: one the server ends then (between
  // two statements of a transaction) would throw its error out of the process. Each connection keeps a listener of
  // its own; the statement that uses it fails instead, and the pool drops it on release (no longer queryable).
  pool.on('connect', (client) => client.on('error', ignoreLentError));
  return pool;
}

/** Runs `select 1`; throws PgConfigError naming the server and what went wrong (refused, unknown database, auth). */
export async function checkPg(pool: PgPool, url: string): Promise<void> {
  try {
    await pool.query('select 1');
  } catch (err) {
    throw new PgConfigError(`cannot reach PostgreSQL at ${redactUrl(url)}: ${describePgError(err)}`);
  }
}

/** Runs `fn` in one transaction on one pooled connection (COMMIT, or ROLLBACK and rethrow). */
export async function pgTransaction<T>(pool: PgPool, fn: (c: PgClient) => Promise<T>): Promise<T> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    const out = await fn(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}

/** Creates database `name` on the server of `url` (benchmarks and tests use a scratch database of their own). */
export async function createDatabase(url: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new PgConfigError(`bad database name ${name}`);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Drops database `name` on the server of `url`, closing its sessions first. */
export async function dropDatabase(url: string, name: string): Promise<void> {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new PgConfigError(`bad database name ${name}`);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`drop database if exists "${name}" with (force)`);
  } finally {
    await admin.end();
  }
}
