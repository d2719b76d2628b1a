/**
 * A PostgreSQL database of its own for one test file: created on the server of TEST_DATABASE_URL (default: the
 * `centralita_test` database that scripts/install-system-deps.sh creates on 127.0.0.1:5432) and dropped after,
 * so parallel test files never see each other's tables. A database rather than a schema: drizzle-kit writes
 * foreign keys as "public"."table", so the migrations only apply to a database's public schema.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { migratePg, openPgPool, pgTables, type PgPool } from '../../engine/store/pg/index.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/centralita_test';

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * `icuLocale`: the database's collation is that ICU locale (e.g. 'en-US', as most production databases sort
 * text linguistically) instead of the server's default (C.UTF-8 on these machines, byte order like SQLite).
 */
export async function createTestDatabase(prefix = 'ct', o: { icuLocale?: string } = {}): Promise<TestDatabase> {
  const name = `${prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    const locale = o.icuLocale === undefined ? '' : ` template template0 locale_provider icu icu_locale '${o.icuLocale.replace(/[^A-Za-z0-9-]/g, '')}'`;
    await admin.query(`create database "${name}"${locale}`);
  } finally {
    await admin.end();
  }
  const u = new URL(TEST_DATABASE_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    name,
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A test database with the product's migrations applied and a pool on it; `close` ends the pool and drops it. */
export interface MigratedTestDatabase extends TestDatabase {
  pool: PgPool;
  close(): Promise<void>;
}

export async function openMigratedTestDatabase(prefix: string, o: { icuLocale?: string } = {}): Promise<MigratedTestDatabase> {
  const db = await createTestDatabase(prefix, o);
  const pool = openPgPool(db.url);
  try {
    await migratePg(pool);
  } catch (err) {
    await pool.end().catch(() => undefined);
    await db.drop();
    throw err;
  }
  return {
    ...db,
    pool,
    close: async () => {
      await pool.end().catch(() => undefined);
      await db.drop();
    },
  };
}

/**
 * Empties every table of the product's schema (referencing tables first), for a clean start per test: DELETE is a
 * few ms on these small tables, where TRUNCATE of all of them takes ~0.9 s.
 */
export async function emptyTables(pool: PgPool): Promise<void> {
  const tables = pgTables().map((t) => `"${t.name}"`).reverse();
  await pool.query(`begin; ${tables.map((t) => `delete from ${t};`).join(' ')} commit`);
}

/**
 * A migrated test database reached two ways, for outage tests: `direct` (the test's own view) and `viaProxy`, a pool
 * through a TCP proxy the test can cut (`proxy.setMode('refuse' | 'reset' | 'blackhole' | 'forward')`). A connection
 * the proxy cuts while idle is reported on `viaProxy`: expected there, so it is swallowed. `close` undoes it all.
 */
export interface ProxiedTestDatabase {
  db: TestDatabase;
  direct: PgPool;
  proxy: TcpProxy;
  viaProxy: PgPool;
  close(): Promise<void>;
}

export async function openProxiedTestDatabase(prefix: string): Promise<ProxiedTestDatabase> {
  const db = await createTestDatabase(prefix);
  const direct = openPgPool(db.url, { max: 2 });
  await migratePg(direct);
  const u = new URL(db.url);
  const proxy = await startTcpProxy({ host: u.hostname, port: Number(u.port || 5432) });
  u.host = `127.0.0.1:${proxy.port}`;
  const viaProxy = openPgPool(u.toString(), { max: 2, onIdleError: () => undefined });
  return {
    db,
    direct,
    proxy,
    viaProxy,
    close: async () => {
      await viaProxy.end().catch(() => undefined);
      await proxy.close();
      await direct.end();
      await db.drop();
    },
  };
}

/**
 * `openProxiedTestDatabase` for a whole test file: opened in a `beforeAll` (registered where this is called, so
 * before the file's own hooks run), closed in an `afterAll`. Read `direct`, `proxy` and `viaProxy` in hooks and tests
 * (they exist once the file's set-up has run): the outage tests' one set-up instead of a copy in each.
 */
export function useProxiedTestDatabase(prefix: string): Omit<ProxiedTestDatabase, 'close'> {
  let env: ProxiedTestDatabase | undefined;
  beforeAll(async () => {
    env = await openProxiedTestDatabase(prefix);
  }, 60_000);
  afterAll(async () => {
    await env?.close();
  });
  const opened = (): ProxiedTestDatabase => {
    if (!env) throw new Error(`useProxiedTestDatabase('${prefix}'): read before its beforeAll ran`);
    return env;
  };
  return {
    get db() {
      return opened().db;
    },
    get direct() {
      return opened().direct;
    },
    get proxy() {
      return opened().proxy;
    },
    get viaProxy() {
      return opened().viaProxy;
    },
  };
}
