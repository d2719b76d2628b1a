/**
 * What runs on PostgreSQL today (#18): the schema twin's migrations, the SQLite → PostgreSQL copy, and the
 * multi-node hopper lease. The engine and the API still use the SQLite store (../store.ts); see ../README.md.
 */
export { openPgPool, checkPg, createDatabase, dropDatabase, isPostgresUrl, redactUrl, describePgError, pgTransaction, PgConfigError, type PgPool, type PgClient, type PgPoolOptions } from './connect.js';
export { migratePg, pgMigrationStatus, sqliteMigrationStatus, PG_MIGRATIONS_DIR, type MigrationStatus } from './migrate.js';
export { copySqliteToPg, CopyError, type CopyOptions, type CopyProgress, type CopyReport, type TableReport } from './copy.js';
export { pgTables, type PgTableShape } from './tables.js';
export { PgLeadHopper, type PgLeadRow } from './hopper.js';
