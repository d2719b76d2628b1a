/**
 * The telephony engineer's operations in `npm start` on PostgreSQL (#18), as an operator runs it: the product in a
 * child process on a migrated database of its own. `/api/queues` answers from a followed queue_log (Asterisk's,
 * QUEUE_LOG_SOURCE) as on SQLite — before this, the PostgreSQL product never started the follower and answered 503 —
 * and the engine's own queue_log writer is reported on /health. With BACKUP_DIR the database is dumped with pg_dump
 * at start (the scheduled backups, SQLite's `backup` field of /health in the same shape).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli, type CliProcess } from '../support/cli-process.js';
import { openMigratedTestDatabase, type MigratedTestDatabase } from '../support/pg-database.js';
import { until } from '../support/until.js';

const PASSWORD = 'Telefonia-Colas-2026!';
const BASE_ENV = { HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', RTP_PORT_MIN: '46400', RTP_PORT_MAX: '46499', LOG_LEVEL: 'warn', ADMIN_PASSWORD: PASSWORD };

async function stopChild(p: CliProcess | undefined, ms = 20_000): Promise<void> {
  if (!p || p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const killer = setTimeout(() => p.child.kill('SIGKILL'), ms);
  await p.exited;
  clearTimeout(killer);
}

describe('npm start on PostgreSQL: queue_log follower and backups', () => {
  let db: MigratedTestDatabase;
  let dir: string;
  let product: CliProcess | undefined;

  beforeAll(async () => {
    db = await openMigratedTestDatabase('pg_ops_queues');
    dir = mkdtempSync(join(tmpdir(), 'pg-ops-'));
  });
  afterAll(async () => {
    await stopChild(product);
    await db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 40_000);

  it("answers /api/queues from Asterisk's queue_log (QUEUE_LOG_SOURCE), writes its own queue_log and takes a pg_dump backup (BACKUP_DIR), both on /health", async () => {
    const source = join(dir, 'asterisk_queue_log');
    const t0 = Math.floor(Date.now() / 1000) - 600;
    writeFileSync(
      source,
      [
        `${t0}|NONE|ventas|Ana|ADDMEMBER|`,
        `${t0 + 10}|c1|ventas|NONE|ENTERQUEUE||50688880001|1`,
        `${t0 + 18}|c1|ventas|Ana|CONNECT|8|c1b|3`,
        `${t0 + 20}|c2|ventas|NONE|ENTERQUEUE||50688880002|2`,
        `${t0 + 65}|c2|ventas|NONE|ABANDON|2|2|45`,
        `${t0 + 296}|c1|ventas|Ana|COMPLETECALLER|8|278|1`,
        `${t0 + 300}|c4|ventas|NONE|ENTERQUEUE||50688880004|1`,
        '',
      ].join('\n'),
    );
    const dbPath = join(dir, 'kept.db');
    const backups = join(dir, 'backups');
    product = spawnCli('start', { ...BASE_ENV, DATABASE_URL: db.url, DB_PATH: dbPath, QUEUE_LOG_SOURCE: source, REPORT_TIME_ZONE: 'UTC', BACKUP_DIR: backups });
    const url = await product.waitForLine(/Health: (http:\/\/[^/\s]+)\/health/, 90_000, 'banner');
    const call = async (path: string, token: string | null, method = 'GET', body?: unknown) => {
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(10_000),
      });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };
    const token = (await call('/api/auth/login', null, 'POST', { username: 'admin', password: PASSWORD })).body['access_token'] as string;
    expect(token).toBeTruthy();
    // Auth still guards it.
    expect((await call('/api/queues', null)).status).toBe(401);

    // The tail catches up in the background: the figures appear once it has read the file.
    const queues = await until(async () => {
      const r = await call('/api/queues', token);
      return r.status === 200 && (r.body['queues'] as unknown[]).length > 0 ? r.body : undefined;
    }, 20_000, 250);
    expect(queues['source']).toMatchObject({ file: source });
    expect(queues['in_queue']).toBe(1);
    expect(queues['queues']).toMatchObject([{ name: 'ventas', offered: 3, answered: 1, abandoned: 1 }]);
    const one = await call('/api/queues/ventas', token);
    expect(one.status).toBe(200);
    expect((await call('/api/queues/calls', token)).body['calls']).toMatchObject([{ queue: 'ventas' }]);
    expect((await call('/api/queues/nope', token)).status).toBe(404);

    // The engine's own queue_log (beside DB_PATH, QUEUE_LOG_FILE unset) is open and reported, as on SQLite.
    const health = await call('/health', null);
    expect(health.body['queueLog']).toMatchObject({ ok: true, file: join(dir, 'queue_log'), dropped: 0 });

    // The scheduled backup of the PostgreSQL database, taken at start: a pg_dump file, on /health.
    const backup = await until(async () => {
      const b = (await call('/health', null)).body['backup'] as Record<string, unknown>;
      return b['lastBackupFile'] ? b : undefined;
    }, 30_000, 250);
    expect(backup).toMatchObject({ configured: true, dir: backups, intervalMinutes: 60, keepDays: 14, lastError: null, lastBackupFile: expect.stringMatching(/\/centralita-\d{8}T\d{9}Z\.pgdump$/) });
    expect(readdirSync(backups)).toEqual([basename(backup['lastBackupFile'] as string)]);
  }, 120_000);
});
