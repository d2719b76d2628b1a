/** A ReportDocument as XLSX, streamed (exceljs WorkbookWriter): one sheet per table, header row first. */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { ReportDocument } from './document.js';

export async function writeReportXlsx(report: ReportDocument, output: Writable): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useSharedStrings: false, useStyles: true });
  for (const t of report.tables) {
    // Sheet names: at most 31 characters, none of : \ / ? * [ ].
    const ws = wb.addWorksheet(t.title.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31));
    const head = ws.addRow(t.columns.map((c) => c.label));
    head.font = { bold: true };
    head.commit();
    for (const r of t.rows) ws.addRow(r).commit();
    ws.commit();
  }
  await wb.commit();
}
