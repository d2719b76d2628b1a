/**
 * A lead import on PostgreSQL when the database goes away mid-file (#18): a TCP proxy between the import queue's
 * pool and the server refuses every connection after the first batch. The import fails; what it staged cannot be
 * removed nor the job's end written, but nothing of it is dialable (staged rows have status `importing` and no due
 * time) and the job still says it did not finish. When the server answers again, the running queue writes the
 * job's end by itself (it retries); a node stopped before that fails the job at its next start (a new queue, same
 * NODE_ID). Either way the message says nothing was imported and every staged row is removed.
 * Beside it, a file that fits goes through the same queue with the database up: the worker thread writes through
 * the queue's pool (no SQLite anywhere).
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportQueue } from '../../engine/imports/index.js';
import { silentLogger } from '../../engine/log/index.js';
import type { LeadImports, NewLead } from '../../engine/store/index.js';
import { pgCampaignCatalog, pgLeadImports } from '../../engine/store/pg/index.js';
import { useProxiedTestDatabase } from '../support/pg-database.js';
import { until } from '../support/until.js';

const T0 = Date.UTC(2026, 2, 3, 15, 0, 0);
const env = useProxiedTestDatabase('pg_import_outage');
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'centralita-pg-import-outage-'));
  await pgCampaignCatalog(env.direct).create('k', { name: 'k' }, T0);
}, 60_000);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
});

/** The port with a hook before its n-th staged batch (1-based). */
function hooked(port: LeadImports, before: (n: number) => Promise<void>): LeadImports {
  let n = 0;
  return Object.assign(Object.create(port) as LeadImports, {
    stageBatch: async (rows: readonly NewLead[], at: number) => {
      await before(++n);
      return port.stageBatch(rows, at);
    },
  });
}

function spooled(queue: ImportQueue, jobId: string, rows: number, from: number): string {
  const path = queue.spoolPathFor(jobId, 'leads.csv');
  writeFileSync(path, ['phone,name', ...Array.from({ length: rows }, (_, i) => `8${7_000_000 + from + i},L${i}`)].join('\n') + '\n');
  return path;
}

const jobRow = async (id: string) => (await env.direct.query(`select status, accepted, message, spool_path from import_jobs where id = $1`, [id])).rows[0];
const leadsOf = async (jobId: string) =>
  (await env.direct.query(`select status, count(*)::int as n, count(next_due_at)::int as due from leads where import_job_id = $1 group by status`, [jobId])).rows;

describe('lead import on PostgreSQL, the database lost mid-file', () => {
  it('imports through the queue’s pool while the database answers', async () => {
    const queue = new ImportQueue({ imports: pgLeadImports(env.viaProxy), nodeId: 'n-ok', spoolDir: join(dir, 'spool-ok'), logger: silentLogger });
    try {
      await queue.ready;
      const spoolPath = spooled(queue, 'job-ok', 1200, 0);
      await queue.submit({ jobId: 'job-ok', campaignId: 'k', fileName: 'leads.csv', spoolPath, at: T0 });
      await queue.whenFinished('job-ok');
      expect(await jobRow('job-ok')).toMatchObject({ status: 'done', accepted: 1200, message: null, spool_path: null });
      expect(await leadsOf('job-ok')).toEqual([{ status: 'no_selected', n: 1200, due: 1200 }]);
    } finally {
      await queue.close();
    }
  });

  it('leaves nothing dialable while the database is away, and the next start fails the job and removes what it staged', async () => {
    const spoolDir = join(dir, 'spool-out');
    const port = hooked(pgLeadImports(env.viaProxy), async (n) => {
      if (n === 2) await env.proxy.setMode('refuse'); // after 500 rows are staged
    });
    // Its own retry of the job's end is held off for a minute: this test is about the restart, which comes first.
    const first = new ImportQueue({ imports: port, nodeId: 'n-out', spoolDir, logger: silentLogger, endRetryMs: 60_000 });
    await first.ready;
    const spoolPath = spooled(first, 'job-out', 1200, 10_000);
    await first.submit({ jobId: 'job-out', campaignId: 'k', fileName: 'leads.csv', spoolPath, at: T0 });
    await first.whenFinished('job-out');
    await first.close();

    // Neither the rollback nor the job's end could be written: the job still says it did not finish (its progress:
    // the first batch's 500 rows), and those rows are staged — no due time, so no node's hopper ever leases them.
    expect(await jobRow('job-out')).toMatchObject({ status: 'running', accepted: 500 });
    expect(await leadsOf('job-out')).toEqual([{ status: 'importing', n: 500, due: 0 }]);

    await env.proxy.setMode('forward');
    const restarted = new ImportQueue({ imports: pgLeadImports(env.direct), nodeId: 'n-out', spoolDir, logger: silentLogger });
    try {
      await restarted.ready;
      expect(await jobRow('job-out')).toMatchObject({
        status: 'failed',
        accepted: 0,
        message: 'interrupted by a restart before it finished; nothing was imported — send the file again',
        spool_path: null,
      });
      expect(await leadsOf('job-out')).toEqual([]);
    } finally {
      await restarted.close();
    }
  });

  it('writes the failed job’s end by itself once the database answers again, with no restart', async () => {
    const spoolDir = join(dir, 'spool-back');
    const port = hooked(pgLeadImports(env.viaProxy), async (n) => {
      if (n === 2) await env.proxy.setMode('refuse');
    });
    const queue = new ImportQueue({ imports: port, nodeId: 'n-back', spoolDir, logger: silentLogger, endRetryMs: 50 });
    try {
      await queue.ready;
      const spoolPath = spooled(queue, 'job-back', 1200, 20_000);
      await queue.submit({ jobId: 'job-back', campaignId: 'k', fileName: 'leads.csv', spoolPath, at: T0 });
      await queue.whenFinished('job-back');
      expect(await jobRow('job-back')).toMatchObject({ status: 'running', accepted: 500 });

      await env.proxy.setMode('forward');
      // The job's end, then its spool file's release: two writes, waited for together.
      await until(async () => {
        const row = await jobRow('job-back');
        return row?.status === 'failed' && row.spool_path === null ? true : undefined;
      }, 10_000, 50);
      expect(await jobRow('job-back')).toMatchObject({ status: 'failed', accepted: 0, spool_path: null });
      expect((await jobRow('job-back')).message).toMatch(/; nothing was imported$/);
      expect(await leadsOf('job-back')).toEqual([]);
      expect(existsSync(spoolPath)).toBe(false);
    } finally {
      await queue.close();
      await env.proxy.setMode('forward');
    }
  });
});
