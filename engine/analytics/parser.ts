/**
 * A pure, streaming queue_log parser: bytes in (any chunking), events and malformed-line reports out, in order.
 * No I/O and no clock: the sources (files, gzip, folders, the live tail) push chunks, the aggregator consumes
 * events. A bad line is reported with its number and a reason and never stops the run; every good line is kept.
 *
 * Malformed (reported, not kept): invalid UTF-8, a NUL byte, a CRLF ending, fewer than 5 fields, an epoch that
 * is not a whole number, an empty event name, a line longer than `maxLineBytes`, and an exact duplicate of a
 * line seen within the last `duplicateWindowSeconds` (by the lines' own epochs: Asterisk writes in time order,
 * so the window keeps memory flat however long the file is). Unknown event names are good lines, counted apart.
 */
import { isKnownEvent } from './events.js';

export interface QueueLogEvent {
  /** 1-based line number in its source. */
  line: number;
  epoch: number;
  callid: string;
  queue: string;
  agent: string;
  event: string;
  /** Every `|`-separated field of the line; data fields start at index 5 (see `dataField`). */
  fields: string[];
}

export interface MalformedLine {
  line: number;
  reason: string;
}

/** Data field `i` (0-based: data1 is 0), '' when the line does not have it. */
export function dataField(ev: QueueLogEvent, i: number): string {
  return ev.fields[5 + i] ?? '';
}

/** Data field `i` as a whole number, or null when missing or not a number. */
export function dataInt(ev: QueueLogEvent, i: number): number | null {
  const s = ev.fields[5 + i];
  if (s === undefined || s === '') return null;
  const n = Number(s);
  return Number.isFinite(n) ? Math.trunc(n) : null;
}

export interface ParserOptions {
  maxLineBytes?: number;
  duplicateWindowSeconds?: number;
}

export interface ParserSink {
  event(ev: QueueLogEvent): void;
  malformed(m: MalformedLine): void;
}

export interface ParserCounts {
  /** Lines seen (kept + malformed). */
  lines: number;
  kept: number;
  malformed: number;
  /** Kept lines whose event Asterisk's app_queue does not write, by name. */
  unknownEvents: Record<string, number>;
  /** Kept lines with at most one data field (older / single `data` column layout) and with more. */
  layout: { single_data: number; multi_data: number };
}

const NL = 0x0a;
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

function isDigits(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 12) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export class QueueLogParser {
  private readonly maxLineBytes: number;
  private readonly window: number;
  private lineNo = 0;
  private carry: Buffer | null = null;
  /** Inside a line that already went past maxLineBytes: drop bytes up to its newline. */
  private skipping = false;
  private recent = new Map<string, number>();
  private older = new Map<string, number>();
  private recentFrom = -1;
  readonly counts: ParserCounts = { lines: 0, kept: 0, malformed: 0, unknownEvents: {}, layout: { single_data: 0, multi_data: 0 } };

  constructor(
    private readonly sink: ParserSink,
    opts: ParserOptions = {},
  ) {
    this.maxLineBytes = opts.maxLineBytes ?? 65_536;
    this.window = opts.duplicateWindowSeconds ?? 60;
  }

  /** The line number of the last complete line handed out (resume a source from here). */
  get linesDone(): number {
    return this.lineNo;
  }

  /**
   * A new source (the next file of a folder): ends the current one and numbers lines from 1 again. The
   * duplicate window carries over, so a rotated file present twice (`queue_log.1` and `queue_log.1.gz`) is caught.
   */
  beginSource(): void {
    this.end();
    this.lineNo = 0;
  }

  /** Resume after `n` lines with the counts saved at that point (a tail restarting in the middle of a file). */
  resume(n: number, counts?: ParserCounts): void {
    this.lineNo = n;
    if (counts) {
      Object.assign(this.counts, structuredClone(counts));
    }
  }

  push(chunk: Uint8Array): void {
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.skipping) {
      const nl = buf.indexOf(NL);
      if (nl < 0) return;
      this.skipping = false;
      buf = buf.subarray(nl + 1);
    }
    const last = buf.lastIndexOf(NL);
    if (last < 0) {
      this.carry = this.carry ? Buffer.concat([this.carry, buf]) : Buffer.from(buf);
      this.checkLong();
      return;
    }
    const whole = this.carry ? Buffer.concat([this.carry, buf.subarray(0, last + 1)]) : buf.subarray(0, last + 1);
    this.carry = last + 1 < buf.length ? Buffer.from(buf.subarray(last + 1)) : null;
    this.lines(whole);
    this.checkLong();
  }

  /** The source ended: a last line without its newline is still a line. */
  end(): void {
    if (this.carry && this.carry.length > 0) {
      const rest = this.carry;
      this.carry = null;
      this.lines(Buffer.concat([rest, Buffer.from([NL])]));
    }
    this.carry = null;
    this.skipping = false;
  }

  /** Bytes held for an unfinished line (a tail's committed position is its read offset minus these). */
  get pendingBytes(): number {
    return this.carry ? this.carry.length : 0;
  }

  private checkLong(): void {
    if (this.carry && this.carry.length > this.maxLineBytes) {
      this.carry = null;
      this.skipping = true;
      this.bad(++this.lineNo, `line longer than ${this.maxLineBytes} bytes`);
    }
  }

  /** `whole` ends with a newline. */
  private lines(whole: Buffer): void {
    const text = whole.toString('utf8');
    if (text.indexOf('\uFFFD') >= 0) {
      this.linesSlow(whole);
      return;
    }
    let pos = 0;
    const n = text.length;
    while (pos < n) {
      const nl = text.indexOf('\n', pos);
      this.line(text.slice(pos, nl), ++this.lineNo);
      pos = nl + 1;
    }
  }

  /** A chunk with U+FFFD in it: decode line by line so only the lines really invalid are reported. */
  private linesSlow(whole: Buffer): void {
    let pos = 0;
    while (pos < whole.length) {
      const nl = whole.indexOf(NL, pos);
      const lineNo = ++this.lineNo;
      let s: string;
      try {
        s = fatalUtf8.decode(whole.subarray(pos, nl));
      } catch {
        pos = nl + 1;
        this.bad(lineNo, 'invalid UTF-8');
        continue;
      }
      pos = nl + 1;
      this.line(s, lineNo);
    }
  }

  private bad(line: number, reason: string): void {
    this.counts.lines++;
    this.counts.malformed++;
    this.sink.malformed({ line, reason });
  }

  private line(s: string, lineNo: number): void {
    if (s.length > 0 && s.charCodeAt(s.length - 1) === 13) return this.bad(lineNo, 'CRLF line ending');
    if (s.length === 0) return this.bad(lineNo, 'empty line');
    if (s.indexOf('\0') >= 0) return this.bad(lineNo, 'NUL byte');
    const f = s.split('|');
    if (f.length < 5) return this.bad(lineNo, `too few fields (${f.length}, need at least 5)`);
    const e = f[0]!;
    if (!isDigits(e)) return this.bad(lineNo, `non-numeric epoch "${e.slice(0, 20)}"`);
    const event = f[4]!;
    if (event === '') return this.bad(lineNo, 'empty event name');
    const epoch = +e;
    // Exact duplicates within the window.
    if (epoch > this.recentFrom + this.window) {
      if (this.recentFrom >= 0 && epoch <= this.recentFrom + 2 * this.window) this.older = this.recent;
      else this.older = new Map();
      this.recent = new Map();
      this.recentFrom = epoch;
    }
    const first = this.recent.get(s) ?? this.older.get(s);
    if (first !== undefined) return this.bad(lineNo, `exact duplicate of line ${first}`);
    this.recent.set(s, lineNo);
    this.counts.lines++;
    this.counts.kept++;
    if (f.length <= 6) this.counts.layout.single_data++;
    else this.counts.layout.multi_data++;
    if (!isKnownEvent(event)) this.counts.unknownEvents[event] = (this.counts.unknownEvents[event] ?? 0) + 1;
    this.sink.event({ line: lineNo, epoch, callid: f[1]!, queue: f[2]!, agent: f[3]!, event, fields: f });
  }
}
