import type { Store, ImportRowError, LeadImports, NewLead } from '../store/index.js';
import { asLeadImports, driverError, sortableId } from '../store/index.js';
import { detectColumns, type ColumnMapping, type MappingOverride, parseLeadRow, cellText, countCsvRows, csvRecords, formatFromName, type LeadFileFormat, type LeadFileInput } from '../leads/index.js';
import { unneutraliseFormula } from './export.js';
import { count, DEFAULT_IMPORT_LIMITS, ImportLimitError, size, type ImportLimits } from './limits.js';
import { readXlsxRecords } from './xlsx/reader.js';

export interface ImportProgress {
  processed: number;
  accepted: number;
  rejected: number;
  /** Data rows expected; null when unknown (streams, XLSX). */
  total: number | null;
}

export interface ImportOptions {
  campaignId: string;
  /** A path, or a stream (then give fileName for the format and the job record). */
  input: LeadFileInput;
  fileName?: string;
  format?: LeadFileFormat;
  mapping?: MappingOverride;
  /** Country for numbers without a country code; default: the campaign's. */
  defaultCountry?: string;
  /** CSV only; default: detected from the header. */
  delimiter?: string;
  /** Rows inserted per transaction (short transactions keep the engine's writes from waiting on the file lock). */
  batchSize?: number;
  limits?: ImportLimits;
  /**
   * Pause after each write transaction (ms). SQLite's busy handler is not fair: a writer that commits back to back
   * starves another connection's writer, whose thread then sleeps in its busy handler — on the engine's event loop.
   * The import worker leaves gaps so the engine's writes get the lock within a few ms. 0 (default): a turn of the loop.
   */
  writePauseMs?: number;
  synthetic?: boolean;
  /** Clock value stamped on the job and the leads. */
  at: number;
  jobId?: string;
  onProgress?: (p: ImportProgress) => void;
}

export interface ImportResult extends ImportProgress {
  jobId: string;
  /** Every rejected row, by line number. */
  errors: ImportRowError[];
  /** Completely empty rows, skipped silently. */
  blank: number;
  mapping: ColumnMapping;
}

export class ImportError extends Error {
  constructor(
    message: string,
    readonly jobId: string,
  ) {
    super(message);
    this.name = 'ImportError';
  }
}

interface Pending {
  line: number;
  lead: NewLead;
}

/**
 * Imports a CSV or XLSX file into a campaign: header detection (English/Spanish, or an explicit mapping), E.164
 * normalisation, dedupe within the file and against the campaign, every rejected row reported with its line and
 * reason, every good row kept. Rows are streamed and inserted in batches, one transaction each, so 100k rows use
 * little memory and the event loop gets a turn between batches. `target` is the import port of either dialect
 * (a SQLite `Store` is taken as its port).
 */
/** Rejected rows kept current in the running job's list; past this, it is written in doubling steps. */
export const RUNNING_ERRORS_CURRENT = 1000;

export async function importLeads(target: LeadImports | Store, opts: ImportOptions): Promise<ImportResult> {
  const store = asLeadImports(target);
  const campaign = await store.campaign(opts.campaignId);
  const fileName = opts.fileName ?? (typeof opts.input === 'string' ? opts.input.split(/[\\/]/).at(-1)! : 'upload');
  const jobId = opts.jobId ?? sortableId(opts.at);
  if (campaign === undefined) throw new ImportError(`campaign ${opts.campaignId} not found`, jobId);
  const format = opts.format ?? formatFromName(fileName);
  const defaultCountry = opts.defaultCountry ?? campaign.defaultCountry;
  const batchSize = opts.batchSize ?? 500;
  const limits = opts.limits ?? DEFAULT_IMPORT_LIMITS;
  // The queue creates the job when the file is accepted (state queued); a direct call creates it here.
  if ((await store.jobs.get(jobId)) === undefined) await store.jobs.create(jobId, opts.campaignId, fileName, opts.at);
  else await store.jobs.setStatus(jobId, 'running');

  const total = format === 'csv' && typeof opts.input === 'string' ? await countCsvRows(opts.input) : null;
  const errors: ImportRowError[] = [];
  const seen = new Map<string, number>();
  let processed = 0;
  let accepted = 0;
  let blank = 0;
  let mapping: ColumnMapping | undefined;
  let headers: string[] = [];
  let batch: Pending[] = [];

  const reject = (line: number, reason: string): void => {
    errors.push({ line, reason });
  };
  const fieldName = (index: number): string => (headers[index] ? headers[index]! : `column ${index + 1}`);
  const tooLong = (index: number, chars: number): string => `field ${fieldName(index)}: ${size(chars)} exceeds ${count(limits.fieldChars)} characters`;
  let errorsWritten = 0;
  const progress = async (): Promise<void> => {
    const p = { processed, accepted, rejected: errors.length, total };
    // Rejected rows are visible while the job runs (the person who uploaded can start fixing them): the list is
    // kept current while short. It is rewritten whole, so past RUNNING_ERRORS_CURRENT rows it is written only once it
    // has doubled, all those writes together at most twice the rows (rewriting it after every batch cost the square
    // of a bad file's length). A clean file costs nothing extra; `rejected` is exact in every write; finish has all.
    const grew = errors.length > errorsWritten;
    const writeErrors = grew && (errors.length <= RUNNING_ERRORS_CURRENT || errors.length >= 2 * errorsWritten);
    if (writeErrors) errorsWritten = errors.length;
    await store.jobs.progress(jobId, writeErrors ? { ...p, errors: [...errors] } : p);
    opts.onProgress?.(p);
  };
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    // Staged: in the table (so duplicates against the campaign are found) but not dialable until the end.
    const inserted = await store.stageBatch(
      rows.map((r) => r.lead),
      opts.at,
    );
    for (const r of rows) {
      if (inserted.has(r.lead.phoneE164)) accepted++;
      else reject(r.line, `duplicate: ${r.lead.phoneE164} is already in the campaign`);
    }
    await progress();
  };

  try {
    if (format === 'xlsx' && typeof opts.input !== 'string') throw new ImportError('an XLSX import needs the file on disk', jobId);
    const records = format === 'xlsx' ? readXlsxRecords(opts.input as string, limits) : csvRecords(opts.input, opts.delimiter);
    for await (const recs of records) {
      for (const rec of recs) {
        if (mapping === undefined) {
          if ('error' in rec) throw new ImportError(`line ${rec.line}: malformed header (${rec.error})`, jobId);
          headers = rec.cells.map((c) => cellText(c));
          const wide = headers.findIndex((h, i) => h.length > limits.fieldChars || (rec.long ?? []).some((l) => l.index === i));
          if (wide >= 0) throw new ImportError(`header: column ${wide + 1} exceeds ${count(limits.fieldChars)} characters`, jobId);
          if (headers.length > limits.fieldsPerRow || rec.fields !== undefined) throw new ImportError(`header: more than ${count(limits.fieldsPerRow)} columns`, jobId);
          const detected = detectColumns(headers, opts.mapping);
          if (!detected.ok) throw new ImportError(detected.reason, jobId);
          mapping = detected.mapping;
          continue;
        }
        if ('error' in rec) {
          processed++;
          reject(rec.line, `malformed row: ${rec.error}`);
        } else {
          // Our CSV export writes `'=…` for text that would run as a formula; read it back as it was.
          const cells = format === 'csv' ? rec.cells.map((c) => (typeof c === 'string' ? unneutraliseFormula(c) : c)) : rec.cells;
          if (rec.long === undefined && cells.every((c) => cellText(c) === '')) {
            blank++;
            continue;
          }
          processed++;
          if (processed > limits.rows) throw new ImportLimitError(`rows exceed ${count(limits.rows)}`);
          const longCell = rec.long?.[0] ?? firstLongCell(cells, limits.fieldChars);
          // Extra non-empty cells usually mean an unquoted delimiter shifted the columns: do not guess.
          const extra = cells.slice(headers.length).filter((c) => cellText(c) !== '').length;
          if (rec.fields !== undefined || cells.length > limits.fieldsPerRow) {
            reject(rec.line, `has more than ${count(limits.fieldsPerRow)} fields`);
          } else if (longCell !== undefined) {
            reject(rec.line, tooLong(longCell.index, longCell.chars));
          } else if (extra > 0) {
            reject(rec.line, `has ${cells.length} fields, the header has ${headers.length}`);
          } else {
            const r = parseLeadRow(cells, mapping, { defaultCountry });
            if (!r.ok) reject(rec.line, r.reason);
            else {
              const dup = seen.get(r.lead.phoneE164);
              if (dup !== undefined) reject(rec.line, `duplicate: ${r.lead.phoneE164} already on line ${dup}`);
              else {
                seen.set(r.lead.phoneE164, rec.line);
                batch.push({
                  line: rec.line,
                  lead: { ...r.lead, campaignId: opts.campaignId, synthetic: (opts.synthetic ?? false) || r.lead.synthetic, importJobId: jobId },
                });
              }
            }
          }
        }
        if (batch.length >= batchSize) {
          const started = performance.now();
          await flush();
          afterWrite(store, opts.writePauseMs);
          await pause(gap(opts.writePauseMs, performance.now() - started));
        } else if (processed % batchSize === 0) await progress();
      }
      // One turn of the event loop per chunk read, so whoever runs this (the import worker) stays responsive.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (mapping === undefined) throw new ImportError('the file is empty (no header row)', jobId);
    await flush();
    // The whole file is in: from here the import completes, also across a restart (the queue resumes it).
    await store.jobs.setStatus(jobId, 'committing');
  } catch (err) {
    const message = err instanceof ImportError ? err.message : describeFailure(err);
    const removed = await discardImport(store, jobId, opts.writePauseMs);
    const note = removed.ok ? '; nothing was imported' : `; ${stagedLeft(removed.left)} never dialled and will be removed at the next start`;
    try {
      // The spool file goes with the job's end (its owner deletes it next; one left by a crash is swept at start).
      await store.jobs.finish(jobId, { status: 'failed', processed, accepted: 0, rejected: errors.length, errors, at: opts.at, message: message + note, spoolPath: null });
    } catch {
      // The database refuses writes (disk full): the job stays unfinished and is reconciled at the next start.
    }
    throw new ImportError(message + note, jobId);
  }
  try {
    await commitImport(store, jobId, opts.at, opts.writePauseMs);
  } catch (err) {
    // Some rows may already be dialable: never take them back. The job stays `committing`; the next start finishes it.
    throw new ImportError(`${describeFailure(err)} while making the leads dialable; the import completes at the next start`, jobId);
  }
  errors.sort((a, b) => a.line - b.line);
  await store.jobs.finish(jobId, { status: 'done', processed, accepted, rejected: errors.length, errors, at: opts.at, spoolPath: null });
  const result: ImportResult = { jobId, processed, accepted, rejected: errors.length, total: processed, errors, blank, mapping: mapping! };
  opts.onProgress?.({ processed, accepted, rejected: errors.length, total: processed });
  return result;
}

function firstLongCell(cells: readonly unknown[], max: number): { index: number; chars: number } | undefined {
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (typeof c === 'string' && c.length > max) return { index: i, chars: c.length };
  }
  return undefined;
}

/** What a failed rollback left, for the job's message. */
export function stagedLeft(left: number | null): string {
  return left === null ? 'the rows it staged are' : `its ${left} staged rows are`;
}

/** One line for a job that failed on something other than its content. */
function describeFailure(failure: unknown): string {
  if (failure instanceof ImportLimitError) return failure.message;
  // Never drizzle's wrapper: its message carries the statement's parameters (the file's names and numbers).
  const err = driverError(failure);
  const code = (err as { code?: string }).code;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC') return 'the disk is full';
  // The leads' foreign key: the campaign was deleted while its file was being read (PostgreSQL 23503, SQLite's twin).
  if (code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'the campaign was deleted during the import';
  return `import failed: ${err instanceof Error ? err.message : String(err)}`;
}

/**
 * In the import worker (writePauseMs set): copy what this import added to the WAL back into the database now, in
 * this thread, without waiting for anyone (PASSIVE). Otherwise the WAL's automatic checkpoint falls to whichever
 * connection commits next past 1,000 pages — often the engine, on its event loop, for hundreds of milliseconds.
 */
function afterWrite(store: LeadImports, pauseMs = 0): void {
  if (pauseMs > 0) store.afterWrite();
}

/**
 * The pause after a write that took `tookMs`: at least `pauseMs`, and twice the write, so the import holds the lock
 * at most a third of the time even when the machine is slow — the engine's writer, retrying on SQLite's busy
 * schedule (1, 2, 5, 10 … ms), then finds it free almost at once.
 */
function gap(pauseMs = 0, tookMs = 0): number {
  return pauseMs > 0 ? Math.max(pauseMs, Math.ceil(2 * tookMs)) : 0;
}

/** A turn of the event loop, or `ms` of pause (see ImportOptions.writePauseMs). */
function pause(ms = 0): Promise<void> {
  return new Promise((r) => (ms > 0 ? setTimeout(r, ms) : setImmediate(r)));
}

export async function commitImport(target: LeadImports | Store, jobId: string, at: number, pauseMs = 0): Promise<void> {
  const store = asLeadImports(target);
  for (;;) {
    const started = performance.now();
    if ((await store.commitBatch(jobId, at, 500)) === 0) return;
    afterWrite(store, pauseMs);
    await pause(gap(pauseMs, performance.now() - started));
  }
}

/**
 * Removes every row of an unfinished import; `left` counts what could not be removed (the database refused), null
 * when it could not even be counted (out of reach).
 */
export async function discardImport(target: LeadImports | Store, jobId: string, pauseMs = 0): Promise<{ ok: boolean; left: number | null }> {
  const store = asLeadImports(target);
  try {
    while ((await store.discardBatch(jobId, 500)) > 0) await pause(pauseMs);
    return { ok: true, left: 0 };
  } catch {
    // The database refuses writes (or is out of reach): say how many staged rows stay, if it still answers reads.
    return { ok: false, left: await store.countOfImport(jobId).catch(() => null) };
  }
}
