/**
 * A ReportDocument as a printable PDF (pdfkit): A4 landscape, black text at 9 pt or more, the title, the filters
 * line, one grouped bar chart drawn with vector primitives, then each table paginated with its header repeated on
 * every page, and "Page n of N" at the foot of each page. Streamed to `output`.
 */
import type { Writable } from 'node:stream';
import type PDFDocument from 'pdfkit';
import { formatDuration, type Cell, type ReportChart, type ReportColumn, type ReportDocument, type ReportTable } from './document.js';

const MARGIN = 40;
const FOOTER = 24;
const BODY_PT = 9;
/** Bar fills that stay apart in greyscale print. */
const FILLS = ['#1f1f1f', '#7a7a7a', '#c8c8c8', '#4d4d4d', '#a3a3a3'];
const PAGE_WORD = { en: ['Page', 'of'], es: ['Página', 'de'] } as const;

type Doc = InstanceType<typeof PDFDocument>;

/** Numbers in the report's language: "1.234,50" in Spanish (decimal comma, point for thousands), "1,234.50" in English. */
const NUMBER_FORMATS = {
  en: { int: new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 }), dec: new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) },
  es: { int: new Intl.NumberFormat('es-ES', { maximumFractionDigits: 0 }), dec: new Intl.NumberFormat('es-ES', { minimumFractionDigits: 2, maximumFractionDigits: 2 }) },
} as const;

/** A number as the report's language writes it: integers as they are, others with two decimals. */
export function formatNumber(v: number, lang: ReportDocument['lang'] = 'en'): string {
  const f = NUMBER_FORMATS[lang];
  return Number.isInteger(v) ? f.int.format(v) : f.dec.format(v);
}

export function formatCell(v: Cell, column?: ReportColumn, lang: ReportDocument['lang'] = 'en'): string {
  if (v === null) return '—';
  if (typeof v === 'number' && column?.kind === 'duration') return formatDuration(v);
  if (typeof v === 'number') return formatNumber(v, lang);
  return v;
}

export async function writeReportPdf(report: ReportDocument, output: Writable): Promise<void> {
  // Loaded at first use: pdfkit (and its fonts) would cost every process that imports the API.
  const { default: Pdf } = await import('pdfkit');
  const doc = new Pdf({ size: 'A4', layout: 'landscape', margin: MARGIN, bufferPages: true, info: { Title: report.title } });
  const done = new Promise<void>((resolve, reject) => {
    output.on('finish', resolve);
    output.on('close', resolve);
    output.on('error', reject);
  });
  doc.pipe(output);
  doc.fillColor('black').font('Helvetica-Bold').fontSize(16).text(report.title, MARGIN, MARGIN);
  doc.font('Helvetica').fontSize(10).text(report.filters, { width: innerWidth(doc) });
  doc.fontSize(BODY_PT).fillColor('#333333').text(report.generated);
  doc.fillColor('black');
  doc.moveDown(0.8);
  if (report.chart && report.chart.categories.length > 0) drawChart(doc, report.chart, report.lang);
  for (const t of report.tables) drawTable(doc, t, report.lang);
  const range = doc.bufferedPageRange();
  const [pw, of] = PAGE_WORD[report.lang];
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.height - MARGIN + 6;
    // Writing inside the bottom margin would open a new page; lift the margin for the footer.
    const keep = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(BODY_PT).fillColor('black');
    doc.text(`${pw} ${i + 1 - range.start} ${of} ${range.count}`, MARGIN, bottom, { width: innerWidth(doc), align: 'right', lineBreak: false });
    doc.text(report.title, MARGIN, bottom, { width: innerWidth(doc) / 2, align: 'left', lineBreak: false });
    doc.page.margins.bottom = keep;
  }
  doc.end();
  return done;
}

function innerWidth(doc: Doc): number {
  return doc.page.width - 2 * MARGIN;
}
function pageBottom(doc: Doc): number {
  return doc.page.height - MARGIN - FOOTER;
}

/** Axis step and top: steps of 1, 2 or 5 × 10^k (whole numbers when every value is whole), about four of them. */
export function axisScale(max: number, whole: boolean): { step: number; top: number } {
  if (max <= 0) return { step: 1, top: whole ? 4 : 1 };
  const rough = max / 4;
  const p = 10 ** Math.floor(Math.log10(rough));
  let step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= rough) ?? 10 * p;
  if (whole) step = Math.max(1, Math.round(step));
  return { step, top: step * Math.ceil(max / step) };
}

function drawChart(doc: Doc, chart: ReportChart, lang: ReportDocument['lang']): void {
  const height = 190;
  if (doc.y + height + 40 > pageBottom(doc)) doc.addPage();
  const x0 = MARGIN;
  const top = doc.y;
  doc.font('Helvetica-Bold').fontSize(11).fillColor('black').text(chart.title, x0, top);
  // Legend.
  let lx = x0;
  const ly = doc.y + 4;
  doc.font('Helvetica').fontSize(BODY_PT);
  chart.series.forEach((s, i) => {
    doc.rect(lx, ly, 10, 10).fillAndStroke(FILLS[i % FILLS.length]!, 'black');
    doc.fillColor('black').text(s.label, lx + 14, ly + 1, { lineBreak: false });
    lx += 14 + doc.widthOfString(s.label) + 18;
  });
  const axisW = 40;
  const plotX = x0 + axisW;
  const plotTop = ly + 22;
  const plotH = height - 60;
  const plotW = innerWidth(doc) - axisW;
  const values = chart.series.flatMap((s) => s.values);
  const { step, top: max } = axisScale(Math.max(0, ...values), values.every((v) => Number.isInteger(v)));
  // Grid and axis labels.
  doc.lineWidth(0.5);
  for (let v = 0; v <= max + step / 2; v += step) {
    const y = plotTop + plotH - (plotH * v) / max;
    doc.moveTo(plotX, y).lineTo(plotX + plotW, y).strokeColor(v === 0 ? 'black' : '#bbbbbb').stroke();
    doc.fillColor('black').text(Number.isInteger(v) ? formatNumber(v, lang) : formatNumber(Number(v.toFixed(2)), lang).replace(/[.,]?0+$/, ''), x0, y - 4, { width: axisW - 4, align: 'right', lineBreak: false });
  }
  const n = chart.categories.length;
  const slot = plotW / n;
  const groupW = slot * 0.8;
  const barW = groupW / Math.max(1, chart.series.length);
  // Category labels: every one when they fit, else every k-th.
  const labelW = Math.max(...chart.categories.map((c) => doc.widthOfString(c))) + 4;
  const every = Math.max(1, Math.ceil(labelW / slot));
  chart.categories.forEach((cat, i) => {
    const gx = plotX + i * slot + (slot - groupW) / 2;
    chart.series.forEach((s, j) => {
      const v = s.values[i] ?? 0;
      const h = (plotH * v) / max;
      if (h > 0) doc.rect(gx + j * barW, plotTop + plotH - h, barW, h).fillAndStroke(FILLS[j % FILLS.length]!, 'black');
    });
    if (i % every === 0) {
      doc.fillColor('black').text(cat, plotX + i * slot - (every * slot - slot) / 2, plotTop + plotH + 3, { width: every * slot, align: 'center', lineBreak: false });
    }
  });
  doc.strokeColor('black').lineWidth(1);
  doc.x = MARGIN;
  doc.y = plotTop + plotH + 22;
}

function drawTable(doc: Doc, t: ReportTable, lang: ReportDocument['lang']): void {
  const width = innerWidth(doc);
  const pad = 3;
  const widths = columnWidths(doc, t, width, pad, lang);
  const rowH = BODY_PT + 6;
  doc.font('Helvetica-Bold').fontSize(BODY_PT);
  const headH = Math.max(...t.columns.map((c, i) => doc.heightOfString(c.label, { width: widths[i]! - 2 * pad }))) + 2 * pad;
  const header = (): void => {
    let x = MARGIN;
    const y = doc.y;
    doc.rect(MARGIN, y, width, headH).fillAndStroke('#e0e0e0', 'black');
    doc.font('Helvetica-Bold').fontSize(BODY_PT).fillColor('black');
    t.columns.forEach((c, i) => {
      doc.text(c.label, x + pad, y + pad, { width: widths[i]! - 2 * pad, align: headAlign(c, i) });
      x += widths[i]!;
    });
    doc.y = y + headH;
  };
  if (doc.y + 20 + headH + rowH * 2 > pageBottom(doc)) doc.addPage();
  doc.font('Helvetica-Bold').fontSize(11).fillColor('black').text(t.title, MARGIN, doc.y);
  doc.moveDown(0.3);
  header();
  doc.font('Helvetica').fontSize(BODY_PT);
  t.rows.forEach((row, r) => {
    if (doc.y + rowH > pageBottom(doc)) {
      doc.addPage();
      doc.y = MARGIN;
      header();
      doc.font('Helvetica').fontSize(BODY_PT);
    }
    const y = doc.y;
    if (r % 2 === 1) doc.rect(MARGIN, y, width, rowH).fill('#f2f2f2');
    doc.fillColor('black');
    let x = MARGIN;
    row.forEach((v, i) => {
      const c = t.columns[i];
      doc.text(formatCell(v, c, lang), x + pad, y + 3, { width: widths[i]! - 2 * pad, align: c === undefined ? 'left' : headAlign(c, i), lineBreak: false, ellipsis: true });
      x += widths[i]!;
    });
    doc.moveTo(MARGIN, y + rowH).lineTo(MARGIN + width, y + rowH).lineWidth(0.3).strokeColor('#999999').stroke();
    doc.y = y + rowH;
  });
  if (t.rows.length === 0) doc.text('—', MARGIN + pad, doc.y + 3);
  doc.strokeColor('black').lineWidth(1);
  doc.x = MARGIN;
  doc.y += 16;
}

/** Column alignment: as set, else the first column left and the others (figures) right; header and cells alike. */
function headAlign(c: ReportColumn, i: number): 'left' | 'right' {
  return c.align ?? (i === 0 ? 'left' : 'right');
}

/**
 * Widths that fit the table: each column gets at least its longest header word and its widest cell (so words
 * are not cut mid-word), the rest is shared by weight; when even the minimums do not fit, they are scaled down.
 */
function columnWidths(doc: Doc, t: ReportTable, width: number, pad: number, lang: ReportDocument['lang']): number[] {
  doc.font('Helvetica-Bold').fontSize(BODY_PT);
  const head = t.columns.map((c) => Math.max(...c.label.split(/\s+/).map((w) => doc.widthOfString(w))));
  doc.font('Helvetica').fontSize(BODY_PT);
  const cells = t.columns.map((_, i) => Math.min(160, Math.max(0, ...t.rows.slice(0, 500).map((r) => doc.widthOfString(formatCell(r[i] ?? null, t.columns[i], lang))))));
  const mins = t.columns.map((_, i) => Math.max(head[i]!, cells[i]!) + 2 * pad + 1);
  const sumMin = mins.reduce((a, b) => a + b, 0);
  if (sumMin >= width) return mins.map((m) => (m * width) / sumMin);
  const weights = t.columns.map((c) => c.weight ?? 1);
  const total = weights.reduce((a, b) => a + b, 0);
    const spare = width - sumMin;
  return mins.map((m, i) => m + (spare * weights[i]!) / total);
}
