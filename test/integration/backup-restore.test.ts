/**
 * SQLite online backups while a campaign writes CallLogs: the engine dials on the embedded PBX (virtual clock,
 * real SQLite file) and keeps writing during a backup taken page by page; the backup restores (`centralita
 * restore --latest`) to a database that passes integrity_check and holds every CallLog committed before the
 * backup started. Then the schedule: an interval, retention by age, and a failure that is reported, not fatal.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentConfig } from '../../engine/agents/types.js';
import { connectAri } from '../../engine/ari/gateway.js';
import { defaultCallPolicy } from '../../engine/calls/types.js';
import { systemClock, VirtualClock } from '../../engine/clock/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { MemoryLeadSource } from '../../engine/shell/lead-sources.js';
import { Engine } from '../../engine/shell/engine.js';
import { BackupSchedule, backupDatabase, backupFileName, integrityCheckFile, listBackups, openStore } from '../../engine/store/index.js';
import { pbxRigs } from '../support/pbx-rig.js';
import { scriptedAmdSource } from '../support/scripted-amd.js';
import { drive, whileRunning } from '../support/virtual-drive.js';

const newPbx = pbxRigs();
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDir = (name: string): string => {
  const d = mkdtempSync(join(tmpdir(), `centralita-${name}-`));
  dirs.push(d);
  return d;
};

const AGENTS: AgentConfig[] = Array.from({ length: 4 }, (_, i) => ({ id: `${1001 + i}`, kind: 'human', endpoint: `PJSIP/${1001 + i}`, maxConcurrent: 1, wrapUpMs: 1000 }));

describe('online backup while a campaign writes CallLogs', () => {
  it('restores to a sound database holding every CallLog committed before the backup started', async () => {
    const r = await newPbx({ start: Date.UTC(2026, 0, 5, 9), seed: 5, quickHumans: '1555011', name: 'backup' });
    // Bulk first (earlier days' CallLogs), so the copy takes many steps while the campaign keeps writing.
    const fill = r.store.sqlite.transaction(() => {
      for (let i = 0; i < 500; i++) r.store.callLogs.create({ id: `old-${i}`, campaignId: null, leadId: null, phone: `+3491555${String(i).padStart(4, '0')}`, nodeId: 'n0', at: Date.UTC(2025, 11, 1) + i * 1000 });
      r.store.sqlite.prepare("UPDATE call_logs SET notes = ? WHERE id LIKE 'old-%'").run('agent notes '.repeat(340));
    });
    fill();
    const leads = Array.from({ length: 400 }, (_, i) => ({ id: `L${i}`, phone: `+1555011${String(1000 + i).padStart(4, '0')}` }));
    const gateway = await connectAri({ url: r.sim.url, username: r.sim.username, password: r.sim.password, app: 'centralita', clock: systemClock, initialDelayMs: 20, maxDelayMs: 200 });
    const engine = new Engine({
      gateway,
      nodeId: 'n1',
      clock: r.clock,
      logger: silentLogger,
      amd: scriptedAmdSource({ clock: r.clock, host: '127.0.0.1', port: (r.sink.address() as AddressInfo).port }),
      leads: new MemoryLeadSource(leads),
      campaign: { id: 'camp-1', policy: { ...defaultCallPolicy, ringTimeoutSec: 20, agentWaitMs: 2000, safeHarborMedia: 'sound:beep', playbackGuardMs: 10_000 }, endpointFor: (p) => `PJSIP/${p}@trunk` },
      agents: AGENTS,
      concurrency: 8,
      callLogs: r.store.callLogs,
      bootId: 'b1',
      tickMs: 200,
    });
    await whileRunning(r.clock, engine.start());
    const campaignRows = () => r.store.callLogs.list({ campaignId: 'camp-1', limit: 10_000 });
    await drive(r.clock, () => campaignRows().length >= 12, 3600_000);

    // What was committed when the backup started: every row, with its state then.
    const before = new Map(campaignRows().map((x) => [x.id, x]));
    const backups = tempDir('backups');
    const backup = backupDatabase(r.store.sqlite, backups, r.clock.now(), { pagesPerStep: 2 });
    await whileRunning(r.clock, backup);
    const during = campaignRows().filter((x) => !before.has(x.id)).length;
    const updatedDuring = campaignRows().filter((x) => before.has(x.id) && x.endedAt !== before.get(x.id)!.endedAt).length;
    // The campaign really wrote while the copy was being made.
    expect(during + updatedDuring).toBeGreaterThan(0);
    await whileRunning(r.clock, engine.stop({ timeoutMs: 60_000 }));

    // `centralita restore --latest` into a new DB_PATH.
    const target = join(tempDir('restored'), 'data', 'centralita.db');
    const saved = { ...process.env };
    Object.assign(process.env, { DB_PATH: target, BACKUP_DIR: backups });
    let code: number;
    try {
      const { run } = await import('../../app/backup/restore-command.js');
      code = await run(['--latest']);
    } finally {
      process.env = saved;
    }
    expect(code).toBe(0);
    expect(integrityCheckFile(target)).toEqual([]);
    const restored = new Database(target, { readonly: true });
    try {
      const ids = new Set((restored.prepare("SELECT id FROM call_logs WHERE campaign_id = 'camp-1'").all() as { id: string }[]).map((x) => x.id));
      expect([...before.keys()].filter((id) => !ids.has(id))).toEqual([]);
      expect((restored.prepare("SELECT count(*) AS n FROM call_logs WHERE id LIKE 'old-%'").get() as { n: number }).n).toBe(500);
      // The restored file is a whole database: the store opens it (migrations up to date) and reads it.
    } finally {
      restored.close();
    }
    const reopened = openStore(target);
    expect(reopened.callLogs.list({ campaignId: 'camp-1', limit: 10_000 }).length).toBeGreaterThanOrEqual(before.size);
    reopened.close();
  }, 60_000);
});

describe('the backup schedule', () => {
  it('backs up every interval, deletes backups older than the retention, and reports a failure without stopping', async () => {
    const dir = tempDir('sched');
    const store = openStore(join(dir, 'c.db'));
    const clock = new VirtualClock(Date.UTC(2026, 0, 5, 0));
    const backups = join(dir, 'backups');
    // A file that only looks like a backup, taken 10 days ago: retention removes it; a foreign file stays.
    const old = backupFileName(clock.now() - 10 * 86_400_000);
    writeFileSync(join(dir, 'placeholder'), '');
    const schedule = new BackupSchedule({ sqlite: store.sqlite, dir: backups, intervalMinutes: 12 * 60, keepDays: 1, clock, logger: silentLogger });
    try {
      const { mkdirSync } = await import('node:fs');
      mkdirSync(backups, { recursive: true });
      writeFileSync(join(backups, old), 'x');
      writeFileSync(join(backups, 'notes.txt'), 'keep me');
      expect(schedule.status()).toMatchObject({ configured: true, dir: backups, lastBackupAt: null, lastError: null });
      schedule.start();
      await schedule.runNow(); // joins the one taken at start
      expect(schedule.status().lastBackupAt).toBe(new Date(clock.now()).toISOString());
      for (let i = 0; i < 6; i++) {
        clock.advance(12 * 3600_000);
        await schedule.runNow(); // joins the backup the interval started
      }
      // Three days of backups (at start, then every 12 h), one day kept: the last three (taken at +48 h, +60 h, +72 h; +48 h is
      // exactly one day old when the last runs, kept), the old one gone, the foreign file untouched.
      const names = listBackups(backups).map((b) => b.name);
      expect(names).toEqual([72, 60, 48].map((h) => backupFileName(Date.UTC(2026, 0, 5, 0) + h * 3600_000)));
      expect(readdirSync(backups)).toContain('notes.txt');
      expect(schedule.status().lastBackupAt).toBe(new Date(Date.UTC(2026, 0, 8, 0)).toISOString());
      for (const b of names) expect(integrityCheckFile(join(backups, b))).toEqual([]);

      // The folder becomes unusable (a file in its place): the failure is kept for /health, nothing throws.
      rmSync(backups, { recursive: true });
      writeFileSync(backups, 'not a folder');
      clock.advance(12 * 3600_000);
      expect(await schedule.runNow()).toBeNull();
      expect(schedule.status()).toMatchObject({ lastBackupAt: new Date(Date.UTC(2026, 0, 8, 0)).toISOString(), lastError: expect.stringMatching(/EEXIST|ENOTDIR/) });
      // Fixed: the next interval backs up again and clears the error.
      rmSync(backups);
      clock.advance(12 * 3600_000);
      expect(await schedule.runNow()).not.toBeNull();
      expect(schedule.status()).toMatchObject({ lastBackupAt: new Date(Date.UTC(2026, 0, 9, 0)).toISOString(), lastError: null });
    } finally {
      await schedule.stop();
      store.close();
    }
  });
});
