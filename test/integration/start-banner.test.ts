import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../browser/support.js';
import { until } from '../support/until.js';

/**
 * `npm start` on a fresh database: the banner names the web app's URL and the file (0600, beside the database) holding
 * the generated admin password — never the password, which no output line carries; the web app is served on that URL,
 * and the password logs in only to be changed.
 */
describe('centralita start banner', () => {
  it("names the web app URL and the generated first admin password's file, never the password, which must be changed", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'centralita-banner-'));
    const port = await freePort();
    const child = spawn(process.execPath, ['bin/centralita.mjs', 'start'], {
      env: { ...process.env, DB_PATH: join(dir, 'c.db'), HTTP_HOST: '127.0.0.1', HTTP_PORT: String(port), RTP_PORT_MIN: '48000', RTP_PORT_MAX: '48099', LOG_LEVEL: 'info', ADMIN_PASSWORD: '', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      const banner = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner in time: ${out}`)), 60_000);
        child.stderr.on('data', (b: Buffer) => (out += b.toString()));
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
          const line = out.split('\n').find((l) => l.startsWith('Centralita is running'));
          if (line) {
            clearTimeout(timer);
            resolve(line);
          }
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      expect(banner).toContain(`Web app: http://127.0.0.1:${port}/`);
      // No DATABASE_URL: the SQLite default, whose banner says nothing of PostgreSQL (test/integration/start-product-pg.test.ts has that one).
      expect(out).not.toContain('PostgreSQL');
      const file = join(dir, 'initial-admin-password');
      expect(banner).toContain(`first login: user admin, password in ${file} `);
      const password = readFileSync(file, 'utf8').trim();
      expect(password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      // The log (info and up, on the same console; pino writes it asynchronously, after the banner may be out) names
      // the file and never the password.
      await until(() => out.includes(`"file":"${file}"`) || undefined, 10_000, 50);
      expect(out).not.toContain(password);
      const page = await fetch(`http://127.0.0.1:${port}/wallboard`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
      expect(login.status).toBe(200);
      expect(((await login.json()) as { user: { mustChangePassword: boolean } }).user.mustChangePassword).toBe(true);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);
});
