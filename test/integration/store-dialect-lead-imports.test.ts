/**
 * The lead imports' port (engine/store `LeadImports`, #18), one body on SQLite and on PostgreSQL
 * (test/support/store-dialects.ts): import jobs are created, advanced, ended in one write (message and spool path
 * with the status) and listed alike; a staged batch skips the numbers its campaign already has (not another
 * campaign's), stores a number on a DNC list that applies as `dnc`, and is never dialled until committed; a discard
 * takes a job's rows back; and the importer itself, run over the port, keeps every good row of a file and reports
 * each bad one by line (duplicates in the file and against the campaign, a bad number, a too-long field) with the
 * same leads and the same report on both. A campaign deleted mid-import fails the job with that message and leaves
 * no row behind. The same expectations on both: a difference fails one dialect.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { DEFAULT_IMPORT_LIMITS, ImportError, importLeads } from '../../engine/lead-files/index.js';
import type { LeadImports, NewLead } from '../../engine/store/index.js';
import { describeDialects, type DialectHarness } from '../support/store-dialects.js';

const T0 = Date.UTC(2026, 2, 3, 15, 0, 0);
const dir = mkdtempSync(join(tmpdir(), 'centralita-dialect-imports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lead = (campaignId: string, phone: string, importJobId: string | null = null): NewLead => ({ campaignId, phoneE164: phone, phoneRaw: phone, importJobId });

function csv(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** The port with `stageBatch` wrapped: `before(n)` runs before the n-th batch (1-based) is written. */
function beforeBatch(port: LeadImports, before: (n: number) => Promise<void>): LeadImports {
  let n = 0;
  const wrapped = Object.create(port) as LeadImports;
  return Object.assign(wrapped, {
    stageBatch: async (rows: readonly NewLead[], at: number) => {
      await before(++n);
      return port.stageBatch(rows, at);
    },
  });
}

const summary = (h: DialectHarness, campaignId: string) =>
  h.read.leads(campaignId).then((ls) => ls.map((l) => `${l.phoneE164} ${l.status} ${l.nextDueAt ?? '-'} ${l.name ?? '-'}`).sort());

describeDialects(
  'lead imports',
  (h) => {
    it('import jobs: created, advanced, ended in one write, listed newest first; unfinished and queue positions per node', async () => {
      const jobs = h.leadImports.jobs;
      await jobs.create('j1', 'k', 'a.csv', T0, { status: 'queued', nodeId: 'n1', spoolPath: '/spool/j1.csv' });
      await jobs.create('j2', 'k', 'b.csv', T0, { status: 'queued', nodeId: 'n1', spoolPath: '/spool/j2.csv' });
      await jobs.create('j3', 'k', 'c.csv', T0 + 1, { status: 'queued', nodeId: 'n2' });
      await jobs.create('j4', 'other', 'd.csv', T0 + 2);
      expect(await jobs.queuePosition((await jobs.get('j2'))!)).toBe(2);
      expect(await jobs.queuePosition((await jobs.get('j3'))!)).toBe(1);
      expect(await jobs.queuePosition((await jobs.get('j4'))!)).toBeNull();

      await jobs.setStatus('j1', 'running');
      await jobs.progress('j1', { processed: 10, accepted: 8, rejected: 2, total: 40, errors: [{ line: 3, reason: 'bad' }] });
      expect(await jobs.get('j1')).toMatchObject({ status: 'running', processed: 10, accepted: 8, rejected: 2, total: 40, errors: [{ line: 3, reason: 'bad' }] });
      expect([...(await jobs.spoolPaths())].sort()).toEqual(['/spool/j1.csv', '/spool/j2.csv']);
      expect((await jobs.unfinished('n1')).map((j) => j.id)).toEqual(['j1', 'j2']);

      await jobs.finish('j1', { status: 'failed', processed: 12, accepted: 0, rejected: 2, errors: [{ line: 3, reason: 'bad' }], at: T0 + 5, message: 'disk full', spoolPath: null });
      expect(await jobs.get('j1')).toMatchObject({ status: 'failed', processed: 12, accepted: 0, total: 12, finishedAt: T0 + 5, message: 'disk full', spoolPath: null });
      expect((await jobs.unfinished('n1')).map((j) => j.id)).toEqual(['j2']);
      // Newest first; the two of one millisecond by id descending (byte order).
      expect((await jobs.list('k')).map((j) => j.id)).toEqual(['j3', 'j2', 'j1']);
      expect(await jobs.get('nope')).toBeUndefined();
    });

    it('stages a batch: the campaign’s numbers skipped, a listed number dnc, nothing dialable until committed; discard takes it back', async () => {
      await h.seed.campaign('k', {}, T0);
      await h.seed.campaign('other', {}, T0);
      await h.seed.leads([lead('k', '+50688880001'), lead('other', '+50688880002')], T0);
      await h.seed.dnc('+50688880003', null, T0); // the internal list: every campaign
      await h.seed.dnc('+50688880004', 'k', T0);
      await h.seed.dnc('+50688880005', 'other', T0); // another campaign's list: not k's
      // (Staged rows have no due time: the hopper only reads rows with one, so they are never leased.)
      expect(await h.campaigns.get('k')).toBeDefined();
      expect(await h.leadImports.campaign('k')).toEqual({ id: 'k', defaultCountry: 'CR' });
      expect(await h.leadImports.campaign('nope')).toBeUndefined();

      const rows = ['+50688880001', '+50688880002', '+50688880003', '+50688880004', '+50688880005'].map((p) => lead('k', p, 'job-a'));
      const inserted = await h.leadImports.stageBatch(rows, T0 + 1);
      expect([...inserted].sort()).toEqual(['+50688880002', '+50688880003', '+50688880004', '+50688880005']);
      expect(await summary(h, 'k')).toEqual([
        `+50688880001 no_selected ${T0} -`,
        '+50688880002 importing - -',
        '+50688880003 dnc - -',
        '+50688880004 dnc - -',
        '+50688880005 importing - -',
      ]);
      expect(await h.leadImports.stagedImportJobs()).toEqual(['job-a']);
      expect(await h.leadImports.countOfImport('job-a')).toBe(4);

      expect(await h.leadImports.commitBatch('job-a', T0 + 3, 1)).toBe(1);
      expect(await h.leadImports.commitBatch('job-a', T0 + 3, 10)).toBe(1);
      expect(await h.leadImports.commitBatch('job-a', T0 + 3, 10)).toBe(0);
      expect((await summary(h, 'k')).filter((s) => !s.startsWith('+50688880001'))).toEqual([
        `+50688880002 no_selected ${T0 + 3} -`,
        '+50688880003 dnc - -',
        '+50688880004 dnc - -',
        `+50688880005 no_selected ${T0 + 3} -`,
      ]);
      expect(await h.leadImports.stagedImportJobs()).toEqual([]);

      await h.leadImports.stageBatch([lead('other', '+50688880009', 'job-b'), lead('other', '+50688880008', 'job-b')], T0 + 4);
      expect(await h.leadImports.discardBatch('job-b', 1)).toBe(1);
      expect(await h.leadImports.discardBatch('job-b', 10)).toBe(1);
      expect(await h.leadImports.discardBatch('job-b', 10)).toBe(0);
      expect((await h.read.leads('other')).map((l) => l.phoneE164)).toEqual(['+50688880002']);
    });

    it('imports a file over the port: every good row kept, each bad one reported by line, the same leads and report on both', async () => {
      await h.seed.campaign('k', {}, T0);
      await h.seed.leads([lead('k', '+50688881000')], T0);
      await h.seed.dnc('+50688881005', null, T0);
      const file = csv('mixed.csv', [
        'phone,name,city',
        '8888 1001,Ana,San José', // 2: good
        '8888-1002,Bruno,Heredia', // 3: good
        '88881001,Ana again,', // 4: duplicate in the file (line 2)
        '8888 1000,Old,', // 5: already in the campaign
        'abc,Nobody,', // 6: not a phone number
        `8888 1006,${'x'.repeat(41)},`, // 7: name too long (limit 40 here)
        '8888 1005,Listed,', // 8: good, on the internal DNC list → dnc
        ',,', // blank: skipped silently
        '8888 1007,Carla,Cartago,extra', // 10: more fields than the header
      ]);
      const progress: number[] = [];
      const r = await importLeads(h.leadImports, {
        campaignId: 'k',
        input: file,
        at: T0 + 10,
        jobId: 'job-mixed',
        batchSize: 2,
        limits: { ...DEFAULT_IMPORT_LIMITS, fieldChars: 40 },
        onProgress: (p) => progress.push(p.processed),
      });
      expect({ processed: r.processed, accepted: r.accepted, rejected: r.rejected, blank: r.blank }).toEqual({ processed: 8, accepted: 3, rejected: 5, blank: 1 });
      expect(r.errors.map((e) => e.line)).toEqual([4, 5, 6, 7, 10]);
      expect(r.errors.map((e) => e.reason).slice(0, 2)).toEqual(['duplicate: +50688881001 already on line 2', 'duplicate: +50688881000 is already in the campaign']);
      expect(r.errors[3]!.reason).toBe('field name: 41 bytes exceeds 40 characters');
      expect(progress.length).toBeGreaterThan(2);
      expect(await summary(h, 'k')).toEqual([
        `+50688881000 no_selected ${T0} -`,
        `+50688881001 no_selected ${T0 + 10} Ana`,
        `+50688881002 no_selected ${T0 + 10} Bruno`,
        '+50688881005 dnc - Listed',
      ]);
      // Custom fields arrive as written, quotes, backslashes and accents included (PostgreSQL: jsonb from a text array).
      const custom = ['phone,plan', '8888 1101,"dijo ""hola"" \\ ñ {x}"'];
      const c = await importLeads(h.leadImports, { campaignId: 'k', input: csv('custom.csv', custom), at: T0 + 11 });
      expect(c.accepted).toBe(1);
      expect((await h.read.leads('k')).find((l) => l.phoneE164 === '+50688881101')!.custom).toEqual({ plan: 'dijo "hola" \\ ñ {x}' });
      const job = await h.leadImports.jobs.get('job-mixed');
      expect(job).toMatchObject({ status: 'done', processed: 8, accepted: 3, rejected: 5, message: null });
      expect(job!.errors).toEqual(r.errors.map((e) => ({ line: e.line, reason: e.reason })));
    });

    it('a campaign deleted mid-import fails the job with that message, and no row of the file is left', async () => {
      await h.seed.campaign('gone', {}, T0);
      const file = csv('gone.csv', ['phone,name', ...Array.from({ length: 9 }, (_, i) => `8888 20${String(i).padStart(2, '0')},L${i}`)]);
      const port = beforeBatch(h.leadImports, async (n) => {
        if (n === 3) expect(await h.campaignCatalog.remove('gone')).toMatchObject({ ok: true });
      });
      const err = await importLeads(port, { campaignId: 'gone', input: file, at: T0, jobId: 'job-gone', batchSize: 2 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImportError);
      expect((err as Error).message).toBe('the campaign was deleted during the import; nothing was imported');
      expect(await h.leadImports.jobs.get('job-gone')).toMatchObject({ status: 'failed', accepted: 0, message: 'the campaign was deleted during the import; nothing was imported' });
      expect(await h.leadImports.countOfImport('job-gone')).toBe(0);
      expect(await h.read.leads('gone')).toEqual([]);
    });
  },
  { prefix: 'pg_import_dialect' },
);
