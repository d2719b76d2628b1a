import { describe, expect, it } from 'vitest';
import { detectColumns, detectDelimiter, foldHeader, parseLeadRow, readCsvRecords, type CsvRecord } from '../../../engine/leads/index.js';

async function records(text: string, chunk: number): Promise<CsvRecord[]> {
  const chunks: Buffer[] = [];
  const bytes = Buffer.from(text);
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  const out: CsvRecord[] = [];
  for await (const r of readCsvRecords(chunks)) out.push(r);
  return out;
}

describe('header detection', () => {
  it('folds case, accents and punctuation', () => {
    expect(foldHeader('  Teléfono_Móvil ')).toBe('telefono movil');
    expect(foldHeader('NÚMERO')).toBe('numero');
  });

  it('recognises English and Spanish headers; other columns become custom fields', () => {
    const r = detectColumns(['Nombre', 'Apellidos', 'Celular', 'Ciudad', 'Prioridad', 'Zona horaria', 'Correo', 'Producto']);
    expect(r).toEqual({
      ok: true,
      mapping: {
        fields: { name: 0, lastName: 1, phone: 2, city: 3, priority: 4, timeZone: 5, email: 6 },
        custom: [{ index: 7, key: 'Producto' }],
      },
    });
    for (const h of ['phone', 'Phone Number', 'TELÉFONO', 'telefono', 'Móvil', 'movil', 'Número', 'mobile', 'cell']) {
      const d = detectColumns(['x', h]);
      expect(d.ok && d.mapping.fields.phone, h).toBe(1);
    }
  });

  it('applies an explicit mapping by header or index, and reports a missing phone column', () => {
    const r = detectColumns(['contact_no', 'who', 'Teléfono'], { phone: 'CONTACT NO', name: 1 });
    expect(r.ok && r.mapping.fields).toEqual({ phone: 0, name: 1 });
    expect(r.ok && r.mapping.custom).toEqual([{ index: 2, key: 'Teléfono' }]);
    expect(detectColumns(['a', 'b'])).toMatchObject({ ok: false });
    expect(detectColumns(['a'], { phone: 'zzz' })).toMatchObject({ ok: false });
  });
});

describe('row parsing', () => {
  const d = detectColumns(['phone', 'first name', 'last name', 'priority', 'email', 'tz', 'notes']);
  if (!d.ok) throw new Error('detect');
  it('builds a lead with derived zone and default priority', () => {
    expect(parseLeadRow(['8888-7777', 'Ana', 'Mora', '', '', '', 'vip'], d.mapping, { defaultCountry: 'CR' })).toEqual({
      ok: true,
      lead: {
        phoneE164: '+50688887777',
        phoneRaw: '8888-7777',
        name: 'Ana Mora',
        city: null,
        email: null,
        timeZone: 'America/Costa_Rica',
        priority: 3,
        custom: { notes: 'vip' },
        synthetic: false,
      },
    });
  });
  it('rejects bad priority, zone and email with a reason', () => {
    const ctx = { defaultCountry: 'CR' };
    expect(parseLeadRow(['88887777', '', '', '0'], d.mapping, ctx)).toMatchObject({ ok: false, reason: expect.stringMatching(/priority/) });
    expect(parseLeadRow(['88887777', '', '', '2.5'], d.mapping, ctx)).toMatchObject({ ok: false });
    expect(parseLeadRow(['88887777', '', '', '', 'nope'], d.mapping, ctx)).toMatchObject({ ok: false, reason: expect.stringMatching(/email/) });
    expect(parseLeadRow(['88887777', '', '', '', '', 'Nowhere/City'], d.mapping, ctx)).toMatchObject({ ok: false, reason: expect.stringMatching(/time zone/) });
  });
});

describe('CSV reader', () => {
  const text =
    'phone,name\n8888 7777,Ana\n88"887777,Bob\n"multi\nline",x\n\n8888 7778,"Ce"x\nlast,1\n"unterminated,2\n8888 7779,Dan\r\n"a ""q"" b",c\r\nz,"end"';
  it('reports malformed records on their line and resumes on the next one, whatever the chunking', async () => {
    const expected: CsvRecord[] = [
      { line: 1, cells: ['phone', 'name'] },
      { line: 2, cells: ['8888 7777', 'Ana'] },
      { line: 3, error: 'quote inside unquoted field 1' },
      { line: 4, cells: ['multi\nline', 'x'] },
      { line: 7, error: 'unexpected "x" after a closing quote in field 2' },
      { line: 8, cells: ['last', '1'] },
      { line: 9, error: 'unexpected "a" after a closing quote in field 1' },
      { line: 10, cells: ['8888 7779', 'Dan'] },
      { line: 11, cells: ['a "q" b', 'c'] },
      { line: 12, cells: ['z', 'end'] },
    ];
    for (const size of [1, 2, 5, 64, 10_000]) expect(await records(text, size), `chunk ${size}`).toEqual(expected);
  });

  it('handles a BOM, semicolons and multi-byte characters split across chunks', async () => {
    const r = await records('\uFEFFteléfono;nombre\n8888-7777;José Ñandú\n', 3);
    expect(r).toEqual([
      { line: 1, cells: ['teléfono', 'nombre'] },
      { line: 2, cells: ['8888-7777', 'José Ñandú'] },
    ]);
    expect(detectDelimiter('a;b;"c,d";e')).toBe(';');
    expect(detectDelimiter('a\tb\tc')).toBe('\t');
    expect(detectDelimiter('phone')).toBe(',');
  });

  it('an unterminated quote at the end of the file is an error, not a lost file', async () => {
    expect(await records('h\n"open\nnext\n', 4)).toEqual([
      { line: 1, cells: ['h'] },
      { line: 2, error: 'unterminated quoted field' },
      { line: 3, cells: ['next'] },
    ]);
  });
});
