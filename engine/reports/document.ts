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
}

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
