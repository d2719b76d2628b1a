/**
 * Backups of a PostgreSQL call center (#18) on real databases of this test's own: `centralita backup` dumps
 * DATABASE_URL with pg_dump (custom format) and `centralita restore` puts the dump into a new, empty database —
 * every table's rows equal after — and refuses a database that is not empty, writing nothing. The schedule on a
 * virtual clock: an interval, retention by age, and failures (pg_dump missing, pg_dump failing, a folder that is
 * a file) reported for /health, never thrown. The password reaches pg_dump only in its environment.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VirtualClock } from '../../engine/clock/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { BackupSchedule, backupFileName, listBackups, pruneBackups } from '../../engine/store/index.js';
import { dumpPg, pgTables } from '../../engine/store/pg/index.js';
import { createTestDatabase, openMigratedTestDatabase, type MigratedTestDatabase, type TestDatabase } from '../support/pg-database.js';
import pg from 'pg';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = (name: string): string => {
  const d = mkdtempSync(join(tmpdir(), `pg-ops-${name}-`));
  dirs.push(d);
  return d;
};

/** `node bin/centralita.mjs <args>` with only the given environment (and PATH), bounded in time. */
function cli(args: string[], env: Record<string, string>) {
  const r = spawnSync(process.execPath, ['bin/centralita.mjs', ...args], {
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every product table's rows, in a stable order: what must be equal after a restore. */
async function contents(url: string): Promise<Record<string, unknown[]>> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const out: Record<string, unknown[]> = {};
    for (const t of pgTables()) out[t.name] = (await c.query(`select * from "${t.name}" order by 1`)).rows;
    return out;
  } finally {
    await c.end();
  }
}

describe('PostgreSQL backup and restore', () => {
  let source: MigratedTestDatabase;
  const extra: TestDatabase[] = [];
  beforeAll(async () => {
    source = await openMigratedTestDatabase('pg_ops_bk');
    for (let i = 0; i < 50; i++) {
      await source.pool.query(`insert into agents (id, kind, name, endpoint, created_at) values ($1, 'human', $2, $3, $4)`, [`ag-${i}`, `Agente ñ ${i}`, `PJSIP/${1000 + i}`, 1_796_000_000_000 + i]);
    }
  });
  afterAll(async () => {
    await source?.close();
    for (const d of extra) await d.drop();
  }, 30_000);

  it('`centralita backup` dumps DATABASE_URL; `centralita restore --latest` fills an empty database with equal rows, and refuses one that is not empty', async () => {
    const dir = tempDir('cli');
    const b = cli(['backup'], { DATABASE_URL: source.url, BACKUP_DIR: dir, DB_PATH: join(dir, 'unused.db') });
    expect(b.stderr).toBe('');
    expect(b.code).toBe(0);
    const dumps = listBackups(dir, 'pgdump');
    expect(dumps).toHaveLength(1);
    expect(b.stdout).toContain(dumps[0]!.name);
    // The SQLite file was never opened: the backup is of PostgreSQL only.
    expect(readdirSync(dir)).toEqual([dumps[0]!.name]);

    const target = await createTestDatabase('pg_ops_restored');
    extra.push(target);
    const r = cli(['restore', '--latest'], { DATABASE_URL: target.url, BACKUP_DIR: dir, DB_PATH: join(dir, 'unused.db') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const restored = await contents(target.url);
    expect(restored['agents']).toHaveLength(50);
    expect(restored).toEqual(await contents(source.url));

    // Restoring again into the now-full database (or into the live one) is refused before anything is written.
    const again = cli(['restore', '--from', join(dir, dumps[0]!.name)], { DATABASE_URL: source.url, DB_PATH: join(dir, 'unused.db') });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^restore refused: the target database is not empty \(\d+ tables\)/);
    expect((await contents(source.url))['agents']).toHaveLength(50);
  }, 120_000);

  it('keeps the password out of pg_dump\'s arguments and out of its error, and reports a failing pg_dump', async () => {
    const dir = tempDir('fake');
    // A stand-in pg_dump that records what it was given and fails the way pg_dump does, echoing the password.
    const fake = join(dir, 'pg_dump');
    writeFileSync(fake, `#!/bin/sh\necho "$@" > "${dir}/args"\necho "$PGPASSWORD" > "${dir}/env"\necho "pg_dump: error: connection failed: password $PGPASSWORD rejected" >&2\nexit 1\n`);
    chmodSync(fake, 0o755);
    const url = 'postgres://centralita:S3cret%2Fpw@127.0.0.1:5432/callcenter';
    await expect(dumpPg(url, join(dir, 'out'), Date.UTC(2026, 0, 5), { pgDump: fake })).rejects.toThrow(/^pg_dump failed \(exit 1\): pg_dump: error: connection failed: password \*\*\* rejected$/);
    expect(readFileSync(join(dir, 'args'), 'utf8')).not.toContain('S3cret');
    expect(readFileSync(join(dir, 'env'), 'utf8').trim()).toBe('S3cret/pw');
    // No half-written dump is left under a backup's name.
    expect(listBackups(join(dir, 'out'), 'pgdump')).toEqual([]);
  });

  it('backs up every interval, deletes dumps older than the retention, and reports pg_dump missing or failing without stopping', async () => {
    const dir = tempDir('sched');
    const clock = new VirtualClock(Date.UTC(2026, 0, 5, 0));
    const backups = join(dir, 'backups');
    mkdirSync(backups);
    // A dump taken 10 days ago: retention removes it; a foreign file stays.
    writeFileSync(join(backups, backupFileName(clock.now() - 10 * 86_400_000, 'pgdump')), 'x');
    writeFileSync(join(backups, 'notes.txt'), 'keep me');
    let pgDump = 'pg_dump';
    let url = source.url;
    const schedule = new BackupSchedule({
      taker: { backup: (d, at) => dumpPg(url, d, at, { pgDump }), prune: pruneBackups },
      dir: backups,
      intervalMinutes: 12 * 60,
      keepDays: 1,
      clock,
      logger: silentLogger,
    });
    try {
      schedule.start();
      await schedule.runNow(); // joins the one taken at start
      for (let i = 0; i < 6; i++) {
        clock.advance(12 * 3600_000);
        await schedule.runNow();
      }
      const names = listBackups(backups, 'pgdump').map((b) => b.name);
      expect(names).toEqual([72, 60, 48].map((h) => backupFileName(Date.UTC(2026, 0, 5, 0) + h * 3600_000, 'pgdump')));
      expect(readdirSync(backups)).toContain('notes.txt');
      expect(schedule.status()).toMatchObject({ configured: true, dir: backups, lastBackupAt: new Date(Date.UTC(2026, 0, 8, 0)).toISOString(), lastError: null });

      // pg_dump not installed: said as such, nothing thrown, the last good backup still shown.
      pgDump = join(dir, 'no-such-pg_dump');
      clock.advance(12 * 3600_000);
      expect(await schedule.runNow()).toBeNull();
      expect(schedule.status()).toMatchObject({ lastBackupAt: new Date(Date.UTC(2026, 0, 8, 0)).toISOString(), lastError: 'pg_dump not found on this machine: install the PostgreSQL client tools (postgresql-client)' });

      // pg_dump failing (the database went away): its own message, reported.
      pgDump = 'pg_dump';
      url = source.url.replace(/\/[^/]+$/, '/pg_ops_no_such_database');
      clock.advance(12 * 3600_000);
      expect(await schedule.runNow()).toBeNull();
      expect(schedule.status().lastError).toMatch(/^pg_dump failed \(exit 1\): .*pg_ops_no_such_database/);

      // The folder becomes a file: reported too.
      url = source.url;
      rmSync(backups, { recursive: true });
      writeFileSync(backups, 'not a folder');
      clock.advance(12 * 3600_000);
      expect(await schedule.runNow()).toBeNull();
      expect(schedule.status().lastError).toMatch(/EEXIST|ENOTDIR/);

      // Fixed: the next interval dumps again and clears the error.
      rmSync(backups);
      clock.advance(12 * 3600_000);
      expect(await schedule.runNow()).not.toBeNull();
      expect(schedule.status()).toMatchObject({ lastBackupAt: new Date(Date.UTC(2026, 0, 10, 0)).toISOString(), lastError: null });
    } finally {
      await schedule.stop();
    }
  }, 120_000);
});
