import { drizzle, type NodePgDatabase, type NodePgQueryResultHKT } from 'drizzle-orm/node-postgres';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import type { PgPool } from './connect.js';

/**
 * drizzle over a pool, on the PostgreSQL schema twin: the repositories that mirror a SQLite one (the auth side, #18)
 * build the same queries as their SQLite twin, so the two read alike and differ only where the dialects do.
 * Columns in bigint mode 'number' come back as numbers (drizzle maps them; the pool's int8 parser does not apply).
 */
export type PgDb = NodePgDatabase;

/** A pool's drizzle handle, or a transaction of it: what the helpers run their statements on. */
export type PgDbOrTx = PgDatabase<NodePgQueryResultHKT, Record<string, never>>;

export function pgDb(pool: PgPool): PgDb {
  return drizzle(pool);
}
