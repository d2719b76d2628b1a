/**
 * migratePg on the real PostgreSQL: several nodes starting at once on an empty database all succeed, the
 * migrations are applied exactly once between them (the advisory lock: without it the second CREATE TABLE fails),
 * and the schema is the one the drift test checks.
 */
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migratePg, openPgPool, pgMigrationStatus, pgTables, PG_MIGRATIONS_DIR, type PgPool } from '../../engine/store/pg/index.js';
import { createTestDatabase, type TestDatabase } from '../support/pg-database.js';

let db: TestDatabase;
const pools: PgPool[] = [];

beforeAll(async () => {
  db = await createTestDatabase('ct_migrate');
}, 30_000);
afterAll(async () => {
  await Promise.all(pools.map((p) => p.end()));
  await db?.drop();
});

it('four nodes migrating one empty database at once: every run succeeds, each migration is applied once', async () => {
  for (let i = 0; i < 4; i++) pools.push(openPgPool(db.url, { max: 1 }));
  const applied = await Promise.all(pools.map((p) => migratePg(p)));
  const available = readMigrationFiles({ migrationsFolder: PG_MIGRATIONS_DIR }).length;
  expect(applied.reduce((a, b) => a + b, 0)).toBe(available);
  expect(applied.filter((n) => n > 0)).toEqual([available]);
  expect(await pgMigrationStatus(pools[0]!)).toEqual({ available, applied: available });
  const rows = (await pools[0]!.query(`select count(*)::int as n from drizzle.__drizzle_migrations`)).rows[0].n;
  expect(rows).toBe(available);
  const tables = (await pools[0]!.query(`select table_name from information_schema.tables where table_schema = 'public' order by 1`)).rows.map(
    (r: { table_name: string }) => r.table_name,
  );
  expect(tables).toEqual(pgTables().map((t) => t.name).sort());
});
