/**
 * Reports (issue #16): report documents (title, filters, tables, one chart) built from the queue_log metrics and
 * from the CallLogs, and their exporters — a printable PDF (pdfkit) and a streamed XLSX (exceljs).
 */
export type { ReportDocument, ReportTable, ReportColumn, ReportChart, ReportLang, Cell } from './document.js';
export { writeReportPdf, formatCell, formatNumber } from './pdf.js';
export { writeReportXlsx } from './xlsx.js';
export { queueReportDocument } from './queue-report.js';
export { filtersLine, generatedLine, type ReportFilters } from './labels.js';
export { buildCallReport, dispositionLabel, CALL_REPORT_TYPES, type CallReport, type CallReportQuery, type CallReportSource, type CallReportType, type CallReportRow, type DailyRow, type HourlyRow, type DispositionRow, type AgentRow, type CampaignRow } from './call-reports.js';
