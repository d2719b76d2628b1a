/**
 * A report as the exporters see it: a title, the filters it was run with, tables (columns and rows of plain
 * values) and at most one bar chart. The PDF and XLSX writers draw this; the report builders fill it.
 */
export type ReportLang = 'en' | 'es';
export type Cell = string | number | null;

export interface ReportColumn {
  label: string;
  /** Numbers are right-aligned by default. */
  align?: 'left' | 'right';
  /** Relative width (default 1). */
  weight?: number;
  /** `duration`: the cells are seconds, shown as m:ss / h:mm:ss (PDF) and as an Excel time `[h]:mm:ss` (XLSX). */
  kind?: 'duration';
}

/** Seconds as m:ss / h:mm:ss: one definition with the queue XLSX (engine/analytics) and the web app's fmtDuration. */
export { formatDuration } from '../analytics/index.js';

export interface ReportTable {
  title: string;
  columns: ReportColumn[];
  rows: Cell[][];
}

export interface ReportChart {
  title: string;
  categories: string[];
  series: Array<{ label: string; values: number[] }>;
}

export interface ReportDocument {
  lang: ReportLang;
  title: string;
  /** One line: "From 2026-01-01 to 2026-01-31 · Campaign …". */
  filters: string;
  /** When it was made, already formatted. */
  generated: string;
  chart?: ReportChart;
  tables: ReportTable[];
}
