/**
 * `centralita restore --from FILE | --latest [--yes]`: puts a backup in place of DB_PATH. Stop the engine first
 * (`systemctl stop centralita`): a running engine keeps writing to the old file. The current database is kept
 * beside it as `<DB_PATH>.before-restore-<stamp>`; the backup is checked with integrity_check before anything
 * moves. With DATABASE_URL=postgres://… it restores a `.pgdump` (pg_restore) into that database, which must be
 * empty (a new one from `createdb`): a database with any table is refused, nothing is written.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { configOrExitCode } from '../index.js';
import { integrityCheckFile, isPostgresUrl, listBackups, redactUrl, restoreDatabase } from '../../engine/store/index.js';
import { restorePg, RestoreRefused } from '../../engine/store/pg/index.js';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { from: { type: 'string' }, latest: { type: 'boolean', default: false } } });
  const config = configOrExitCode();
  if (config === 2) return 2;
  const databaseUrl = process.env['DATABASE_URL'];
  if (databaseUrl && !isPostgresUrl(databaseUrl)) {
    process.stderr.write(`restore: DATABASE_URL must be a postgres:// URL (got ${redactUrl(databaseUrl)}); unset it to restore the SQLite file DB_PATH\n`);
    return 2;
  }
  let from = values.from;
  if (!from && values.latest) {
    const newest = config.BACKUP_DIR ? listBackups(config.BACKUP_DIR, databaseUrl ? 'pgdump' : 'db')[0] : undefined;
    if (!newest) {
      process.stderr.write(`restore: no backup found in ${config.BACKUP_DIR ?? '(BACKUP_DIR unset)'}\n`);
      return 2;
    }
    from = join(config.BACKUP_DIR!, newest.name);
  }
  if (!from) {
    process.stderr.write('restore: pass --from FILE or --latest (newest in BACKUP_DIR)\n');
    return 2;
  }
  if (databaseUrl) {
    try {
      await restorePg(databaseUrl, from);
      process.stdout.write(`restore: ${redactUrl(databaseUrl)} now holds ${from}\n`);
      return 0;
    } catch (err) {
      process.stderr.write(`restore ${err instanceof RestoreRefused ? 'refused' : 'failed'}: ${(err as Error).message}\n`);
      return 1;
    }
  }
  try {
    const { kept } = await restoreDatabase(from, config.DB_PATH, Date.now());
    const problems = integrityCheckFile(config.DB_PATH);
    if (problems.length > 0) throw new Error(`restored database fails integrity_check: ${problems[0]}`);
    process.stdout.write(`restore: ${config.DB_PATH} now holds ${from} (integrity ok)${kept ? `; the previous database is kept as ${kept}` : ''}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`restore failed: ${(err as Error).message}\n`);
    return 1;
  }
}
