/**
 * A ReportDocument as XLSX, streamed (exceljs WorkbookWriter): one sheet per table, header row first. Duration
 * columns hold Excel times (days) formatted `[h]:mm:ss`, so they read like the screen and still sum in Excel.
 */
import type { Writable } from 'node:stream';
import type { ReportDocument } from './document.js';

export const DURATION_FORMAT = '[h]:mm:ss';

export async function writeReportXlsx(report: ReportDocument, output: Writable): Promise<void> {
  // Loaded at first use: exceljs (and its zip stack) would cost every process that imports the API.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useSharedStrings: false, useStyles: true });
  for (const t of report.tables) {
    // Sheet names: at most 31 characters, none of : \ / ? * [ ].
    const ws = wb.addWorksheet(t.title.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31));
    const head = ws.addRow(t.columns.map((c) => c.label));
    head.font = { bold: true };
    head.commit();
    const durations = t.columns.flatMap((c, i) => (c.kind === 'duration' ? [i] : []));
    for (const r of t.rows) {
      const row = ws.addRow(durations.length === 0 ? r : r.map((v, i) => (typeof v === 'number' && durations.includes(i) ? v / 86_400 : v)));
      for (const i of durations) row.getCell(i + 1).numFmt = DURATION_FORMAT;
      row.commit();
    }
    ws.commit();
  }
  await wb.commit();
}
