import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportCallResults, exportLeads, importLeads, ImportError, type ImportProgress } from '../../engine/lead-files/index.js';
import { openStore, type Store } from '../../engine/store/index.js';

let dir: string;
let store: Store;
const AT = Date.UTC(2026, 2, 2, 14, 0, 0);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'centralita-import-'));
  store = openStore(join(dir, 'c.db'));
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

/** National number of the i-th good lead: 8-digit Kölbi mobiles 83xxxxxx–84xxxxxx, all distinct. */
const nat = (i: number): string => String(83_000_000 + i);

describe('100k-row CSV import', () => {
  it('keeps every good row and reports each bad one with its line number', async () => {
    store.campaigns.create('big', { name: 'big' }, AT);
    // 40 numbers already in the campaign: their rows in the file must be rejected as duplicates.
    store.leads.insertMany(
      Array.from({ length: 40 }, (_, k) => ({ campaignId: 'big', phoneE164: `+506${nat(k * 2500 + 7)}`, phoneRaw: nat(k * 2500 + 7) })),
      AT,
    );
    const preexisting = new Set(Array.from({ length: 40 }, (_, k) => k * 2500 + 7));

    const ROWS = 100_000;
    const path = join(dir, 'big.csv');
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
    const result = await importLeads(store, {
      campaignId: 'big',
      input: path,
      at: AT,
      onProgress: (p) => {
        progress.push(p);
        const running = store.importJobs.list('big')[0];
        if (running?.status === 'running') storedErrorsAtProgress.push(running.errors.length - p.rejected);
      },
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
    const stored = new Set(store.sqlite.prepare("select phone_e164 from leads where campaign_id = 'big'").pluck().all() as string[]);
    expect([...good].filter((p) => !stored.has(p))).toEqual([]);
    expect(stored.size).toBe(good.size + 40);
    // Quoted names with commas survive; raw input is kept; priority and zone derived.
    const sampleId = store.sqlite.prepare('select id from leads where phone_e164 = ?').pluck().get(`+506${nat(50)}`) as string;
    const sample = store.leads.get(sampleId)!;
    expect(sample).toMatchObject({ name: 'Mora, Ana 50', phoneRaw: `00506-${nat(50)}`, priority: 1, timeZone: 'America/Costa_Rica', custom: { plan: 'plan-2' } });
    // Progress: several callbacks, monotonic, with a total known up front.
    expect(progress.length).toBeGreaterThan(20);
    for (let k = 1; k < progress.length; k++) expect(progress[k]!.processed).toBeGreaterThanOrEqual(progress[k - 1]!.processed);
    expect(progress[0]!.total).toBe(ROWS);
    expect(progress.at(-1)).toMatchObject({ processed: ROWS, accepted: good.size });
    const job = store.importJobs.get(result.jobId)!;
    expect(job).toMatchObject({ status: 'done', processed: ROWS, accepted: good.size, rejected: expectedBad.size, fileName: 'big.csv' });
    expect(job.errors).toHaveLength(expectedBad.size);
    expect(storedErrorsAtProgress.length).toBeGreaterThan(20);
    expect(storedErrorsAtProgress.every((d) => d === 0)).toBe(true);
    console.log(`100k import: ${Math.round(ms)} ms, ${result.accepted} accepted, ${result.rejected} rejected`);
  }, 60_000);
});

describe('Spanish headers, delimiters and explicit mapping', () => {
  it('reads a semicolon CSV with accented Spanish headers, BOM and CRLF', async () => {
    store.campaigns.create('es', { name: 'es', defaultCountry: 'CR' }, AT);
    const path = join(dir, 'es.csv');
    writeFileSync(
      path,
      '\uFEFFTeléfono Móvil;Nombre;Apellidos;Ciudad;Prioridad;Zona Horaria;Correo Electrónico;Segmento\r\n' +
        '8888-7777;José;Pérez Mora;San José;1;;jose@example.com;oro\r\n' +
        '+34 612 345 678;Lucía;García;Madrid;;;;plata\r\n' +
        '+1 (212) 555-0101;John;Smith;New York;4;;;\r\n' +
        '2222-3333;Fijo;Tico;Cartago;2;;no-es-correo;\r\n' +
        ';;;;;;;\r\n',
    );
    const r = await importLeads(store, { campaignId: 'es', input: path, at: AT });
    expect(r.mapping.fields).toMatchObject({ phone: 0, name: 1, lastName: 2, city: 3, priority: 4, timeZone: 5, email: 6 });
    expect(r.errors).toEqual([{ line: 5, reason: 'invalid email "no-es-correo"' }]);
    expect(r.blank).toBe(1);
    const byPhone = new Map(store.leads.list({ campaignId: 'es' }).map((l) => [l.phoneE164, l]));
    expect(byPhone.get('+50688887777')).toMatchObject({ name: 'José Pérez Mora', city: 'San José', priority: 1, email: 'jose@example.com', timeZone: 'America/Costa_Rica', phoneRaw: '8888-7777', custom: { Segmento: 'oro' } });
    expect(byPhone.get('+34612345678')).toMatchObject({ timeZone: 'Europe/Madrid', priority: 3 });
    expect(byPhone.get('+12125550101')).toMatchObject({ timeZone: 'America/New_York', priority: 4 });
  });

  it('honours an explicit mapping and fails clearly without a phone column', async () => {
    store.campaigns.create('map', { name: 'map' }, AT);
    const path = join(dir, 'map.csv');
    writeFileSync(path, 'contact_no,who,where\n8777 1234,Ana,Heredia\n');
    await expect(importLeads(store, { campaignId: 'map', input: path, at: AT })).rejects.toThrow(ImportError);
    const r = await importLeads(store, { campaignId: 'map', input: path, at: AT, mapping: { phone: 'contact_no', name: 'who', city: 2 } });
    expect(r.accepted).toBe(1);
    expect(store.leads.list({ campaignId: 'map' })[0]).toMatchObject({ phoneE164: '+50687771234', name: 'Ana', city: 'Heredia', custom: {} });
    expect(store.importJobs.list('map').map((j) => j.status).sort()).toEqual(['done', 'failed']);
  });
});

describe('a failed import as a poller sees it', () => {
  it('is never failed without its reason: the job turns failed and gets its message in one write', async () => {
    // The API polls the job from another thread while the import worker writes it: read the row after every write
    // of the importer, as such a poll could.
    store.campaigns.create('torn', { name: 'torn' }, AT);
    const path = join(dir, 'no-phone.csv');
    writeFileSync(path, 'who,where\nAna,Heredia\n');
    const seen: Array<{ status: string; message: string | null }> = [];
    const jobs = store.importJobs;
    const originals = { finish: jobs.finish, setStatus: jobs.setStatus, setMessage: jobs.setMessage };
    const watch =
      <A extends unknown[]>(write: (...a: A) => void) =>
      (...a: A): void => {
        write.apply(jobs, a);
        const row = jobs.list('torn')[0];
        if (row) seen.push({ status: row.status, message: row.message });
      };
    Object.assign(jobs, { finish: watch(originals.finish), setStatus: watch(originals.setStatus), setMessage: watch(originals.setMessage) });
    try {
      await expect(importLeads(store, { campaignId: 'torn', input: path, at: AT })).rejects.toThrow(/no phone column/);
    } finally {
      Object.assign(jobs, originals);
    }
    expect(seen.some((r) => r.status === 'failed')).toBe(true);
    expect(seen.filter((r) => r.status === 'failed' && r.message === null)).toEqual([]);
    expect(store.importJobs.list('torn')[0]!.message).toMatch(/no phone column.*nothing was imported/);
  });
});

describe('XLSX import and export round trip', () => {
  it('imports a workbook with Spanish headers, exports CSV and XLSX, and re-imports the XLSX unchanged', async () => {
    store.campaigns.create('x1', { name: 'x1' }, AT);
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Hoja1');
    ws.addRow(['Celular', 'Nombre', 'Ciudad', 'Prioridad', 'Correo', 'Plan']);
    ws.addRow([88887777, 'Ana Mora', 'San José', 2, 'ana@example.com', 'oro']); // phone as a number cell
    ws.addRow(['+506 7012-3456', { richText: [{ text: 'Luis ' }, { text: 'Rojas' }] }, 'Cartago', 5, null, 'plata']);
    ws.addRow([]);
    ws.addRow(['12', 'Malo', 'Limón', 1, null, null]);
    ws.addRow(['6123 4567', 'Sofía Vargas', 'Heredia', null, null, 'bronce']);
    ws.addRow(['8888-7777', 'Ana otra vez', 'San José', 1, null, null]);
    const xlsxIn = join(dir, 'in.xlsx');
    await wb.xlsx.writeFile(xlsxIn);

    const r = await importLeads(store, { campaignId: 'x1', input: xlsxIn, at: AT });
    expect(r.accepted).toBe(3);
    expect(r.errors.map((e) => [e.line, e.reason.split(' ')[0]])).toEqual([
      [5, 'invalid'],
      [7, 'duplicate:'],
    ]);
    const leads = store.leads.list({ campaignId: 'x1' });
    expect(leads.find((l) => l.phoneE164 === '+50670123456')).toMatchObject({ name: 'Luis Rojas', priority: 5, custom: { Plan: 'plata' } });

    // Results for the export: one attempt done.
    const ana = leads.find((l) => l.phoneE164 === '+50688887777')!;
    store.campaigns.command('x1', 'start', AT);
    store.leads.completeAttempt(ana.id, 'BUSY', AT + 1000);

    const csvOut = join(dir, 'out.csv');
    const xlsxOut = join(dir, 'out.xlsx');
    expect(await exportLeads(store, 'x1', 'csv', csvOut)).toBe(3);
    expect(await exportLeads(store, 'x1', 'xlsx', xlsxOut)).toBe(3);
    const csvText = readFileSync(csvOut, 'utf8');
    expect(csvText.split('\r\n')[0]).toBe('\uFEFFphone,phone_raw,name,city,email,time_zone,priority,status,attempts,last_attempt_at,next_due_at,last_disposition,last_error,synthetic,Plan');
    expect(csvText).toContain('+50688887777,88887777,Ana Mora,San José,ana@example.com,America/Costa_Rica,2,busy,1,2026-03-02T14:00:01.000Z');

    // Re-import both exports into fresh campaigns: same leads, same fields.
    for (const [id, file] of [['x2', xlsxOut], ['x3', csvOut]] as const) {
      store.campaigns.create(id, { name: id }, AT);
      const back = await importLeads(store, { campaignId: id, input: file, at: AT });
      expect(back.errors).toEqual([]);
      const pick = (c: string) =>
        store.leads
          .list({ campaignId: c })
          .map((l) => ({ phone: l.phoneE164, name: l.name, city: l.city, email: l.email, tz: l.timeZone, priority: l.priority, custom: l.custom }))
          .sort((a, b) => a.phone.localeCompare(b.phone));
      expect(pick(id)).toEqual(pick('x1'));
    }
  });

  it('exports call results as CSV', async () => {
    store.callLogs.create({ id: 'r1', campaignId: 'x1', leadId: null, phone: '+50688887777', nodeId: 'n1', at: AT });
    store.callLogs.end('r1', { disposition: 'BUSY', hangupCause: 17, at: AT + 3_000 });
    const out = join(dir, 'calls.csv');
    expect(await exportCallResults(store, 'x1', 'csv', out)).toBe(1);
    const lines = readFileSync(out, 'utf8').trim().split('\r\n');
    expect(lines[1]).toContain('r1,dialer,x1,,+50688887777');
    expect(lines[1]).toContain(',3,BUSY,17,');
  });
});
