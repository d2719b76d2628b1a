/**
 * A streaming RFC 4180 reader made for imports of messy files: every record carries the line it starts on, and a
 * malformed record (stray quote, text after a closing quote, unterminated quote) is reported and parsing resumes
 * on the very next line, so no good row after it is lost. csv-parse's skip_records_with_error does not resume at
 * the next line after a bad closing quote (it swallows the following record), which is exactly what an import
 * must not do; this reader is small and does only that.
 *
 * Quoted fields may span lines; a quote that never closes within MAX_RECORD_CHARS is treated as malformed.
 */
export type CsvRecord =
  | {
      line: number;
      cells: string[];
      /** Fields longer than the field limit (truncated in `cells`), with their real length. */
      long?: Array<{ index: number; chars: number }>;
      /** Set when the row had more fields than the limit (only the first `limit` are in `cells`). */
      fields?: number;
    }
  | { line: number; error: string };

const MAX_RECORD_CHARS = 64 * 1024;
/** Fields kept in full in an over-long line (see LongLine); the importer applies its own, lower limit. */
const LONG_LINE_FIELD_CHARS = 4096;
const LONG_LINE_FIELDS = 10_000;
const QUOTE = 34;
const LF = 10;
const CR = 13;

type Parsed =
  | { kind: 'record'; cells: string[]; end: number; newlines: number }
  | { kind: 'error'; reason: string }
  | { kind: 'incomplete' };

/** Guesses the delimiter from the header line: the most frequent of , ; tab | outside quotes (Spanish Excel uses ;). */
export function detectDelimiter(headerLine: string): string {
  const counts = new Map<string, number>([[',', 0], [';', 0], ['\t', 0], ['|', 0]]);
  let quoted = false;
  for (const ch of headerLine) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1);
  }
  let best = ',';
  for (const [d, n] of counts) if (n > counts.get(best)!) best = d;
  return best;
}

function parseRecord(buf: string, pos: number, delim: number, final: boolean): Parsed {
  const cells: string[] = [];
  const len = buf.length;
  let i = pos;
  let newlines = 0;
  for (;;) {
    // Start of a field.
    if (i >= len) {
      if (!final) return { kind: 'incomplete' };
      cells.push('');
      return { kind: 'record', cells, end: len, newlines };
    }
    if (buf.charCodeAt(i) === QUOTE) {
      let field = '';
      let j = i + 1;
      for (;;) {
        const q = buf.indexOf('"', j);
        if (q < 0) {
          if (!final && len - pos <= MAX_RECORD_CHARS) return { kind: 'incomplete' };
          return { kind: 'error', reason: 'unterminated quoted field' };
        }
        const part = buf.slice(j, q);
        field += part;
        for (let k = part.indexOf('\n'); k >= 0; k = part.indexOf('\n', k + 1)) newlines++;
        if (q + 1 >= len && !final) return { kind: 'incomplete' };
        if (buf.charCodeAt(q + 1) === QUOTE) {
          field += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      if (q1(buf, i) === CR && q1(buf, i + 1) === LF) i++;
      const c = q1(buf, i);
      if (i >= len) {
        if (!final) return { kind: 'incomplete' };
        cells.push(field);
        return { kind: 'record', cells, end: len, newlines };
      }
      if (c === delim) {
        cells.push(field);
        i++;
        continue;
      }
      if (c === LF) {
        cells.push(field);
        return { kind: 'record', cells, end: i + 1, newlines: newlines + 1 };
      }
      return { kind: 'error', reason: `unexpected "${buf[i]}" after a closing quote in field ${cells.length + 1}` };
    }
    // Unquoted field: up to the delimiter or the end of the line.
    let j = i;
    for (; j < len; j++) {
      const c = buf.charCodeAt(j);
      if (c === delim || c === LF) break;
      if (c === QUOTE) return { kind: 'error', reason: `quote inside unquoted field ${cells.length + 1}` };
    }
    if (j >= len && !final) return { kind: 'incomplete' };
    let field = buf.slice(i, j);
    if (field.charCodeAt(field.length - 1) === CR) field = field.slice(0, -1);
    cells.push(field);
    if (j >= len) return { kind: 'record', cells, end: len, newlines };
    if (buf.charCodeAt(j) === LF) return { kind: 'record', cells, end: j + 1, newlines: newlines + 1 };
    i = j + 1;
  }
}

function q1(buf: string, i: number): number {
  return i < buf.length ? buf.charCodeAt(i) : -1;
}

/**
 * Reads records from text chunks. Blank lines are skipped (not reported). Line numbers are 1-based, the header
 * being line 1. `delimiter` undefined: detected from the first line.
 */
export async function* readCsvRecords(
  input: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>,
  opts: { delimiter?: string } = {},
): AsyncGenerator<CsvRecord> {
  for await (const batch of readCsvRecordBatches(input, opts)) yield* batch;
}

/** Same records, one array per input chunk: an await per chunk instead of per record (100k-row imports). */
export async function* readCsvRecordBatches(
  input: AsyncIterable<Buffer | Uint8Array | string> | Iterable<Buffer | Uint8Array | string>,
  opts: { delimiter?: string } = {},
): AsyncGenerator<CsvRecord[]> {
  const decoder = new TextDecoder('utf-8');
  let carry = '';
  let line = 1;
  let delim = opts.delimiter === undefined ? -1 : opts.delimiter.charCodeAt(0);
  let first = true;
  /** Set while inside one physical line longer than MAX_RECORD_CHARS (see LongLine). */
  let longLine: LongLine | null = null;

  /** Feeds text to the over-long line; returns what follows its end, or null when the line goes on. */
  const continueLongLine = (text: string, out: CsvRecord[]): string | null => {
    const rest = longLine!.feed(text);
    if (rest === null) return null;
    out.push(longLine!.record());
    line++;
    longLine = null;
    return rest;
  };

  function* drain(buf: string, final: boolean): Generator<CsvRecord> {
    let pos = 0;
    while (pos < buf.length) {
      // Blank line.
      const c0 = buf.charCodeAt(pos);
      if (c0 === LF || (c0 === CR && buf.charCodeAt(pos + 1) === LF)) {
        pos += c0 === LF ? 1 : 2;
        line++;
        continue;
      }
      if (c0 === CR && pos + 1 >= buf.length && !final) break;
      const r = parseRecord(buf, pos, delim, final);
      if (r.kind === 'incomplete') break;
      if (r.kind === 'record') {
        yield { line, cells: r.cells };
        line += r.newlines;
        pos = r.end;
        continue;
      }
      // Malformed: report the record's first line and resume on the next one.
      const nl = buf.indexOf('\n', pos);
      if (nl < 0 && !final) break;
      yield { line, error: r.reason };
      line++;
      pos = nl < 0 ? buf.length : nl + 1;
    }
    carry = buf.slice(pos);
  }

  for await (const chunk of input) {
    let text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (first) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      if (text === '') continue;
      first = false;
    }
    if (delim < 0) {
      const nl = (carry + text).indexOf('\n');
      if (nl < 0 && carry.length + text.length <= MAX_RECORD_CHARS) {
        carry += text;
        continue;
      }
      delim = detectDelimiter((carry + text).slice(0, nl < 0 ? MAX_RECORD_CHARS : nl)).charCodeAt(0);
    }
    const batch: CsvRecord[] = [];
    if (longLine !== null) {
      const rest = continueLongLine(text, batch);
      if (rest === null) continue;
      text = rest;
    }
    batch.push(...drain(carry + text, false));
    // An incomplete record that is already one huge physical line (a 40 MB name): stream it instead of
    // re-parsing a growing buffer, keeping only the start of each field.
    if (carry.length > MAX_RECORD_CHARS && carry.indexOf('\n') < 0) {
      longLine = new LongLine(line, delim);
      const start = carry;
      carry = '';
      const rest = continueLongLine(start, batch);
      if (rest !== null) batch.push(...drain(rest, false));
    }
    if (batch.length > 0) yield batch;
  }
  if (longLine !== null) {
    const batch: CsvRecord[] = [];
    continueLongLine(decoder.decode() + '\n', batch);
    yield batch;
  }
  const tail = carry + decoder.decode();
  if (delim < 0) delim = detectDelimiter(tail.split('\n')[0] ?? '').charCodeAt(0);
  if (tail !== '') {
    const batch = [...drain(tail, true)];
    if (batch.length > 0) yield batch;
  }
}

/**
 * One physical line longer than MAX_RECORD_CHARS, read as it streams by (linear time, bounded memory): fields are
 * split on the delimiter outside quotes, each kept up to LONG_LINE_FIELD_CHARS with its real length counted, and the
 * record ends at the next line feed whatever the quotes say (like a quote that does not close within
 * MAX_RECORD_CHARS in the normal path). A 40 MB name thus becomes one row with one over-long field.
 */
class LongLine {
  private readonly cells: string[] = [''];
  private readonly lengths: number[] = [0];
  private quoted = false;

  constructor(
    readonly line: number,
    private readonly delim: number,
  ) {}

  /** Consumes `text`; returns the text after the line's end, or null when the line continues. */
  feed(text: string): string | null {
    const nl = text.indexOf('\n');
    const part = nl < 0 ? text : text.slice(0, nl);
    let fieldStart = 0;
    for (let i = 0; i < part.length; i++) {
      const c = part.charCodeAt(i);
      if (c === QUOTE) this.quoted = !this.quoted;
      else if (c === this.delim && !this.quoted) {
        this.append(part.slice(fieldStart, i));
        if (this.cells.length < LONG_LINE_FIELDS) {
          this.cells.push('');
          this.lengths.push(0);
        }
        fieldStart = i + 1;
      }
    }
    this.append(part.slice(fieldStart));
    return nl < 0 ? null : text.slice(nl + 1);
  }

  private append(piece: string): void {
    const k = this.cells.length - 1;
    this.lengths[k]! += piece.length;
    if (this.cells[k]!.length < LONG_LINE_FIELD_CHARS) this.cells[k] += piece.slice(0, LONG_LINE_FIELD_CHARS - this.cells[k]!.length);
  }

  record(): CsvRecord {
    const cells = this.cells.map((c) => {
      let v = c.endsWith('\r') ? c.slice(0, -1) : c;
      if (v.startsWith('"')) v = v.slice(1, v.endsWith('"') ? -1 : undefined).replace(/""/g, '"');
      return v;
    });
    const long = this.lengths.flatMap((n, index) => (n > LONG_LINE_FIELD_CHARS ? [{ index, chars: n }] : []));
    return long.length > 0 ? { line: this.line, cells, long } : { line: this.line, cells };
  }
}
