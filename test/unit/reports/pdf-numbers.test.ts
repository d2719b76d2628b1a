/**
 * Numbers in exported PDFs follow the report's language: decimal comma and a point for thousands in Spanish,
 * the reverse in English; durations stay m:ss. Checked on the formatter and on a generated PDF's text (pdftotext).
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { formatCell, formatNumber, writeReportPdf, type ReportDocument } from '../../../engine/reports/index.js';
import { renderPdf } from '../../support/pdf-pages.js';

const OUT = join(tmpdir(), 'centralita-report-pdf');

async function pdfText(lang: 'en' | 'es'): Promise<string> {
  const doc: ReportDocument = {
    lang,
    title: 'Numbers',
    filters: '—',
    generated: '—',
    tables: [{ title: 'Rows', columns: [{ label: 'Queue', align: 'left' }, { label: 'Calls' }, { label: 'SL %' }, { label: 'ASA', kind: 'duration' }], rows: [['sales', 12345, 66.666, 15.67], ['support', 4, 1234.5, 75]] }],
  };
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (c: Buffer) => chunks.push(c));
  await writeReportPdf(doc, out);
  mkdirSync(OUT, { recursive: true });
  return renderPdf(Buffer.concat(chunks), OUT, `numbers-${lang}`).map((p) => p.text).join('\n');
}

describe('PDF numbers in the report language', () => {
  it('formats integers and decimals per language', () => {
    expect(formatNumber(66.666, 'es')).toBe('66,67');
    expect(formatNumber(1234.5, 'es')).toBe('1234,50'); // es-ES leaves 4-digit numbers ungrouped (RAE)
    expect(formatNumber(12345, 'es')).toBe('12.345');
    expect(formatNumber(1234567.891, 'es')).toBe('1.234.567,89');
    expect(formatNumber(66.666, 'en')).toBe('66.67');
    expect(formatNumber(12345, 'en')).toBe('12,345');
    expect(formatCell(75, { label: 'ASA', kind: 'duration' }, 'es')).toBe('1:15');
    expect(formatCell(null, undefined, 'es')).toBe('—');
  });

  it('a generated PDF shows 66,67 and 12.345 in Spanish, 66.67 and 12,345 in English', async () => {
    const es = await pdfText('es');
    expect(es).toMatch(/sales\s+12\.345\s+66,67\s+0:1[56]/);
    expect(es).toMatch(/support\s+4\s+1234,50\s+1:15/);
    const en = await pdfText('en');
    expect(en).toMatch(/sales\s+12,345\s+66\.67\s+0:1[56]/);
    expect(en).toMatch(/support\s+4\s+1,234\.50\s+1:15/);
  });
});
