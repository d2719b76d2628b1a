import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { exportCallResults, exportLeads, importLeads, ImportError, type ImportProgress } from '../../engine/lead-files/index.js';
import { openStore, type ImportJobRow, type LeadImports } from '../../engine/store/index.js';
import { describeDialects } from '../support/store-dialects.js';

/**
 * Lead files in and out: CSV and XLSX imports (reasons per bad line, Spanish headers, mappings, a failed job as a
 * poller sees it) and exports, on both dialects (test/support/store-dialects.ts) through the ports the API's import
 * worker and export route use. The call-results export (`exportCallResults`, a SQLite-only CLI) stays on SQLite.
 */
const AT = Date.UTC(2026, 2, 2, 14, 0, 0);
const dir = mkdtempSync(join(tmpdir(), 'centralita-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The port with `seen(job)` called after each write of the job's state (progress, status, end), awaited before the
 * importer goes on: what a poll right after that write reads. (PostgreSQL's port is a class: methods on its prototype.)
 */
function watched(port: LeadImports, seen: (job: ImportJobRow | undefined) => void): LeadImports {
  const jobs = port.jobs;
  const after =
    <A extends [string, ...unknown[]]>(write: (...a: A) => Promise<void>) =>
    async (...a: A): Promise<void> => {
      await write.apply(jobs, a);
      seen(await jobs.get(a[0]));
    };
  return Object.create(port, {
    jobs: { value: Object.create(jobs, { progress: { value: after(jobs.progress) }, setStatus: { value: after(jobs.setStatus) }, finish: { value: after(jobs.finish) } }) },
  });
}

/** National number of the i-th good lead: 8-digit Kölbi mobiles 83xxxxxx–84xxxxxx, all distinct. */
const nat = (i: number): string => String(83_000_000 + i);

describeDialects(
  'lead files',
  (h) => {
    // 100,000 rows on SQLite (its import's speed is measured here); 12,000 on PostgreSQL: the same batches of 500, the
    // same kinds of bad row, duplicates across batches and progress — fewer of them (the full file costs ~40 s there).
    it('a large CSV: keeps every good row and reports each bad one with its line number', async () => {
      const ROWS = h.dialect === 'sqlite' ? 100_000 : 12_000;
      const SPACING = ROWS / 40;
      await h.seed.campaign('big', { name: 'big' }, AT);
      // 40 numbers already in the campaign: their rows in the file must be rejected as duplicates.
      await h.seed.leads(
        Array.from({ length: 40 }, (_, k) => ({ campaignId: 'big', phoneE164: `+506${nat(k * SPACING + 7)}`, phoneRaw: nat(k * SPACING + 7) })),
        AT,
      );
      const preexisting = new Set(Array.from({ length: 40 }, (_, k) => k * SPACING + 7));

      const path = join(dir, `big-${h.dialect}.csv`);
      const lines: string[] = [];
      const expectedBad = new Map<number, RegExp>(); // line → reason
      const good = new Set<string>();
      const write = (s: string) => void lines.push(s);
      write('phone,name,city,priority,timezone,plan\n');
      const kinds = [
        { row: () => '12345,Bad Short,San José,3,,basic', reason: /invalid phone number/ },
        { row: () => 'llamar luego,Bad Text,Cartago,3,,basic', reason: /not a phone number/ },
        { row: () => ',No Phone,Heredia,2,,basic', reason: /missing phone number/ },
        { row: (i: number) => `${nat(i)},Bad Priority,Limón,9,,basic`, reason: /priority must be an integer 1–5/ },
        { row: (i: number) => `${nat(i)},Extra,Liberia,1,,basic,surplus`, reason: /has 7 fields, the header has 6/ },
        { row: (i: number) => `83"${nat(i).slice(2)},Stray Quote,Alajuela,1,,basic`, reason: /malformed row: quote inside unquoted field/ },
        { row: (i: number) => `${nat(i)},Bad Zone,Alajuela,1,Mars/Olympus,basic`, reason: /unknown time zone/ },
        { row: (i: number) => `${nat(i)},"Bad ""quote""x,Alajuela,1,,basic`, reason: /malformed row/ },
      ];
      let dupSource = -1;
      for (let i = 0; i < ROWS; i++) {
        const line = i + 2;
        if (i % 331 === 17) {
          const k = kinds[Math.floor(i / 331) % kinds.length]!;
          write(k.row(i) + '\n');
          expectedBad.set(line, k.reason);
          continue;
        }
        if (i % 1009 === 5 && dupSource >= 0) {
          // The same number as an earlier good row, written differently.
          write(`+506 ${nat(dupSource).slice(0, 4)}-${nat(dupSource).slice(4)},Dup,San José,3,,basic\n`);
          expectedBad.set(line, /duplicate: .* already on line \d+/);
          continue;
        }
        if (preexisting.has(i)) {
          write(`${nat(i)},Existing,San José,3,,basic\n`);
          expectedBad.set(line, /already in the campaign/);
          continue;
        }
        // Good rows in three spellings, with a quoted name that contains the delimiter now and then.
        const phone = i % 3 === 0 ? nat(i) : i % 3 === 1 ? `+506 ${nat(i).slice(0, 4)} ${nat(i).slice(4)}` : `00506-${nat(i)}`;
        const name = i % 50 === 0 ? `"Mora, Ana ${i}"` : `Cliente ${i}`;
        write(`${phone},${name},San José,${1 + (i % 5)},${i % 7 === 0 ? 'America/Costa_Rica' : ''},plan-${i % 4}\n`);
        good.add(`+506${nat(i)}`);
        if (dupSource < 0 || i % 1009 === 4) dupSource = i;
      }
      writeFileSync(path, lines.join(''));

      const progress: ImportProgress[] = [];
      const started = performance.now();
      // What someone polling the job sees mid-import: the rejected rows so far, not only their count.
      const storedErrorsAtProgress: number[] = [];
      const port = watched(h.leadImports, (job) => {
        if (job?.status === 'running') storedErrorsAtProgress.push(job.errors.length - job.rejected);
      });
      const result = await importLeads(port, {
        campaignId: 'big',
        input: path,
        fileName: 'big.csv',
        at: AT,
        onProgress: (p) => void progress.push(p),
      });
      const ms = performance.now() - started;

      expect(result.processed).toBe(ROWS);
      expect(result.accepted).toBe(good.size);
      expect(result.rejected).toBe(expectedBad.size);
      expect(result.accepted + result.rejected).toBe(ROWS);
      // Every bad row reported once, on its line, with its reason.
      expect(result.errors.map((e) => e.line)).toEqual([...expectedBad.keys()].sort((a, b) => a - b));
      for (const e of result.errors) expect(e.reason).toMatch(expectedBad.get(e.line)!);
      // Every good row is in the store.
      const bigLeads = await h.read.leads('big');
      const stored = new Set(bigLeads.map((l) => l.phoneE164));
      expect([...good].filter((p) => !stored.has(p))).toEqual([]);
      expect(stored.size).toBe(good.size + 40);
      // Quoted names with commas survive; raw input is kept; priority and zone derived.
      const sample = bigLeads.find((l) => l.phoneE164 === `+506${nat(50)}`)!;
      expect(sample).toMatchObject({ name: 'Mora, Ana 50', phoneRaw: `00506-${nat(50)}`, priority: 1, timeZone: 'America/Costa_Rica', custom: { plan: 'plan-2' } });
      // Progress: several callbacks, monotonic, with a total known up front.
      expect(progress.length).toBeGreaterThan(20);
      for (let k = 1; k < progress.length; k++) expect(progress[k]!.processed).toBeGreaterThanOrEqual(progress[k - 1]!.processed);
      expect(progress[0]!.total).toBe(ROWS);
      expect(progress.at(-1)).toMatchObject({ processed: ROWS, accepted: good.size });
      const job = (await h.leadImports.jobs.get(result.jobId))!;
      expect(job).toMatchObject({ status: 'done', processed: ROWS, accepted: good.size, rejected: expectedBad.size, fileName: 'big.csv' });
      expect(job.errors).toHaveLength(expectedBad.size);
      expect(storedErrorsAtProgress.length).toBeGreaterThan(20);
      expect(storedErrorsAtProgress.every((d) => d === 0)).toBe(true);
      console.log(`${ROWS} rows import (${h.dialect}): ${Math.round(ms)} ms, ${result.accepted} accepted, ${result.rejected} rejected`);
    }, 60_000);
    it('reads a semicolon CSV with accented Spanish headers, BOM and CRLF', async () => {
      await h.seed.campaign('es', { name: 'es', defaultCountry: 'CR' }, AT);
      const path = join(dir, `es-${h.dialect}.csv`);
      writeFileSync(
        path,
        '\uFEFFTeléfono Móvil;Nombre;Apellidos;Ciudad;Prioridad;Zona Horaria;Correo Electrónico;Segmento\r\n' +
          '8888-7777;José;Pérez Mora;San José;1;;jose@example.com;oro\r\n' +
          '+34 612 345 678;Lucía;García;Madrid;;;;plata\r\n' +
          '+1 (212) 555-0101;John;Smith;New York;4;;;\r\n' +
          '2222-3333;Fijo;Tico;Cartago;2;;no-es-correo;\r\n' +
          ';;;;;;;\r\n',
      );
      const r = await importLeads(h.leadImports, { campaignId: 'es', input: path, at: AT });
      expect(r.mapping.fields).toMatchObject({ phone: 0, name: 1, lastName: 2, city: 3, priority: 4, timeZone: 5, email: 6 });
      expect(r.errors).toEqual([{ line: 5, reason: 'invalid email "no-es-correo"' }]);
      expect(r.blank).toBe(1);
      const byPhone = new Map((await h.read.leads('es')).map((l) => [l.phoneE164, l]));
      expect(byPhone.get('+50688887777')).toMatchObject({ name: 'José Pérez Mora', city: 'San José', priority: 1, email: 'jose@example.com', timeZone: 'America/Costa_Rica', phoneRaw: '8888-7777', custom: { Segmento: 'oro' } });
      expect(byPhone.get('+34612345678')).toMatchObject({ timeZone: 'Europe/Madrid', priority: 3 });
      expect(byPhone.get('+12125550101')).toMatchObject({ timeZone: 'America/New_York', priority: 4 });
    });

    it('honours an explicit mapping and fails clearly without a phone column', async () => {
      await h.seed.campaign('map', { name: 'map' }, AT);
      const path = join(dir, `map-${h.dialect}.csv`);
      writeFileSync(path, 'contact_no,who,where\n8777 1234,Ana,Heredia\n');
      await expect(importLeads(h.leadImports, { campaignId: 'map', input: path, at: AT })).rejects.toThrow(ImportError);
      const r = await importLeads(h.leadImports, { campaignId: 'map', input: path, at: AT, mapping: { phone: 'contact_no', name: 'who', city: 2 } });
      expect(r.accepted).toBe(1);
      expect((await h.read.leads('map'))[0]).toMatchObject({ phoneE164: '+50687771234', name: 'Ana', city: 'Heredia', custom: {} });
      expect((await h.leadImports.jobs.list('map')).map((j) => j.status).sort()).toEqual(['done', 'failed']);
    });
    it('is never failed without its reason: the job turns failed and gets its message in one write', async () => {
      // The API polls the job from another thread while the import worker writes it: read the row after every write
      // of the importer, as such a poll could.
      await h.seed.campaign('torn', { name: 'torn' }, AT);
      const path = join(dir, `no-phone-${h.dialect}.csv`);
      writeFileSync(path, 'who,where\nAna,Heredia\n');
      const seen: Array<{ status: string; message: string | null }> = [];
      const port = watched(h.leadImports, (row) => {
        if (row) seen.push({ status: row.status, message: row.message });
      });
      await expect(importLeads(port, { campaignId: 'torn', input: path, at: AT })).rejects.toThrow(/no phone column/);
      expect(seen.some((r) => r.status === 'failed')).toBe(true);
      expect(seen.filter((r) => r.status === 'failed' && r.message === null)).toEqual([]);
      expect((await h.leadImports.jobs.list('torn'))[0]!.message).toMatch(/no phone column.*nothing was imported/);
    });
    it('imports a workbook with Spanish headers, exports CSV and XLSX, and re-imports the XLSX unchanged', async () => {
      await h.seed.campaign('x1', { name: 'x1' }, AT);
      const wb = new ExcelJS.Workbook();
      const ws = wb.addWorksheet('Hoja1');
      ws.addRow(['Celular', 'Nombre', 'Ciudad', 'Prioridad', 'Correo', 'Plan']);
      ws.addRow([88887777, 'Ana Mora', 'San José', 2, 'ana@example.com', 'oro']); // phone as a number cell
      ws.addRow(['+506 7012-3456', { richText: [{ text: 'Luis ' }, { text: 'Rojas' }] }, 'Cartago', 5, null, 'plata']);
      ws.addRow([]);
      ws.addRow(['12', 'Malo', 'Limón', 1, null, null]);
      ws.addRow(['6123 4567', 'Sofía Vargas', 'Heredia', null, null, 'bronce']);
      ws.addRow(['8888-7777', 'Ana otra vez', 'San José', 1, null, null]);
      const xlsxIn = join(dir, `in-${h.dialect}.xlsx`);
      await wb.xlsx.writeFile(xlsxIn);

      const r = await importLeads(h.leadImports, { campaignId: 'x1', input: xlsxIn, at: AT });
      expect(r.accepted).toBe(3);
      expect(r.errors.map((e) => [e.line, e.reason.split(' ')[0]])).toEqual([
        [5, 'invalid'],
        [7, 'duplicate:'],
      ]);
      const leads = await h.read.leads('x1');
      expect(leads.find((l) => l.phoneE164 === '+50670123456')).toMatchObject({ name: 'Luis Rojas', priority: 5, custom: { Plan: 'plata' } });

      // Results for the export: one attempt done.
      const ana = leads.find((l) => l.phoneE164 === '+50688887777')!;
      await h.campaigns.command('x1', 'start', AT);
      await h.hopper.completeAttempt(ana.id, 'BUSY', AT + 1000);

      const csvOut = join(dir, `out-${h.dialect}.csv`);
      const xlsxOut = join(dir, `out-${h.dialect}.xlsx`);
      expect(await exportLeads(h.leadCatalog, 'x1', 'csv', csvOut)).toBe(3);
      expect(await exportLeads(h.leadCatalog, 'x1', 'xlsx', xlsxOut)).toBe(3);
      const csvText = readFileSync(csvOut, 'utf8');
      expect(csvText.split('\r\n')[0]).toBe('\uFEFFphone,phone_raw,name,city,email,time_zone,priority,status,attempts,last_attempt_at,next_due_at,last_disposition,last_error,synthetic,Plan');
      expect(csvText).toContain('+50688887777,88887777,Ana Mora,San José,ana@example.com,America/Costa_Rica,2,busy,1,2026-03-02T14:00:01.000Z');

      // Re-import both exports into fresh campaigns: same leads, same fields.
      for (const [id, file] of [['x2', xlsxOut], ['x3', csvOut]] as const) {
        await h.seed.campaign(id, { name: id }, AT);
        const back = await importLeads(h.leadImports, { campaignId: id, input: file, at: AT });
        expect(back.errors).toEqual([]);
        const pick = async (c: string) =>
          (await h.read.leads(c))
            .map((l) => ({ phone: l.phoneE164, name: l.name, city: l.city, email: l.email, tz: l.timeZone, priority: l.priority, custom: l.custom }))
            .sort((a, b) => a.phone.localeCompare(b.phone));
        expect(await pick(id)).toEqual(await pick('x1'));
      }
    });
  },
  { prefix: 'ct_pg_suite_leads_import' },
);

describe('call results export (SQLite: exportCallResults reads the SQLite store)', () => {
  it('exports call results as CSV', async () => {
    const store = openStore(join(dir, 'calls.db'));
    onTestFinished(() => store.close());
    store.campaigns.create('x1', { name: 'x1' }, AT);
    store.callLogs.create({ id: 'r1', campaignId: 'x1', leadId: null, phone: '+50688887777', nodeId: 'n1', at: AT });
    store.callLogs.end('r1', { disposition: 'BUSY', hangupCause: 17, at: AT + 3_000 });
    const out = join(dir, 'calls.csv');
    expect(await exportCallResults(store, 'x1', 'csv', out)).toBe(1);
    const lines = readFileSync(out, 'utf8').trim().split('\r\n');
    expect(lines[1]).toContain('r1,dialer,x1,,+50688887777');
    expect(lines[1]).toContain(',3,BUSY,17,');
  });
});
