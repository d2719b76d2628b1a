import { StringDecoder } from 'node:string_decoder';
import type { CsvRecord } from '../../leads/index.js';
import { count, ImportLimitError, size, type ImportLimits } from '../limits.js';
import { XmlTokenizer, type XmlHandler } from './xml.js';
import { entryStream, readZipDirectory, type InflateBudget, type ZipEntry } from './zip.js';

/** A shared string longer than the field limit: only its length is kept. */
interface TooLong {
  tooLong: number;
}
type Shared = string | TooLong;

/** Small parts (workbook, relationships) are read whole; more than this is not a workbook part. */
const SMALL_PART = 4 * 1024 * 1024;

async function eachText(path: string, entry: ZipEntry, budget: InflateBudget, onText: (text: string) => void): Promise<void> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of await entryStream(path, entry, budget)) onText(decoder.write(chunk as Buffer));
  onText(decoder.end());
}

async function smallPart(path: string, entry: ZipEntry | undefined, budget: InflateBudget): Promise<string> {
  if (entry === undefined) return '';
  let text = '';
  await eachText(path, entry, budget, (t) => {
    text += t;
    if (text.length > SMALL_PART) throw new ImportLimitError(`workbook part ${entry.name} exceeds ${size(SMALL_PART)}`);
  });
  return text;
}

function collect(xml: string, tag: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  const t = new XmlTokenizer({ open: (name, attrs) => void (name === tag && out.push(attrs)), close: () => {}, text: () => {} });
  t.feed(xml);
  return out;
}

/** The first worksheet in the workbook's order (what a person sees as the first tab). */
async function firstSheet(path: string, byName: Map<string, ZipEntry>, budget: InflateBudget): Promise<ZipEntry> {
  const sheets = collect(await smallPart(path, byName.get('xl/workbook.xml'), budget), 'sheet');
  const rels = collect(await smallPart(path, byName.get('xl/_rels/workbook.xml.rels'), budget), 'Relationship');
  const rid = sheets[0]?.['id'];
  const target = rels.find((r) => r['Id'] === rid)?.['Target'];
  if (target !== undefined) {
    const resolved = target.startsWith('/') ? target.slice(1) : `xl/${target}`.replace(/\/\.\//g, '/');
    const entry = byName.get(resolved);
    if (entry !== undefined) return entry;
  }
  const fallback = [...byName.values()].filter((e) => /^xl\/worksheets\/sheet\d+\.xml$/.test(e.name)).sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))[0];
  if (fallback === undefined) throw new ImportLimitError('the workbook has no worksheet');
  return fallback;
}

/** The shared-string table, bounded: count, kept characters, and each string to the field limit. */
async function sharedStrings(path: string, entry: ZipEntry | undefined, budget: InflateBudget, limits: ImportLimits): Promise<Shared[]> {
  const table: Shared[] = [];
  if (entry === undefined) return table;
  let kept = 0;
  let depthT = 0;
  let inPhonetic = false;
  let current = '';
  let chars = 0;
  const h: XmlHandler = {
    open(name) {
      if (name === 'si') {
        current = '';
        chars = 0;
      } else if (name === 't' && !inPhonetic) depthT++;
      else if (name === 'rPh') inPhonetic = true;
    },
    close(name) {
      if (name === 't' && depthT > 0) depthT--;
      else if (name === 'rPh') inPhonetic = false;
      else if (name === 'si') {
        if (table.length >= limits.sharedStrings) throw new ImportLimitError(`shared strings exceed ${count(limits.sharedStrings)}`);
        if (chars > limits.fieldChars) table.push({ tooLong: chars });
        else {
          kept += current.length;
          if (kept > limits.sharedStringChars) throw new ImportLimitError(`shared strings exceed ${size(limits.sharedStringChars)} of text`);
          table.push(current);
        }
      }
    },
    text(piece) {
      if (depthT === 0) return;
      chars += piece.length;
      if (chars <= limits.fieldChars) current += piece;
    },
  };
  const t = new XmlTokenizer(h);
  await eachText(path, entry, budget, (text) => t.feed(text));
  t.end();
  return table;
}

/** "BC12" → 54 (0-based column). */
function columnOf(ref: string | undefined): number | undefined {
  if (ref === undefined) return undefined;
  let n = 0;
  let i = 0;
  for (; i < ref.length; i++) {
    const c = ref.charCodeAt(i);
    if (c < 65 || c > 90) break;
    n = n * 26 + (c - 64);
  }
  return i === 0 ? undefined : n - 1;
}

/**
 * Rows of the first worksheet of an XLSX file, streamed with bounded memory, as the same records the CSV reader
 * gives: the line is the spreadsheet row number (what a user sees in Excel); a cell longer than the field limit
 * is truncated and listed in `long`, so the importer rejects that row alone.
 */
export async function* readXlsxRecords(path: string, limits: ImportLimits): AsyncGenerator<CsvRecord[]> {
  const entries = await readZipDirectory(path, { maxEntries: limits.zipEntries, maxBytes: limits.decompressedBytes });
  const byName = new Map(entries.map((e) => [e.name, e]));
  const budget: InflateBudget = { remaining: limits.decompressedBytes, limit: limits.decompressedBytes };
  const sheet = await firstSheet(path, byName, budget);
  const shared = await sharedStrings(path, byName.get('xl/sharedStrings.xml'), budget, limits);

  let batch: CsvRecord[] = [];
  let rowNumber = 0;
  let cells: unknown[] = [];
  let long: Array<{ index: number; chars: number }> = [];
  let fields = 0;
  let col = 0;
  let type = '';
  let value = '';
  let valueChars = 0;
  let inValue = false;
  const h: XmlHandler = {
    open(name, attrs) {
      if (name === 'row') {
        rowNumber = attrs['r'] !== undefined ? Number(attrs['r']) : rowNumber + 1;
        cells = [];
        long = [];
        fields = 0;
        col = 0;
      } else if (name === 'c') {
        col = columnOf(attrs['r']) ?? col;
        type = attrs['t'] ?? 'n';
        value = '';
        valueChars = 0;
      } else if (name === 'v' || (name === 't' && type === 'inlineStr')) inValue = true;
    },
    close(name) {
      if (name === 'v' || name === 't') inValue = false;
      else if (name === 'c') {
        if (col >= limits.fieldsPerRow) {
          fields = col + 1;
        } else if (valueChars > limits.fieldChars) {
          cells[col] = '';
          long.push({ index: col, chars: valueChars });
        } else if (type === 's') {
          const s = shared[Number(value)];
          if (typeof s === 'object') {
            cells[col] = '';
            long.push({ index: col, chars: s.tooLong });
          } else cells[col] = s ?? '';
        } else if (type === 'n') cells[col] = value === '' ? null : Number(value);
        else if (type === 'b') cells[col] = value === '1';
        else cells[col] = value; // str, inlineStr, e (error text), d (ISO date)
        col++;
      } else if (name === 'row') {
        if (rowNumber > limits.rows + 1) throw new ImportLimitError(`rows exceed ${count(limits.rows)}`);
        const dense = Array.from({ length: Math.min(cells.length, limits.fieldsPerRow) }, (_, i) => cells[i] ?? null);
        const rec: CsvRecord = { line: rowNumber, cells: dense as string[] };
        if (long.length > 0) rec.long = long;
        if (fields > 0) rec.fields = fields;
        batch.push(rec);
      }
    },
    text(piece) {
      if (!inValue) return;
      valueChars += piece.length;
      if (valueChars <= limits.fieldChars) value += piece;
    },
  };
  const t = new XmlTokenizer(h);
  const decoder = new StringDecoder('utf8');
  for await (const chunk of await entryStream(path, sheet, budget)) {
    t.feed(decoder.write(chunk as Buffer));
    if (batch.length > 0) {
      yield batch;
      batch = [];
    }
  }
  t.feed(decoder.end());
  t.end();
  if (batch.length > 0) yield batch;
}
