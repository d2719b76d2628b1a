import { randomUUID } from 'node:crypto';
import type { Store, ImportRowError, NewLead } from '../store/index.js';
import { detectColumns, type ColumnMapping, type MappingOverride, parseLeadRow, cellText, countCsvRows, csvRecords, formatFromName, xlsxRecords, type LeadFileFormat, type LeadFileInput } from '../leads/index.js';

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
  /** Rows inserted per transaction. */
  batchSize?: number;
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
 * little memory and the event loop gets a turn between batches.
 */
export async function importLeads(store: Store, opts: ImportOptions): Promise<ImportResult> {
  const campaign = store.campaigns.get(opts.campaignId);
  const fileName = opts.fileName ?? (typeof opts.input === 'string' ? opts.input.split(/[\\/]/).at(-1)! : 'upload');
  const jobId = opts.jobId ?? randomUUID();
  if (campaign === undefined) throw new ImportError(`campaign ${opts.campaignId} not found`, jobId);
  const format = opts.format ?? formatFromName(fileName);
  const defaultCountry = opts.defaultCountry ?? campaign.defaultCountry;
  const batchSize = opts.batchSize ?? 1000;
  store.importJobs.create(jobId, opts.campaignId, fileName, opts.at);

  const total = format === 'csv' && typeof opts.input === 'string' ? await countCsvRows(opts.input) : null;
  const errors: ImportRowError[] = [];
  const seen = new Map<string, number>();
  let processed = 0;
  let accepted = 0;
  let blank = 0;
  let mapping: ColumnMapping | undefined;
  let headerWidth = 0;
  let batch: Pending[] = [];

  const reject = (line: number, reason: string): void => {
    errors.push({ line, reason });
  };
  let errorsWritten = 0;
  const progress = (): void => {
    const p = { processed, accepted, rejected: errors.length, total };
    // Rejected rows are visible while the job runs (the person who uploaded can start fixing them); written
    // only when new ones appeared, so a clean file costs nothing extra.
    const newErrors = errors.length > errorsWritten;
    store.importJobs.progress(jobId, newErrors ? { ...p, errors } : p);
    errorsWritten = errors.length;
    opts.onProgress?.(p);
  };
  const flush = (): void => {
    if (batch.length === 0) return;
    const rows = batch;
    batch = [];
    const inserted = store.transaction(() => store.leads.insertMany(rows.map((r) => r.lead), opts.at));
    for (const r of rows) {
      if (inserted.has(r.lead.phoneE164)) accepted++;
      else reject(r.line, `duplicate: ${r.lead.phoneE164} is already in the campaign`);
    }
    progress();
  };

  try {
    const records = format === 'xlsx' ? xlsxRecords(opts.input) : csvRecords(opts.input, opts.delimiter);
    for await (const recs of records) {
      for (const rec of recs) {
        if (mapping === undefined) {
          if ('error' in rec) throw new ImportError(`line ${rec.line}: malformed header (${rec.error})`, jobId);
          const headers = rec.cells.map((c) => cellText(c));
          const detected = detectColumns(headers, opts.mapping);
          if (!detected.ok) throw new ImportError(detected.reason, jobId);
          mapping = detected.mapping;
          headerWidth = headers.length;
          continue;
        }
        if ('error' in rec) {
          processed++;
          reject(rec.line, `malformed row: ${rec.error}`);
        } else {
          const cells = rec.cells;
          if (cells.every((c) => cellText(c) === '')) {
            blank++;
            continue;
          }
          processed++;
          // Extra non-empty cells usually mean an unquoted delimiter shifted the columns: do not guess.
          const extra = cells.slice(headerWidth).filter((c) => cellText(c) !== '').length;
          if (extra > 0) {
            reject(rec.line, `has ${cells.length} fields, the header has ${headerWidth}`);
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
        if (batch.length >= batchSize) flush();
        else if (processed % batchSize === 0) progress();
      }
      // One turn of the event loop per chunk read, so the API stays responsive during a large import.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (mapping === undefined) throw new ImportError('the file is empty (no header row)', jobId);
    flush();
  } catch (err) {
    store.importJobs.finish(jobId, { status: 'failed', processed, accepted, rejected: errors.length, errors, at: opts.at });
    if (err instanceof ImportError) throw err;
    throw new ImportError(`import failed: ${(err as Error).message}`, jobId);
  }
  errors.sort((a, b) => a.line - b.line);
  store.importJobs.finish(jobId, { status: 'done', processed, accepted, rejected: errors.length, errors, at: opts.at });
  const result: ImportResult = { jobId, processed, accepted, rejected: errors.length, total: processed, errors, blank, mapping };
  opts.onProgress?.({ processed, accepted, rejected: errors.length, total: processed });
  return result;
}
