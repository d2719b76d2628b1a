/**
 * `centralita backup [--out DIR]`: one SQLite online backup of DB_PATH now (safe while the engine runs), into
 * BACKUP_DIR or --out; prints the file. Old backups are pruned by BACKUP_KEEP_DAYS as the scheduler does.
 * With DATABASE_URL=postgres://… it dumps that database instead (pg_dump, custom format, `.pgdump`).
 */
import { parseArgs } from 'node:util';
import { configOrExitCode } from '../index.js';
import { backupDatabase, isPostgresUrl, openDb, pruneBackups, redactUrl } from '../../engine/store/index.js';
import { dumpPg } from '../../engine/store/pg/index.js';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { out: { type: 'string' } } });
  const config = configOrExitCode();
  if (config === 2) return 2;
  const dir = values.out ?? config.BACKUP_DIR;
  if (!dir) {
    process.stderr.write('backup: set BACKUP_DIR or pass --out DIR\n');
    return 2;
  }
  const databaseUrl = process.env['DATABASE_URL'];
  if (databaseUrl) {
    if (!isPostgresUrl(databaseUrl)) {
      process.stderr.write(`backup: DATABASE_URL must be a postgres:// URL (got ${redactUrl(databaseUrl)}); unset it to back up the SQLite file DB_PATH\n`);
      return 2;
    }
    try {
      const r = await dumpPg(databaseUrl, dir, Date.now());
      const pruned = pruneBackups(dir, config.BACKUP_KEEP_DAYS, Date.now());
      process.stdout.write(`backup: ${r.file} (${r.bytes} bytes, ${r.ms} ms, pg_dump of ${redactUrl(databaseUrl)})${pruned.length ? `; deleted ${pruned.length} older than ${config.BACKUP_KEEP_DAYS} days` : ''}\n`);
      return 0;
    } catch (err) {
      process.stderr.write(`backup failed: ${(err as Error).message}\n`);
      return 1;
    }
  }
  const { sqlite } = openDb(config.DB_PATH, { migrate: false });
  try {
    const r = await backupDatabase(sqlite, dir, Date.now());
    const pruned = pruneBackups(dir, config.BACKUP_KEEP_DAYS, Date.now());
    process.stdout.write(`backup: ${r.file} (${r.bytes} bytes, ${r.ms} ms, integrity ok)${pruned.length ? `; deleted ${pruned.length} older than ${config.BACKUP_KEEP_DAYS} days` : ''}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`backup failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    sqlite.close();
  }
}
