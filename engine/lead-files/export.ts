import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { Store, LeadCatalog, LeadRow, CallLogRow } from '../store/index.js';

export type ExportFormat = 'csv' | 'xlsx';
export type ExportOutput = string | Writable;

type Cell = string | number | boolean | null;

interface Sheet {
  name: string;
  header: string[];
  /** Read as written (a PostgreSQL source yields its pages asynchronously). */
  rows: Iterable<Cell[]> | AsyncIterable<Cell[]>;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** First characters that make a spreadsheet read a CSV cell as a formula (OWASP "CSV injection"). */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Signed numbers and E.164 phones start with + or - yet cannot hold a formula: left as they are. */
const PLAIN_NUMBER = /^[+-]?\d+([.,]\d+)?$/;

/**
 * A text cell a spreadsheet will show as text: one that starts with = + - @ tab or CR gets a leading `'`, so
 * `=HYPERLINK(…)` or `=cmd|'/C calc'!A0` written into a lead's name cannot run when a manager opens the export.
 * Plain numbers ("+50688887777", "-3") are not formulas and stay untouched so they re-import as they were.
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text;
}

/** The inverse for lead imports: our own export's `'=…` comes back as `=…` (a round trip changes nothing). */
export function unneutraliseFormula(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) && !PLAIN_NUMBER.test(text.slice(1)) ? text.slice(1) : text;
}

/** RFC 4180 quoting, text cells neutralised against formulas; numbers stay bare so spreadsheets read them as numbers. */
export function csvLine(cells: readonly Cell[]): string {
  return (
    cells
      .map((c) => {
        if (c === null || c === undefined) return '';
        const s = typeof c === 'string' ? neutraliseFormula(c) : String(c);
        return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      })
      .join(',') + '\r\n'
  );
}

async function writeCsv(sheet: Sheet, output: ExportOutput): Promise<number> {
  const out = typeof output === 'string' ? createWriteStream(output) : output;
  let n = 0;
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('\uFEFF' + csvLine(sheet.header)); // BOM: Excel then opens UTF-8 accents correctly
  for await (const row of sheet.rows) {
    await write(csvLine(row));
    n++;
  }
  if (typeof output === 'string') {
    out.end();
    await once(out, 'finish');
  }
  return n;
}

async function writeXlsx(sheet: Sheet, output: ExportOutput): Promise<number> {
  // Loaded at first use: exceljs (and its zip stack) would cost every process that imports the API, export or not.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter(
    typeof output === 'string' ? { filename: output, useSharedStrings: false, useStyles: false } : { stream: output, useSharedStrings: false, useStyles: false },
  );
  const ws = wb.addWorksheet(sheet.name);
  ws.addRow(sheet.header).commit();
  let n = 0;
  for await (const row of sheet.rows) {
    ws.addRow(row).commit();
    n++;
    // Let the zip stream flush now and then instead of buffering the whole sheet.
    if (n % 5000 === 0) await new Promise((r) => setImmediate(r));
  }
  ws.commit();
  await wb.commit();
  return n;
}

function write(sheet: Sheet, format: ExportFormat, output: ExportOutput): Promise<number> {
  return format === 'xlsx' ? writeXlsx(sheet, output) : writeCsv(sheet, output);
}

export const LEAD_EXPORT_COLUMNS = [
  'phone',
  'phone_raw',
  'name',
  'city',
  'email',
  'time_zone',
  'priority',
  'status',
  'attempts',
  'last_attempt_at',
  'next_due_at',
  'last_disposition',
  'last_error',
  'synthetic',
] as const;

function leadCells(l: LeadRow, customKeys: readonly string[]): Cell[] {
  const custom = l.custom as Record<string, unknown>;
  return [
    l.phoneE164,
    l.phoneRaw,
    l.name,
    l.city,
    l.email,
    l.timeZone,
    l.priority,
    l.status,
    l.attempts,
    iso(l.lastAttemptAt),
    iso(l.nextDueAt),
    l.lastDisposition,
    l.lastError,
    l.synthetic,
    ...customKeys.map((k) => {
      const v = custom[k];
      return v === undefined || v === null ? null : typeof v === 'object' ? JSON.stringify(v) : (v as Cell);
    }),
  ];
}

/** Where an export reads a campaign's leads: the API's `LeadCatalog` (either dialect). */
export type LeadExportSource = Pick<LeadCatalog, 'customKeys' | 'iterate'>;

/**
 * A campaign's leads with their results (status, attempts, last outcome) and custom fields as columns, read from
 * the SQLite store (synchronous pages, as always) or from a `LeadCatalog` (the API's, PostgreSQL's pages awaited).
 */
export async function exportLeads(source: Store | LeadExportSource, campaignId: string, format: ExportFormat, output: ExportOutput): Promise<number> {
  const fromStore = 'leads' in source ? source.leads : undefined;
  const keys = fromStore !== undefined ? fromStore.customKeys(campaignId) : await (source as LeadExportSource).customKeys(campaignId);
  const customKeys = keys.filter((k) => !(LEAD_EXPORT_COLUMNS as readonly string[]).includes(k));
  const rows =
    fromStore !== undefined
      ? (function* () {
          for (const l of fromStore.iterate(campaignId)) yield leadCells(l, customKeys);
        })()
      : (async function* () {
          for await (const l of (source as LeadExportSource).iterate(campaignId)) yield leadCells(l, customKeys);
        })();
  return write({ name: 'leads', header: [...LEAD_EXPORT_COLUMNS, ...customKeys], rows }, format, output);
}

export const CALL_EXPORT_COLUMNS = [
  'id', 'kind', 'campaign_id', 'lead_id', 'phone', 'agent_id', 'user_id', 'created_at', 'ringing_at', 'answered_at',
  'amd_at', 'bridged_at', 'ended_at', 'ring_s', 'talk_s', 'total_s', 'disposition', 'hangup_cause', 'amd_status',
  'amd_cause', 'amd_decision_ms', 'safe_harbor_played', 'recording_ref', 'notes', 'node_id',
] as const;

const secs = (ms: number | null): number | null => (ms === null ? null : Math.round(ms / 100) / 10);

function callCells(c: CallLogRow): Cell[] {
  return [
    c.id, c.kind, c.campaignId, c.leadId, c.phone, c.agentId, c.userId, iso(c.createdAt), iso(c.ringingAt), iso(c.answeredAt),
    iso(c.amdAt), iso(c.bridgedAt), iso(c.endedAt), secs(c.ringMs), secs(c.talkMs), secs(c.totalMs), c.disposition,
    c.hangupCause, c.amdStatus, c.amdCause, c.amdDecisionMs, c.safeHarborPlayed, c.recordingRef, c.notes, c.nodeId,
  ];
}

/** One row per dial attempt of a campaign (its CallLogs), in time order. */
export function exportCallResults(store: Store, campaignId: string, format: ExportFormat, output: ExportOutput): Promise<number> {
  const rows = (function* () {
    for (const c of store.callLogs.iterate(campaignId)) yield callCells(c);
  })();
  return write({ name: 'calls', header: [...CALL_EXPORT_COLUMNS], rows }, format, output);
}
