import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiApp, type ApiApp, type ApiDeps } from '../../../api/app.js';
import { overallStatus, type HealthReport } from '../../../api/health/report.js';
import { hashPasswordSync } from '../../../api/auth/passwords.js';
import type { Role } from '../../../engine/store/schema/users.js';
import { VirtualClock } from '../../../engine/clock/index.js';
import { silentLogger } from '../../../engine/log/logger.js';
import { NO_BACKUPS, openStore, sortableId, UsersRepo, type Store } from '../../../engine/store/index.js';
import type { PgPool } from '../../../engine/store/pg/index.js';
import { users as pgUsers } from '../../../engine/store/schema-pg/index.js';
import { drizzle } from 'drizzle-orm/node-postgres';
import { afterAll, beforeAll, describe } from 'vitest';
import { pgApiPorts } from '../../../app/pg/index.js';
import { emptyTables, openMigratedTestDatabase, type MigratedTestDatabase } from '../../support/pg-database.js';
import { storeSides, type DialectHarness } from '../../support/store-dialects.js';

export const ADMIN_PASSWORD = 'admin-password-for-tests';
export const USER_PASSWORD = 'user-password-for-tests';

export function healthReport(overrides: Partial<HealthReport> = {}): HealthReport {
  const base: Omit<HealthReport, 'status'> = {
    version: '0.1.0',
    nodeId: 'node-1',
    uptimeSeconds: 3,
    ari: { connected: true, simulated: true, url: 'http://127.0.0.1:1', app: 'centralita', reconciled: true, unreconciledSeconds: 0, asteriskStartupTime: null },
    db: { ok: true, path: ':memory:' },
    redis: { configured: false, ok: null },
    media: null,
    calls: null,
    dialer: null,
    backup: NO_BACKUPS,
  };
  const merged = { ...base, ...overrides };
  return { ...merged, status: overrides.status ?? overallStatus(merged) };
}

export interface Harness {
  /** Where the app keeps what has a PostgreSQL side: 'sqlite' (the `store` file, as `npm start` with DB_PATH) or 'pg'. */
  dialect: ApiDialect;
  app: ApiApp;
  /** The SQLite file: on 'pg' only what the PostgreSQL product still keeps there (app/pg/sqlite-kept.ts). */
  store: Store;
  /** On 'pg' the pool of the file's PostgreSQL database (for what only PostgreSQL has: row locks, pg_stat_activity…); null on 'sqlite'. */
  pool: PgPool | null;
  /** The ports, seeds and reads of the database the app reads (test/support/store-dialects.ts): seed through it to run on both. */
  db: DialectHarness;
  clock: VirtualClock;
  dir: string;
  close(): void;
  /** Creates a user directly (fast: no HTTP) and returns its id. */
  addUser(username: string, role: Role, team?: string | null): string;
  /** Logs in over HTTP; returns the access token. */
  login(username: string, password?: string): Promise<string>;
  /** Bearer header for a user. */
  bearer(token: string): Record<string, string>;
  json(method: string, path: string, body: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Settles once every user `addUser` wrote has landed (PostgreSQL writes are async; `login` and `json` wait for it). */
  settled(): Promise<void>;
}

export type ApiDialect = 'sqlite' | 'pg';
export const API_DIALECTS: readonly ApiDialect[] = ['sqlite', 'pg'];

/**
 * The scrypt cost of every hash the harness's apps make (first admin, users, password changes) and of its test users'
 * hash: N=2^10 costs ~3 ms of CPU where the product's N=2^15 costs ~110 ms, per hash and per login. Same scrypt, same
 * code path (a hash carries its own cost; logins verify at it); the product's own cost is held by
 * test/unit/api/password-cost.test.ts.
 */
export const TEST_PASSWORD_COST = { N: 1 << 10, r: 8, p: 1 } as const;

let userHash: string | undefined;
const userPasswordHash = (): string => (userHash ??= hashPasswordSync(USER_PASSWORD, TEST_PASSWORD_COST));

/** A real app over a real SQLite file in a temp dir, with a virtual clock. */
export function harness(overrides: Partial<ApiDeps> = {}, more?: (store: Store, clock: VirtualClock, dir: string, pool: PgPool | null) => Partial<ApiDeps>): Harness {
  return build(null, overrides, more);
}

/**
 * The same app as the PostgreSQL product builds it (#18): every port of `pgApiPorts(pool)` (users, sessions, API keys
 * and audit included), over a migrated test database the caller opened (`apiDialects` does: one per file, emptied per
 * harness). The SQLite file keeps only what the product keeps there. `addUser` writes PostgreSQL's users.
 */
export function pgHarness(pool: PgPool, overrides: Partial<ApiDeps> = {}, more?: (store: Store, clock: VirtualClock, dir: string, pool: PgPool | null) => Partial<ApiDeps>): Harness {
  return build(pool, overrides, more);
}

function build(pool: PgPool | null, overrides: Partial<ApiDeps>, more?: (store: Store, clock: VirtualClock, dir: string, pool: PgPool | null) => Partial<ApiDeps>): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'centralita-api-'));
  const store = openStore(join(dir, 'db.sqlite'));
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  const app = createApiApp({
    health: () => healthReport(),
    store,
    clock,
    logger: silentLogger,
    config: { NODE_ID: 'node-test', JWT_SECRET: 'x'.repeat(40), ADMIN_PASSWORD },
    testPasswordCost: TEST_PASSWORD_COST,
    ...(pool ? pgApiPorts(pool) : {}),
    ...overrides,
    ...more?.(store, clock, dir, pool),
  });
  // One scrypt hash reused for every test user of the file: hashing per user would make suites slow for nothing.
  // Logins still verify it through scrypt as the product does.
  const hash = userPasswordHash();
  const pending: Array<Promise<unknown>> = [];
  const settled = async () => {
    while (pending.length > 0) await Promise.all(pending.splice(0));
  };
  let addUser: Harness['addUser'];
  if (pool === null) {
    // Straight into the SQLite store the app's default auth store reads (synchronous, so tests add users in one line).
    const users = new UsersRepo(store.db);
    addUser = (username, role, team = null) => users.create({ username, passwordHash: hash, role, team, at: clock.now() }).id;
  } else {
    // Into PostgreSQL's users (what pgAuthStore reads): the id is made here, the insert lands before the next request.
    // After the app's bootstrap: it creates the first admin only while no user exists (on SQLite it has run by now).
    const pdb = drizzle(pool);
    const bootstrapped = app.ready.catch(() => undefined);
    addUser = (username, role, team = null) => {
      const at = clock.now();
      const id = sortableId(at);
      pending.push(bootstrapped.then(() => pdb.insert(pgUsers).values({ id, username, passwordHash: hash, role, team, mustChangePassword: false, createdAt: at, updatedAt: at })));
      return id;
    };
  }
  let sides: DialectHarness | undefined;
  const h: Harness = {
    dialect: pool ? 'pg' : 'sqlite',
    pool,
    app,
    store,
    get db() {
      return (sides ??= storeSides(pool ? { pool } : { store }));
    },
    clock,
    dir,
    close: () => {
      void app.imports.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
    addUser,
    settled,
    login: async (username, password) => {
      const res = await h.json('POST', '/api/auth/login', { username, password: password ?? (username === 'admin' ? ADMIN_PASSWORD : USER_PASSWORD) });
      if (res.status !== 200) throw new Error(`login ${username} → ${res.status} ${await res.text()}`);
      return ((await res.json()) as { access_token: string }).access_token;
    },
    bearer: (token) => ({ authorization: `Bearer ${token}` }),
    json: async (method, path, body, headers = {}) => {
      await settled();
      return app.request(path, {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
    },
  };
  return h;
}

/**
 * Makes the harness of the running dialect; on 'pg' the file's database is emptied first (a fresh start), unless
 * `keepRows` (a second API over the same database, e.g. another node's: let the first one's `ready` settle first).
 */
export type MakeHarness = (
  overrides?: Partial<ApiDeps>,
  more?: (store: Store, clock: VirtualClock, dir: string, pool: PgPool | null) => Partial<ApiDeps>,
  o?: { keepRows?: boolean },
) => Promise<Harness>;

/**
 * Declares `body` once per dialect, inside `describe('<title> [sqlite|pg]')`: `make()` builds `harness()` or
 * `pgHarness()`. PostgreSQL: one database per file and dialect block (opened on the first `make`, dropped after
 * the block), its tables emptied on each `make` (a few ms), so two harnesses of one test share that database.
 */
export function describeApiDialects(title: string, body: (make: MakeHarness, dialect: ApiDialect) => void, o: { prefix?: string } = {}): void {
  describe.each(API_DIALECTS)(`${title} [%s]`, (dialect) => {
    if (dialect === 'sqlite') {
      body(async (overrides, more) => harness(overrides, more), dialect);
      return;
    }
    let db: MigratedTestDatabase | undefined;
    beforeAll(async () => {
      db = await openMigratedTestDatabase(o.prefix ?? 'api_pg');
    }, 60_000);
    afterAll(() => db?.close());
    // The last harness's users still on their way to PostgreSQL (a test that sent no request) must land before the
    // tables are emptied, or they land in the next test's database and collide with its users.
    let last: Harness | undefined;
    body(async (overrides, more, o = {}) => {
      await last?.settled();
      if (!o.keepRows) await emptyTables(db!.pool);
      return (last = pgHarness(db!.pool, overrides, more));
    }, dialect);
  });
}
