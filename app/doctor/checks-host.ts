/** The doctor's checks of this host: the database takes writes, disk space for recordings and backups, Redis. */
import { mkdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pingRedisUrl } from '../../api/live/index.js';
import { openDb, probeWritable } from '../../engine/store/index.js';
import { fail, pass, skip, warn, type CheckResult } from './report.js';

export function checkDatabase(dbPath: string): CheckResult {
  const title = 'database writable';
  try {
    const { sqlite } = openDb(dbPath, { busyTimeoutMs: 3000 });
    try {
      probeWritable(sqlite);
    } finally {
      sqlite.close();
    }
    return pass('database', title, `${dbPath} (a write transaction went through and was rolled back)`);
  } catch (err) {
    return fail('database', title, `${dbPath}: ${(err as Error).message}`, `DB_PATH must be on a local disk the service user can write (the file, its directory, and its -wal/-shm files); \`ls -l ${dbPath}*\``);
  }
}

const GB = 1024 ** 3;
/** A recorded call leg is 8 kHz 16-bit WAV: 57.6 MB an hour. */
const WAV_BYTES_PER_HOUR = 8000 * 2 * 3600;

export function checkDisk(dir: string, what: string, minGb = 1, comfortableGb = 5): CheckResult {
  const title = `disk space for ${what}`;
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, `.doctor-${process.pid}`);
    writeFileSync(probe, 'ok');
    rmSync(probe);
    const s = statfsSync(dir);
    const free = Number(s.bavail) * Number(s.bsize);
    const hours = Math.floor(free / WAV_BYTES_PER_HOUR);
    const shown = `${(free / GB).toFixed(1)} GB free in ${dir} (≈ ${hours.toLocaleString('en-US')} hours of recorded calls)`;
    if (free < minGb * GB) return fail('disk', title, shown, `free space on that disk or point ${what === 'recordings' ? 'RECORDINGS_DIR' : 'BACKUP_DIR'} at a larger one; keep at least ${comfortableGb} GB`);
    if (free < comfortableGb * GB) return warn('disk', title, shown, `keep at least ${comfortableGb} GB free; a full disk stops recordings`);
    return pass('disk', title, shown);
  } catch (err) {
    return fail('disk', title, `${dir}: ${(err as Error).message}`, 'the directory must exist or be creatable, and be writable by the service user');
  }
}

export async function checkRedis(url: string | undefined): Promise<CheckResult> {
  const title = 'Redis';
  if (!url) return skip('redis', title, 'not configured (REDIS_URL unset: one node, no shared live feed)');
  const shown = url.replace(/\/\/[^@/]*@/, '//***@');
  return (await pingRedisUrl(url))
    ? pass('redis', title, `${shown} answers PING`)
    : fail('redis', title, `${shown} does not answer PING within 1 s`, 'start redis-server, check REDIS_URL (host, port, password) and that this host may reach it');
}
