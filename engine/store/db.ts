import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import * as schema from './schema/index.js';

/*
 * Writes with RETURNING are read with `.all()` (then `[0]`), never `.get()`: better-sqlite3's `.get()` stops at the
 * first row, and outside a transaction SQLite commits when the statement is reset, where an error of that commit
 * (a full disk: SQLITE_FULL) is not reported — the caller would get a row that was never saved. `.all()` steps to
 * the end, where the commit happens, so its failure is thrown (test/integration/store-disk-full.test.ts).
 */
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
export type Sqlite = Database.Database;

export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

export interface OpenDbOptions {
  /** Run pending migrations (default true). Worker processes that share a migrated file may skip it. */
  migrate?: boolean;
  /** How long a writer waits for another connection's lock before SQLITE_BUSY (ms). */
  busyTimeoutMs?: number;
}

/**
 * Opens (creating directory and file when needed) a SQLite database in WAL mode and brings its schema up to date.
 * WAL lets the API read while the engine writes; `synchronous = NORMAL` is the usual WAL pairing (durable across
 * process crashes, may lose the last transactions on power loss).
 */
export function openDb(path: string, opts: OpenDbOptions = {}): { sqlite: Sqlite; db: Db } {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new Database(path);
  sqlite.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 10_000}`);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // 32 MB page cache: imports touch several indexes of a 100k-row table; the 2 MB default thrashes.
  sqlite.pragma('cache_size = -32000');
  const db = drizzle(sqlite, { schema });
  if (opts.migrate ?? true) runMigrations(sqlite);
  return { sqlite, db };
}

/**
 * drizzle's migrator reads the journal before its (deferred) BEGIN, so two processes opening the same fresh file
 * both decide to create the tables and one fails. This runs the same migration files, with the same bookkeeping
 * table, inside one IMMEDIATE transaction: the second process waits on busy_timeout, then finds nothing to do.
 */
function runMigrations(sqlite: Sqlite): void {
  const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR });
  const apply = sqlite.transaction(() => {
    sqlite.exec(
      'CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)',
    );
    const last = sqlite
      .prepare('SELECT created_at FROM "__drizzle_migrations" ORDER BY created_at DESC LIMIT 1')
      .get() as { created_at: number | string } | undefined;
    const lastAt = last === undefined ? -Infinity : Number(last.created_at);
    const record = sqlite.prepare('INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES (?, ?)');
    for (const m of migrations) {
      if (m.folderMillis <= lastAt) continue;
      for (const stmt of m.sql) if (stmt.trim() !== '') sqlite.exec(stmt);
      record.run(m.hash, m.folderMillis);
    }
  });
  apply.immediate();
}
