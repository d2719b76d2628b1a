import { request } from 'node:http';
import { afterEach, expect, it } from 'vitest';
import { createApiApp } from '../../api/app.js';
import { listen, type RunningServer } from '../../api/server.js';
import { pgApiPorts } from '../../app/pg/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { ADMIN_PASSWORD, describeApiDialects, healthReport, type Harness } from '../unit/api/harness.js';

/**
 * Issue #11 item 5: five wrong passwords from anywhere used to lock `admin` for 15 minutes against everyone, and a
 * restart did not help the attacker's victims nor hinder the attacker. Over real sockets from distinct loopback
 * addresses (127.0.0.2 = the stranger, 127.0.0.3 = the admin), with the virtual clock standing in for hours. On both
 * dialects (describeApiDialects): the counters are rows of the SQLite file or of PostgreSQL.
 */
let h: Harness | undefined;
const servers: RunningServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  h?.close();
  h = undefined;
});

function login(port: number, from: string, username: string, password: string): Promise<{ status: number; retryAfter: number | null; code: string | null }> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ username, password });
    const req = request(
      { host: '127.0.0.1', port, localAddress: from, method: 'POST', path: '/api/auth/login', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => {
          const retry = res.headers['retry-after'];
          const code = res.statusCode === 200 ? null : ((JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null);
          resolve({ status: res.statusCode ?? 0, retryAfter: retry === undefined ? null : Number(retry), code });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const STRANGER = '127.0.0.2';
const ADMIN_HOME = '127.0.0.3';

describeApiDialects(
  'login throttling cannot be used to hold the admin out',
  (make) => {
    it('a stranger failing for hours slows only themselves; the admin logs in from another address at once, also after a restart', async () => {
      h = await make();
      const first = await listen(h.app, '127.0.0.1', 0);
      servers.push(first);

      // The stranger keeps guessing, waiting out each delay (hours on the virtual clock): 14 wrong passwords.
      let failures = 0;
      let waited = 0;
      const delays: number[] = [];
      while (failures < 14) {
        const r = await login(first.port, STRANGER, 'admin', `guess-${failures}-xyz`);
        if (r.status === 401) failures++;
        else {
          expect(r).toMatchObject({ status: 429, code: 'throttled' });
          delays.push(r.retryAfter!);
          h.clock.advance(r.retryAfter! * 1000);
          waited += r.retryAfter!;
        }
      }
      // Growing delays, doubling from 1 s (no fixed lock of the account).
      expect(delays).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512]);
      // Right now the stranger's address is held back — even with the right password…
      expect(await login(first.port, STRANGER, 'admin', ADMIN_PASSWORD)).toMatchObject({ status: 429, code: 'throttled', retryAfter: 900 });
      // …but the admin, from their own address, gets in at the first try.
      expect((await login(first.port, ADMIN_HOME, 'admin', ADMIN_PASSWORD)).status).toBe(200);
      expect(waited).toBeGreaterThan(1000);

      // A restart (new process state over the same database) neither frees the stranger nor blocks the admin.
      const second = createApiApp({
        health: () => healthReport(),
        store: h.store,
        clock: h.clock,
        logger: silentLogger,
        config: { NODE_ID: 'n2', JWT_SECRET: 'x'.repeat(40), ADMIN_PASSWORD },
        ...(h.pool ? pgApiPorts(h.pool) : {}),
      });
      const restarted = await listen(second, '127.0.0.1', 0);
      servers.push(restarted);
      expect(await login(restarted.port, STRANGER, 'admin', ADMIN_PASSWORD)).toMatchObject({ status: 429, code: 'throttled', retryAfter: 900 });
      expect((await login(restarted.port, ADMIN_HOME, 'admin', ADMIN_PASSWORD)).status).toBe(200);
      expect((await login(restarted.port, '127.0.0.1', 'admin', ADMIN_PASSWORD)).status).toBe(200);
      // The counters are rows in the database, keyed by account and address.
      const rows = (await h.db.read.rows('loginThrottle')).map((r) => ({ key: r.key, failures: r.failures }));
      expect(rows).toEqual([
        { key: `ip:${STRANGER}`, failures: 14 },
        { key: `pair:admin|${STRANGER}`, failures: 14 },
      ]);
    }, 60_000);

    it('password spraying from one address across many accounts is slowed on that address only', async () => {
      h = await make();
      for (const u of ['ana', 'bea']) h.addUser(u, 'agent');
      await h.settled();
      const s = await listen(h.app, '127.0.0.1', 0);
      servers.push(s);
      // 20 different usernames, one guess each: the address's own counter runs out (20 free), the pairs do not.
      for (let i = 0; i < 20; i++) expect((await login(s.port, STRANGER, `user${i}`, 'Winter2026!!')).status).toBe(401);
      expect((await login(s.port, STRANGER, 'user20', 'Winter2026!!')).status).toBe(401); // 21st: 1 s delay from now on
      expect(await login(s.port, STRANGER, 'ana', 'Winter2026!!')).toMatchObject({ status: 429, code: 'throttled', retryAfter: 1 });
      // Everyone else is untouched.
      expect((await login(s.port, ADMIN_HOME, 'admin', ADMIN_PASSWORD)).status).toBe(200);
    }, 60_000);
  },
  { prefix: 'apipg_suite_throttle' },
);
