/**
 * While an import runs, its rejected rows are written to the job so the person who uploaded can start fixing them.
 * The list used to be rewritten whole after every batch with new rejections: a file where every row is bad cost
 * the square of its length (167 s for 100,000 bad rows on SQLite, measured in a helper's benchmark). The running list
 * is now kept current up to RUNNING_ERRORS_CURRENT rows (a file with a few bad rows shows each at once) and written
 * in doubling steps past it, so all writes together carry at most about twice the rows; the finished job has all.
 * On both dialects (test/support/store-dialects.ts): the job is the lead-imports port's, SQLite's or PostgreSQL's.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { importLeads, RUNNING_ERRORS_CURRENT } from '../../engine/lead-files/index.js';
import type { ImportJobProgress, LeadImports } from '../../engine/store/index.js';
import { describeDialects } from '../support/store-dialects.js';

const AT = Date.UTC(2026, 11, 6, 14, 0, 0);
const ROWS = 20_000;
const dir = mkdtempSync(join(tmpdir(), 'centralita-import-writes-'));
const path = join(dir, 'bad.csv');
writeFileSync(path, 'phone,name\n' + Array.from({ length: ROWS }, (_, i) => `12345,Bad ${i}\n`).join(''));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeDialects(
  'rejected rows of a running import',
  (h) => {
    it('a file of 20,000 bad rows: the running list is written in doubling steps, the finished job holds every row in order', async () => {
      await h.seed.campaign('k', { name: 'k' }, AT);
      const port = h.leadImports;
      const written: number[] = []; // the length of each running list written
      const jobs = port.jobs;
      // The port with its jobs' progress counted (PostgreSQL's port is a class: its methods stay on its prototype).
      const counting: LeadImports = Object.create(port, {
        jobs: {
          value: Object.create(jobs, {
            progress: {
              value: async (id: string, p: ImportJobProgress) => {
                if (p.errors !== undefined) written.push(p.errors.length);
                return jobs.progress(id, p);
              },
            },
          }),
        },
      });

      const r = await importLeads(counting, { campaignId: 'k', input: path, fileName: 'bad.csv', at: AT, jobId: 'job-bad', batchSize: 500 });
      expect(r.accepted).toBe(0);
      expect(r.rejected).toBe(ROWS);
      // Current after every batch while short (500, 1,000); past that each write at least doubles the one before, so
      // together they stay within twice the file plus the short list's writes.
      expect(written.slice(0, 2)).toEqual([500, 1000]);
      for (let i = 1; i < written.length; i++) if (written[i - 1]! >= RUNNING_ERRORS_CURRENT) expect(written[i]).toBeGreaterThanOrEqual(2 * written[i - 1]!);
      expect(written.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2 * ROWS + 2 * RUNNING_ERRORS_CURRENT);
      const job = (await port.jobs.get('job-bad'))!;
      expect(job.status).toBe('done');
      expect(job.errors).toHaveLength(ROWS);
      expect(job.errors.map((e) => e.line)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 2));
    }, 60_000);
  },
  { prefix: 'ct_pg_suite_rejected' },
);
