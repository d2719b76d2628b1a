import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { ImportQueue } from '../../engine/imports/index.js';
import { DEFAULT_IMPORT_LIMITS, importLeads, ImportError, readXlsxRecords } from '../../engine/lead-files/index.js';
import type { CsvRecord } from '../../engine/leads/index.js';
import { silentLogger } from '../../engine/log/logger.js';
import { openStore, type NewLead } from '../../engine/store/index.js';
import { describeDialects } from '../support/store-dialects.js';
import { writeManyEntries, writeSharedStringsBombs, type BombFile } from '../support/xlsx-bomb.js';

/**
 * Issue #11 items 1–2 and issue #10 item 8, at the reader and importer level (real files). The reader's limits need no
 * store; the importer's (over-long fields, staged rows, a restart's reconciliation) run on both dialects through the
 * lead-imports port (test/support/store-dialects.ts); a full disk is SQLite's (SQLITE_FULL; PostgreSQL's refused
 * writes: store-pg-lead-imports-outage.test.ts).
 */
let dir: string;
let bomb: BombFile;
const AT = Date.UTC(2026, 2, 2, 14, 0, 0);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'centralita-limits-'));
  bomb = await writeSharedStringsBombs({ honest: join(dir, 'bomb.xlsx'), lying: join(dir, 'bomb-lying.xlsx') });
}, 60_000);
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function readAll(path: string, limits = DEFAULT_IMPORT_LIMITS): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const batch of readXlsxRecords(path, limits)) out.push(...batch);
  return out;
}

const nat = (i: number): string => String(83_000_000 + i);

describe('XLSX bombs are refused, naming the limit, with bounded memory', () => {
  it('the bomb is what the issue describes: a few MB inflating to over 500 MB of shared strings', () => {
    expect(bomb.compressedBytes).toBeLessThan(4 * 1024 * 1024);
    expect(bomb.inflatedBytes).toBeGreaterThan(500 * 1024 * 1024);
    console.log(`bomb: ${(bomb.compressedBytes / 1024 / 1024).toFixed(1)} MB → ${(bomb.inflatedBytes / 1024 / 1024).toFixed(0)} MB, ${bomb.sharedStrings} shared strings`);
  });

  it('an honest bomb is refused from its zip directory, before anything is inflated', async () => {
    await expect(readAll(join(dir, 'bomb.xlsx'))).rejects.toThrow(/^decompressed size exceeds 256 MB \(the archive declares 506 MB\)$/);
  });

  it('a bomb that lies about its sizes is stopped by the shared-string text, count, or inflated bytes', async () => {
    const heapBefore = process.memoryUsage().heapUsed;
    await expect(readAll(join(dir, 'bomb-lying.xlsx'))).rejects.toThrow(/^shared strings exceed 32 MB of text$/);
    // The table held at most 32 M characters when it stopped.
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(300 * 1024 * 1024);
    await expect(readAll(join(dir, 'bomb-lying.xlsx'), { ...DEFAULT_IMPORT_LIMITS, sharedStrings: 100_000 })).rejects.toThrow(/^shared strings exceed 100,000$/);
    await expect(readAll(join(dir, 'bomb-lying.xlsx'), { ...DEFAULT_IMPORT_LIMITS, decompressedBytes: 16 * 1024 * 1024 })).rejects.toThrow(
      /^decompressed size exceeds 16 MB$/,
    );
  });

  it('refuses archives with too many entries and XML with a DOCTYPE', async () => {
    writeManyEntries(join(dir, 'entries.xlsx'), 1001);
    await expect(readAll(join(dir, 'entries.xlsx'))).rejects.toThrow('zip entries exceed 1,000 (1,001)');
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('a').addRow(['phone']);
    const ok = join(dir, 'plain.xlsx');
    await wb.xlsx.writeFile(ok);
    expect((await readAll(ok)).map((r) => ('cells' in r ? r.cells : r))).toEqual([['phone']]);
    writeFileSync(join(dir, 'not.xlsx'), 'SQLite format 3\0 and more bytes that are not a zip archive');
    await expect(readAll(join(dir, 'not.xlsx'))).rejects.toThrow(/not an XLSX file/);
  });
});

describe('all or nothing on a full disk (SQLite)', () => {
  it('an import that hits a full disk leaves no lead behind and says so', async () => {
    const store = openStore(join(dir, 'full.db'));
    onTestFinished(() => store.close());
    store.campaigns.create('full', { name: 'full' }, AT);
    const path = join(dir, 'full.csv');
    writeFileSync(path, ['phone,name', ...Array.from({ length: 20_000 }, (_, i) => `${nat(i)},Cliente con un nombre largo ${i}`)].join('\n'));
    // A second connection whose database may not grow past a few MB: SQLite answers SQLITE_FULL, like a full disk.
    const small = openStore(store.path, { migrate: false });
    try {
      const pages = small.sqlite.pragma('page_count', { simple: true }) as number;
      small.sqlite.pragma(`max_page_count = ${pages + 200}`);
      const before = (store.sqlite.prepare('select count(*) as n from leads').get() as { n: number }).n;
      const err = await importLeads(small, { campaignId: 'full', input: path, at: AT, jobId: 'job-full' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImportError);
      expect((err as Error).message).toBe('the disk is full; nothing was imported');
      expect((store.sqlite.prepare('select count(*) as n from leads').get() as { n: number }).n).toBe(before);
      expect(store.importJobs.get('job-full')).toMatchObject({ status: 'failed', accepted: 0, message: 'the disk is full; nothing was imported' });
    } finally {
      small.close();
    }
  });
});

describeDialects(
  'the importer over the store',
  (h) => {
    const count = async (c: string, status?: string) => (await h.read.leads(c)).filter((l) => status === undefined || l.status === status).length;

    it('CSV: a 40 MB name on row 17 is rejected with the field named; every other row is imported', async () => {
      await h.seed.campaign('long', { name: 'long' }, AT);
      const path = join(dir, 'long.csv');
      if (!existsSync(path)) {
        const rows = ['phone,name,city'];
        for (let i = 0; i < 30; i++) rows.push(i === 15 ? `${nat(i)},${'N'.repeat(40 * 1024 * 1024)},San José` : `${nat(i)},Cliente ${i},San José`);
        writeFileSync(path, rows.join('\n') + '\n');
      }
      const r = await importLeads(h.leadImports, { campaignId: 'long', input: path, at: AT });
      expect(r.errors).toEqual([{ line: 17, reason: 'field name: 40 MB exceeds 1,024 characters' }]);
      expect(r.accepted).toBe(29);
      expect((await h.read.leads('long')).every((l) => (l.name ?? '').length < 20)).toBe(true);
    });

    it('XLSX: a too-long shared string and a too-long inline cell reject their rows by spreadsheet row', async () => {
      await h.seed.campaign('longx', { name: 'longx' }, AT);
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('Hoja1');
      ws.addRow(['Teléfono', 'Nombre', 'Notas']);
      ws.addRow([88887777, 'Ana', 'ok']);
      ws.addRow([88887778, 'B'.repeat(5000), 'ok']);
      ws.addRow([88887779, 'Carla', 'n'.repeat(2000)]);
      const path = join(dir, `long-${h.dialect}.xlsx`);
      await wb.xlsx.writeFile(path);
      const r = await importLeads(h.leadImports, { campaignId: 'longx', input: path, at: AT });
      expect(r.errors).toEqual([
        { line: 3, reason: 'field Nombre: 4.9 KB exceeds 1,024 characters' },
        { line: 4, reason: 'field Notas: 2 KB exceeds 1,024 characters' },
      ]);
      expect(r.accepted).toBe(1);
    });

    it('staged rows are never dialled: the hopper does not see them until the import commits', async () => {
      await h.seed.campaign('stage', { name: 'stage', callingHours: { start: '00:00', end: '24:00' }, weekdays: [1, 2, 3, 4, 5, 6, 7] }, AT);
      await h.campaigns.command('stage', 'start', AT);
      await h.leadImports.jobs.create('job-stage', 'stage', 's.csv', AT);
      await h.leadImports.stageBatch([{ campaignId: 'stage', phoneE164: `+506${nat(1)}`, phoneRaw: nat(1), importJobId: 'job-stage' }], AT);
      expect(await h.hopper.lease({ campaignId: 'stage', owner: 'n1', now: AT + 1000, limit: 10, leaseMs: 60_000 })).toEqual([]);
      expect(await h.leadImports.commitBatch('job-stage', AT, 500)).toBe(1);
      expect(await h.hopper.lease({ campaignId: 'stage', owner: 'n1', now: AT + 1000, limit: 10, leaseMs: 60_000 })).toHaveLength(1);
    });

    it('a restart completes committing jobs, fails and rolls back running ones, resumes queued ones, and sweeps the spool', async () => {
      const imports = h.leadImports;
      const spool = join(dir, `spool-${h.dialect}`, 'node-r');
      mkdirSync(spool, { recursive: true });
      for (const c of ['r1', 'r2', 'r3', 'r4']) await h.seed.campaign(c, { name: c }, AT);
      const stage = (job: string, campaignId: string, from: number, n: number) =>
        imports.stageBatch(
          Array.from({ length: n }, (_, i): NewLead => ({ campaignId, phoneE164: `+506${nat(from + i)}`, phoneRaw: nat(from + i), importJobId: job })),
          AT,
        );
      // Crashed while reading (running, 300 rows staged), while committing (part committed), and two queued.
      await imports.jobs.create('j-running', 'r1', 'a.csv', AT, { status: 'running', nodeId: 'node-r', spoolPath: join(spool, 'j-running.csv') });
      await stage('j-running', 'r1', 1000, 300);
      await imports.jobs.create('j-commit', 'r2', 'b.csv', AT, { status: 'running', nodeId: 'node-r' });
      await stage('j-commit', 'r2', 2000, 50);
      await imports.jobs.setStatus('j-commit', 'committing');
      expect(await imports.commitBatch('j-commit', AT, 20)).toBe(20);
      const queuedSpool = join(spool, 'j-queued.csv');
      writeFileSync(queuedSpool, `phone,name\n${nat(3000)},Ana\n${nat(3001)},Bea\n`);
      await imports.jobs.create('j-queued', 'r3', 'c.csv', AT, { status: 'queued', nodeId: 'node-r', spoolPath: queuedSpool });
      await imports.jobs.create('j-lost', 'r4', 'd.csv', AT, { status: 'queued', nodeId: 'node-r', spoolPath: join(spool, 'gone.csv') });
      // Another node's job is not ours to touch; litter in our spool is.
      await imports.jobs.create('j-other', 'r4', 'e.csv', AT, { status: 'running', nodeId: 'node-other' });
      writeFileSync(join(spool, 'litter.csv'), 'x');
      mkdirSync(join(spool, 'centralita-import-old'));

      const queue = new ImportQueue({ imports, nodeId: 'node-r', spoolDir: spool, logger: silentLogger });
      await queue.ready;
      await queue.whenFinished('j-queued');
      try {
        expect(await imports.jobs.get('j-running')).toMatchObject({ status: 'failed', message: 'interrupted by a restart before it finished; nothing was imported — send the file again', spoolPath: null });
        expect(await count('r1')).toBe(0);
        expect(await imports.jobs.get('j-commit')).toMatchObject({ status: 'done', message: 'completed after a restart' });
        expect([await count('r2'), await count('r2', 'no_selected')]).toEqual([50, 50]);
        expect(await imports.jobs.get('j-queued')).toMatchObject({ status: 'done', accepted: 2, spoolPath: null });
        expect(await count('r3', 'no_selected')).toBe(2);
        expect(await imports.jobs.get('j-lost')).toMatchObject({ status: 'failed', message: 'the upload was lost in a restart before the import started; send the file again' });
        expect((await imports.jobs.get('j-other'))!.status).toBe('running');
        expect(readdirSync(spool)).toEqual([]);
      } finally {
        await queue.close();
      }
    }, 60_000);
  },
  { prefix: 'ct_pg_suite_import_limits' },
);
