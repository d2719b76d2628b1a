import { fileURLToPath } from 'node:url';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Sqlite } from '../db.js';
import { MIGRATIONS_DIR } from '../db.js';
import { pgTransaction, type PgClient, type PgPool } from './connect.js';

export const PG_MIGRATIONS_DIR = fileURLToPath(new URL('../migrations-pg', import.meta.url));

/**
 * drizzle's own bookkeeping table (schema `drizzle`), so `drizzle-kit migrate` and this runner agree on what is
 * applied. The advisory lock makes the runner safe when several nodes start at once: the second waits, then finds
 * nothing to do (the SQLite runner gets the same from BEGIN IMMEDIATE).
 */
const LOCK_KEY = 0x63656e74; // 'cent'

export interface MigrationStatus {
  /** Migrations in the committed folder. */
  available: number;
  /** Of those, applied to the database. */
  applied: number;
}

async function appliedAt(c: PgClient): Promise<number | undefined> {
  const exists = await c.query(`select to_regclass('drizzle.__drizzle_migrations') as t`);
  if (exists.rows[0].t === null) return undefined;
  const r = await c.query('select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1');
  return r.rows.length === 0 ? undefined : Number(r.rows[0].created_at);
}

/** Applies the pending PostgreSQL migrations in one transaction; returns how many it applied. */
export async function migratePg(pool: PgPool): Promise<number> {
  const migrations = readMigrationFiles({ migrationsFolder: PG_MIGRATIONS_DIR });
  return pgTransaction(pool, async (c) => {
    await c.query('select pg_advisory_xact_lock($1)', [LOCK_KEY]);
    await c.query('create schema if not exists drizzle');
    await c.query('create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)');
    const last = (await appliedAt(c)) ?? -Infinity;
    let n = 0;
    for (const m of migrations) {
      if (m.folderMillis <= last) continue;
      for (const stmt of m.sql) if (stmt.trim() !== '') await c.query(stmt);
      await c.query('insert into drizzle.__drizzle_migrations (hash, created_at) values ($1, $2)', [m.hash, m.folderMillis]);
      n++;
    }
    return n;
  });
}

/** How far the PostgreSQL database is migrated (nothing is changed). */
export async function pgMigrationStatus(pool: PgPool): Promise<MigrationStatus> {
  const migrations = readMigrationFiles({ migrationsFolder: PG_MIGRATIONS_DIR });
  const c = await pool.connect();
  try {
    const last = (await appliedAt(c)) ?? -Infinity;
    return { available: migrations.length, applied: migrations.filter((m) => m.folderMillis <= last).length };
  } finally {
    c.release();
  }
}

/** How far a SQLite file is migrated (nothing is changed). */
export function sqliteMigrationStatus(sqlite: Sqlite): MigrationStatus {
  const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR });
  const has = sqlite.prepare(`select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'`).get() !== undefined;
  const last = has
    ? Number((sqlite.prepare('select max(created_at) as m from "__drizzle_migrations"').get() as { m: number | string | null }).m ?? -Infinity)
    : -Infinity;
  return { available: migrations.length, applied: migrations.filter((m) => m.folderMillis <= last).length };
}
