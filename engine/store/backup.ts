/**
 * SQLite online backups through better-sqlite3's backup API (SQLite's `sqlite3_backup_*`): the copy is a
 * consistent snapshot taken while the engine keeps writing, and holds every transaction committed before it
 * began (writes through the same connection during the copy are carried into it). Also the checks a backup and
 * the doctor need: integrity and writability.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import type { Sqlite } from './db.js';

/** `PRAGMA integrity_check` of a database file (opened read-only): [] when it is sound, else SQLite's lines. */
export function integrityCheckFile(path: string): string[] {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    return integrityCheck(db);
  } finally {
    db.close();
  }
}

export function integrityCheck(sqlite: Sqlite): string[] {
  const rows = sqlite.pragma('integrity_check') as { integrity_check: string }[];
  const lines = rows.map((r) => r.integrity_check);
  return lines.length === 1 && lines[0] === 'ok' ? [] : lines;
}

/** Proves the database takes writes: a write transaction that is rolled back (throws SQLite's error if not). */
export function probeWritable(sqlite: Sqlite): void {
  const tx = sqlite.transaction(() => {
    sqlite.exec('CREATE TABLE IF NOT EXISTS "__write_probe" (x INTEGER)');
    sqlite.prepare('INSERT INTO "__write_probe" (x) VALUES (1)').run();
    throw new RollBack();
  });
  try {
    tx.immediate();
  } catch (err) {
    if (!(err instanceof RollBack)) throw err;
  }
}
class RollBack extends Error {}

export const BACKUP_PREFIX = 'centralita-';
/** `.db`: a SQLite backup; `.pgdump`: a PostgreSQL one (pg_dump's custom format, engine/store/pg/dump.ts). */
export type BackupExt = 'db' | 'pgdump';
const STAMP = /^centralita-(\d{8}T\d{6}(?:\d{3})?Z)\.(db|pgdump)$/;

/** `centralita-20261206T041500123Z.db` for a backup taken at `at` (UTC, sortable). */
export function backupFileName(at: number, ext: BackupExt = 'db'): string {
  return `${BACKUP_PREFIX}${new Date(at).toISOString().replace(/[-:.]/g, '')}.${ext}`;
}

/** When a backup file name (either kind) says it was taken (ms), or null for files that are not backups. */
export function backupTakenAt(name: string): number | null {
  const m = STAMP.exec(name);
  if (!m) return null;
  const s = m[1]!;
  const iso = `${s.slice(0, 4)}-${s.slice(4, 6)}-${s.slice(6, 8)}T${s.slice(9, 11)}:${s.slice(11, 13)}:${s.slice(13, 15)}.${s.length > 16 ? s.slice(15, 18) : '000'}Z`;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

export interface BackupResult {
  file: string;
  bytes: number;
  ms: number;
}

/**
 * Copies the live database into `dir` as `centralita-<UTC stamp>.db`: written under a temporary name, checked
 * with integrity_check, then renamed, so a file with the final name is always a complete, sound backup.
 */
export async function backupDatabase(sqlite: Sqlite, dir: string, at: number, opts: { pagesPerStep?: number } = {}): Promise<BackupResult> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, backupFileName(at));
  const tmp = `${file}.partial`;
  const t0 = performance.now();
  rmSync(tmp, { force: true });
  try {
    // Page by page between the event loop's turns: the engine keeps writing on this connection meanwhile, and
    // SQLite carries those writes into the copy.
    const step = opts.pagesPerStep;
    await (step ? sqlite.backup(tmp, { progress: () => step }) : sqlite.backup(tmp));
    const problems = integrityCheckFile(tmp);
    if (problems.length > 0) throw new Error(`backup failed integrity_check: ${problems.slice(0, 3).join('; ')}`);
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return { file, bytes: statSync(file).size, ms: Math.round(performance.now() - t0) };
}

/** Deletes backups in `dir` taken more than `keepDays` before `now`; returns the names deleted. */
export function pruneBackups(dir: string, keepDays: number, now: number): string[] {
  if (!existsSync(dir)) return [];
  const cutoff = now - keepDays * 86_400_000;
  const gone: string[] = [];
  for (const name of readdirSync(dir)) {
    const at = backupTakenAt(name);
    if (at !== null && at < cutoff) {
      rmSync(join(dir, name), { force: true });
      gone.push(name);
    }
  }
  return gone.sort();
}

/** Backups of one kind in `dir` (SQLite's by default: `restore --latest` never picks the other kind), newest first. */
export function listBackups(dir: string, ext: BackupExt = 'db'): { name: string; takenAt: number; bytes: number }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .flatMap((name) => {
      const takenAt = name.endsWith(`.${ext}`) ? backupTakenAt(name) : null;
      return takenAt === null ? [] : [{ name, takenAt, bytes: statSync(join(dir, name)).size }];
    })
    .sort((a, b) => b.takenAt - a.takenAt);
}

/**
 * Puts a backup in place of the database at `dbPath` (the engine must be stopped): checks the backup, keeps the
 * current file as `<db>.before-restore-<stamp>` (with its -wal/-shm), then copies the backup in through SQLite's
 * backup API so the result is a clean single file.
 */
export async function restoreDatabase(backupFile: string, dbPath: string, now: number): Promise<{ kept: string | null }> {
  const problems = integrityCheckFile(backupFile);
  if (problems.length > 0) throw new Error(`${basename(backupFile)} fails integrity_check: ${problems.slice(0, 3).join('; ')}`);
  mkdirSync(dirname(dbPath), { recursive: true });
  let kept: string | null = null;
  if (existsSync(dbPath)) {
    // Fold the WAL into the file first, so the kept copy is complete on its own.
    const current = new Database(dbPath, { fileMustExist: true });
    try {
      current.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      current.close();
    }
    kept = `${dbPath}.before-restore-${new Date(now).toISOString().replace(/[-:.]/g, '')}`;
    renameSync(dbPath, kept);
    for (const ext of ['-wal', '-shm']) if (existsSync(dbPath + ext)) renameSync(dbPath + ext, kept + ext);
  }
  const source = new Database(backupFile, { readonly: true, fileMustExist: true });
  try {
    await source.backup(dbPath);
  } finally {
    source.close();
  }
  return { kept };
}
