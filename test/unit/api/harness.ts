import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiApp, type ApiApp, type ApiDeps } from '../../../api/app.js';
import { overallStatus, type HealthReport } from '../../../api/health/report.js';
import { hashPasswordSync } from '../../../api/auth/passwords.js';
import type { Role } from '../../../engine/store/schema/users.js';
import { VirtualClock } from '../../../engine/clock/index.js';
import { silentLogger } from '../../../engine/log/logger.js';
import { NO_BACKUPS, openStore, UsersRepo, type Store } from '../../../engine/store/index.js';

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
  app: ApiApp;
  store: Store;
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
}

let userHash: string | undefined;
const userPasswordHash = (): string => (userHash ??= hashPasswordSync(USER_PASSWORD));

/** A real app over a real SQLite file in a temp dir, with a virtual clock. */
export function harness(overrides: Partial<ApiDeps> = {}, more?: (store: Store, clock: VirtualClock, dir: string) => Partial<ApiDeps>): Harness {
  const dir = mkdtempSync(join(tmpdir(), 'centralita-api-'));
  const store = openStore(join(dir, 'db.sqlite'));
  const clock = new VirtualClock(Date.UTC(2026, 0, 5, 9, 0, 0));
  const app = createApiApp({
    health: () => healthReport(),
    store,
    clock,
    logger: silentLogger,
    config: { NODE_ID: 'node-test', JWT_SECRET: 'x'.repeat(40), ADMIN_PASSWORD },
    ...overrides,
    ...more?.(store, clock, dir),
  });
  // One scrypt hash reused for every test user of the file: hashing per user (or per harness: ~0.1–0.2 s of CPU each on a
  // loaded CI machine) would make suites slow for nothing. Logins still verify it through scrypt as the product does.
  const hash = userPasswordHash();
  const users = new UsersRepo(store.db);
  const h: Harness = {
    app,
    store,
    clock,
    dir,
    close: () => {
      void app.imports.close();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
    // Straight into the SQLite store the app's default auth store reads (synchronous, so tests add users in one line).
    addUser: (username, role, team = null) => users.create({ username, passwordHash: hash, role, team, at: clock.now() }).id,
    login: async (username, password) => {
      const res = await h.json('POST', '/api/auth/login', { username, password: password ?? (username === 'admin' ? ADMIN_PASSWORD : USER_PASSWORD) });
      if (res.status !== 200) throw new Error(`login ${username} → ${res.status} ${await res.text()}`);
      return ((await res.json()) as { access_token: string }).access_token;
    },
    bearer: (token) => ({ authorization: `Bearer ${token}` }),
    json: (method, path, body, headers = {}) =>
      Promise.resolve(
        app.request(path, {
          method,
          headers: { 'content-type': 'application/json', ...headers },
          body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        }),
      ),
  };
  return h;
}
