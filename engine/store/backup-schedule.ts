/**
 * Scheduled online backups: one at start and one every BACKUP_INTERVAL_MINUTES into BACKUP_DIR, then backups older than
 * BACKUP_KEEP_DAYS are deleted. A failure (full disk, a folder that went read-only) never stops the engine: it
 * is logged, kept for /health (`backup.lastError`), and the next interval tries again.
 */
import type { Clock, TimerHandle } from '../clock/index.js';
import type { Logger } from '../log/index.js';
import { backupDatabase, pruneBackups, type BackupResult } from './backup.js';
import type { Sqlite } from './db.js';

export interface BackupStatus {
  configured: boolean;
  dir: string | null;
  intervalMinutes: number | null;
  keepDays: number | null;
  lastBackupAt: string | null;
  lastBackupFile: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

/** How one backup is taken and old ones pruned: SQLite's online backup by default, pg_dump on PostgreSQL. */
export interface BackupTaker {
  backup(dir: string, at: number): Promise<BackupResult>;
  prune(dir: string, keepDays: number, now: number): string[];
}

export interface BackupScheduleOptions {
  /** SQLite: the connection to copy from. */
  sqlite?: Sqlite;
  /** Any other store (PostgreSQL's pg_dump); wins over `sqlite`. */
  taker?: BackupTaker;
  dir: string;
  intervalMinutes: number;
  keepDays: number;
  clock: Clock;
  logger: Logger;
}

export const NO_BACKUPS: BackupStatus = {
  configured: false,
  dir: null,
  intervalMinutes: null,
  keepDays: null,
  lastBackupAt: null,
  lastBackupFile: null,
  lastError: null,
  lastErrorAt: null,
};

export class BackupSchedule {
  private timer: TimerHandle | null = null;
  private running: Promise<BackupResult | null> | null = null;
  private readonly state: BackupStatus;

  private readonly taker: BackupTaker;

  constructor(private readonly o: BackupScheduleOptions) {
    this.state = { ...NO_BACKUPS, configured: true, dir: o.dir, intervalMinutes: o.intervalMinutes, keepDays: o.keepDays };
    const sqlite = o.sqlite;
    if (o.taker) this.taker = o.taker;
    else if (sqlite) this.taker = { backup: (dir, at) => backupDatabase(sqlite, dir, at), prune: pruneBackups };
    else throw new Error('BackupSchedule needs a SQLite connection or a taker');
  }

  /** One backup now (a restart is a good moment for one), then one every interval. */
  start(): void {
    if (this.timer) return;
    this.timer = this.o.clock.setInterval(() => void this.runNow(), this.o.intervalMinutes * 60_000);
    void this.runNow();
  }

  /** Takes a backup now (or joins the one in progress); resolves null when it failed (see status). */
  runNow(): Promise<BackupResult | null> {
    this.running ??= this.take().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  status(): BackupStatus {
    return { ...this.state };
  }

  /** Stops the schedule; waits for a backup in progress. */
  async stop(): Promise<void> {
    if (this.timer) this.o.clock.clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async take(): Promise<BackupResult | null> {
    const at = this.o.clock.now();
    try {
      const r = await this.taker.backup(this.o.dir, at);
      const pruned = this.taker.prune(this.o.dir, this.o.keepDays, this.o.clock.now());
      this.state.lastBackupAt = new Date(at).toISOString();
      this.state.lastBackupFile = r.file;
      this.state.lastError = null;
      this.o.logger.info({ file: r.file, bytes: r.bytes, ms: r.ms, pruned: pruned.length }, 'database backup taken');
      return r;
    } catch (err) {
      this.state.lastError = (err as Error).message;
      this.state.lastErrorAt = new Date(this.o.clock.now()).toISOString();
      this.o.logger.warn({ err, dir: this.o.dir }, 'database backup failed; the next one is tried at the next interval');
      return null;
    }
  }
}
