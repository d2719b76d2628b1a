/**
 * `centralita db:migrate [--url postgres://…]`: brings the database up to date and exits. PostgreSQL when
 * DATABASE_URL (or --url) is a postgres:// URL — a step of its own: `start` on PostgreSQL refuses a database that is
 * behind rather than migrate one every node shares — otherwise the SQLite file DB_PATH (what `start` does by itself).
 */
import { parseArgs } from 'node:util';
import { configOrExitCode } from '../index.js';
import { openDb, isPostgresUrl, redactUrl } from '../../engine/store/index.js';
import { PgConfigError, checkPg, describePgError, migratePg, openPgPool, pgMigrationStatus, sqliteMigrationStatus } from '../../engine/store/pg/index.js';

export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let values: { url?: string };
  try {
    ({ values } = parseArgs({ args: argv, options: { url: { type: 'string' } } }));
  } catch (err) {
    process.stderr.write(`db:migrate: ${(err as Error).message}\n`);
    return 2;
  }
  const url = values.url ?? env.DATABASE_URL;
  if (url !== undefined && url !== '') {
    if (!isPostgresUrl(url)) {
      process.stderr.write(`db:migrate: DATABASE_URL must be postgres://… (got ${redactUrl(url)}); unset it to migrate the SQLite DB_PATH\n`);
      return 2;
    }
    let pool;
    try {
      pool = openPgPool(url, { max: 1, applicationName: 'centralita db:migrate' });
    } catch (err) {
      process.stderr.write(`db:migrate: ${(err as Error).message}\n`);
      return 2;
    }
    try {
      await checkPg(pool, url);
      const applied = await migratePg(pool);
      const s = await pgMigrationStatus(pool);
      process.stdout.write(`db:migrate: PostgreSQL ${redactUrl(url)}: applied ${applied}, now at ${s.applied} of ${s.available}\n`);
      return 0;
    } catch (err) {
      const known = err instanceof PgConfigError;
      process.stderr.write(`db:migrate failed: ${known ? (err as Error).message : describePgError(err)}\n`);
      return 1;
    } finally {
      await pool.end();
    }
  }
  const config = configOrExitCode(env);
  if (config === 2) return 2;
  try {
    const { sqlite } = openDb(config.DB_PATH, { migrate: false });
    const before = sqliteMigrationStatus(sqlite).applied;
    sqlite.close();
    const opened = openDb(config.DB_PATH);
    const s = sqliteMigrationStatus(opened.sqlite);
    opened.sqlite.close();
    process.stdout.write(`db:migrate: SQLite ${config.DB_PATH}: applied ${s.applied - before}, now at ${s.applied} of ${s.available}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`db:migrate failed: ${(err as Error).message}\n`);
    return 1;
  }
}
