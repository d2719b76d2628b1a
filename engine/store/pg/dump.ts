/**
 * Backups of a PostgreSQL database with the server's own tools: `pg_dump --format=custom` into
 * `centralita-<UTC stamp>.pgdump` beside SQLite's `.db` backups (same names, same retention), and `pg_restore`
 * into an empty database. The tools get the connection through the standard libpq variables in the child's
 * environment (PGHOST, PGPASSWORD…), never in its arguments, so the password shows in no `ps` listing and in no
 * error we log; pg_dump's stderr is passed through redaction before it becomes an error message.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { backupFileName, type BackupResult } from '../backup.js';

export interface PgToolOptions {
  /** The pg_dump binary (default `pg_dump` on PATH). */
  pgDump?: string;
  /** The pg_restore binary (default `pg_restore` on PATH). */
  pgRestore?: string;
  /** The child is killed after this long (default 1 h: a big database takes a while, a stuck one must not hang). */
  timeoutMs?: number;
}

/** The libpq environment for a postgres:// URL: what a child tool needs to connect, password included. */
export function pgToolEnv(url: string): Record<string, string> {
  const u = new URL(url);
  const env: Record<string, string> = {};
  if (u.hostname) env['PGHOST'] = decodeURIComponent(u.hostname.replace(/^\[|\]$/g, ''));
  if (u.port) env['PGPORT'] = u.port;
  if (u.username) env['PGUSER'] = decodeURIComponent(u.username);
  if (u.password) env['PGPASSWORD'] = decodeURIComponent(u.password);
  const db = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (db) env['PGDATABASE'] = db;
  const ssl = u.searchParams.get('sslmode');
  if (ssl) env['PGSSLMODE'] = ssl;
  // The child's name on the server (pg_stat_activity), like the pool's application_name.
  env['PGAPPNAME'] = 'centralita-backup';
  return env;
}

/** pg_dump's version line, or null when it is not on this machine (reported on /health, said by the CLI). */
export function pgDumpVersion(pgDump = 'pg_dump'): string | null {
  const r = spawnSync(pgDump, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** The message of a tool that could not run at all (ENOENT: not installed). */
function toolMissing(tool: string, err: NodeJS.ErrnoException): Error {
  return err.code === 'ENOENT' ? new Error(`${tool} not found on this machine: install the PostgreSQL client tools (postgresql-client)`) : new Error(`${tool} could not run: ${err.message}`);
}

/** Runs a tool with the connection in its environment; resolves on exit 0, else rejects with its stderr (password hidden). */
function runTool(tool: string, bin: string, args: string[], url: string, timeoutMs: number): Promise<void> {
  const password = new URL(url).password;
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env: { ...process.env, ...pgToolEnv(url) }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => {
      if (stderr.length < 4000) stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(toolMissing(tool, err));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve();
      let text = stderr.trim().split('\n').slice(0, 3).join('; ');
      if (password) text = text.split(decodeURIComponent(password)).join('***');
      reject(new Error(`${tool} failed (${signal ? `killed by ${signal}` : `exit ${code}`})${text ? `: ${text}` : ''}`));
    });
  });
}

/**
 * `pg_dump -Fc` of the database at `url` into `dir` as `centralita-<stamp>.pgdump`: written under a temporary
 * name and renamed once pg_dump exits 0, so a file with the final name is always a complete dump. One
 * transaction's snapshot (pg_dump's own), taken while the nodes keep writing.
 */
export async function dumpPg(url: string, dir: string, at: number, o: PgToolOptions = {}): Promise<BackupResult> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, backupFileName(at, 'pgdump'));
  const tmp = `${file}.partial`;
  const t0 = performance.now();
  rmSync(tmp, { force: true });
  try {
    await runTool('pg_dump', o.pgDump ?? 'pg_dump', ['--format=custom', '--no-owner', '--no-privileges', `--file=${tmp}`], url, o.timeoutMs ?? 3600_000);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return { file, bytes: statSync(file).size, ms: Math.round(performance.now() - t0) };
}

/** Tables in the database's non-system schemas: a restore goes only into a database that has none. */
export async function userTableCount(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await c.connect();
  try {
    const r = await c.query<{ n: number }>(
      `select count(*)::int as n from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema') and table_schema not like 'pg\\_%'`,
    );
    return r.rows[0]!.n;
  } finally {
    await c.end();
  }
}

export class RestoreRefused extends Error {}

/**
 * `pg_restore` of a `.pgdump` into the database at `url`, which must be empty (created with `createdb`): a
 * restore over live data would mix two histories, so a database with any table is refused before anything runs.
 * Stops at the first error (`--exit-on-error`) inside one transaction (`--single-transaction`): a failed restore
 * leaves the database empty, not half-filled.
 */
export async function restorePg(url: string, file: string, o: PgToolOptions = {}): Promise<void> {
  statSync(file); // a missing file is named before the database is touched
  const tables = await userTableCount(url);
  if (tables > 0) throw new RestoreRefused(`the target database is not empty (${tables} tables): restore into a new, empty database (createdb) and point DATABASE_URL at it`);
  const db = decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
  if (!db) throw new RestoreRefused('DATABASE_URL names no database (postgres://…/NAME): say which empty database to restore into');
  // -d names the database only (no URL, no password): the rest of the connection is in the environment.
  await runTool('pg_restore', o.pgRestore ?? 'pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', `--dbname=${db}`, file], url, o.timeoutMs ?? 3600_000);
}
