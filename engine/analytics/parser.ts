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
import { isUtf8 } from 'node:buffer';
import { QUEUE_LOG_EVENTS } from './events.js';

/** Known event names by length: a line's event is matched in place and handed out as the constant string. */
const BY_LENGTH: string[][] = [];
for (const name of QUEUE_LOG_EVENTS) (BY_LENGTH[name.length] ??= []).push(name);

function knownEvent(text: string, from: number, to: number): string | null {
  const list = BY_LENGTH[to - from];
  if (list === undefined) return null;
  for (let i = 0; i < list.length; i++) if (text.startsWith(list[i]!, from)) return list[i]!;
  return null;
}

export interface QueueLogEvent {
  /** 1-based line number in its source. */
  line: number;
  epoch: number;
  callid: string;
  queue: string;
  agent: string;
  event: string;
  /** The whole line; its data fields start at `dataAt` (-1: the line has none). Read them with `dataField`. */
  raw: string;
  dataAt: number;
}

export interface MalformedLine {
  line: number;
  reason: string;
}

/** Where data field `i` (0-based: data1 is 0) starts in `ev.raw`, or -1. */
function fieldStart(ev: QueueLogEvent, i: number): number {
  let p = ev.dataAt;
  if (p < 0) return -1;
  const raw = ev.raw;
  for (let k = 0; k < i; k++) {
    const q = raw.indexOf('|', p);
    if (q < 0) return -1;
    p = q + 1;
  }
  return p;
}

/** Data field `i` (0-based: data1 is 0), '' when the line does not have it. */
export function dataField(ev: QueueLogEvent, i: number): string {
  const p = fieldStart(ev, i);
  if (p < 0) return '';
  const e = ev.raw.indexOf('|', p);
  return e < 0 ? ev.raw.slice(p) : ev.raw.slice(p, e);
}

/** How many data fields the line has. */
export function dataCount(ev: QueueLogEvent): number {
  if (ev.dataAt < 0) return 0;
  let n = 1;
  for (let p = ev.raw.indexOf('|', ev.dataAt); p >= 0; p = ev.raw.indexOf('|', p + 1)) n++;
  return n;
}

/** Data field `i` as a whole number, or null when missing or not a number. */
export function dataInt(ev: QueueLogEvent, i: number): number | null {
  const p = fieldStart(ev, i);
  if (p < 0) return null;
  const raw = ev.raw;
  const n = raw.length;
  let v = 0;
  let k = p;
  let neg = false;
  if (k < n && raw.charCodeAt(k) === 45) {
    neg = true;
    k++;
  }
  const digitsFrom = k;
  for (; k < n; k++) {
    const c = raw.charCodeAt(k);
    if (c === 124) break;
    if (c < 48 || c > 57) {
      const x = Number(dataField(ev, i));
      return Number.isFinite(x) && dataField(ev, i) !== '' ? Math.trunc(x) : null;
    }
    v = v * 10 + (c - 48);
  }
  if (k === digitsFrom) return null;
  return neg ? -v : v;
}

export interface ParserOptions {
  maxLineBytes?: number;
  duplicateWindowSeconds?: number;
}

export interface ParserSink {
  /** One good line. The object is reused for the next line: copy what you keep. */
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
  /**
   * Lines of the last `window` seconds, by epoch (a duplicate has its original's epoch): [line text, line
   * number, …] in one array per second. `seenOrder` lists those seconds as they were added, so the ones that
   * leave the window are dropped from its front — not by walking the whole map at every new second (a log has
   * about one line per second: that walk was most of the parser's time).
   */
  private seen = new Map<number, Array<string | number>>();
  private seenOrder: number[] = [];
  private seenHead = 0;
  private maxEpoch = -1;
  private readonly ev: QueueLogEvent = { line: 0, epoch: 0, callid: '', queue: '', agent: '', event: '', raw: '', dataAt: -1 };
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
    if (this.carry) {
      // Finish the unfinished line alone, so the rest of the chunk is decoded without a copy.
      const nl = buf.indexOf(NL);
      if (nl < 0) {
        this.carry = Buffer.concat([this.carry, buf]);
        this.checkLong();
        return;
      }
      const first = Buffer.concat([this.carry, buf.subarray(0, nl + 1)]);
      this.carry = null;
      if (first.length - 1 > this.maxLineBytes) this.bad(++this.lineNo, `line longer than ${this.maxLineBytes} bytes`);
      else this.lines(first);
      buf = buf.subarray(nl + 1);
    }
    const last = buf.lastIndexOf(NL);
    if (last < 0) {
      if (buf.length > 0) this.carry = Buffer.from(buf);
      this.checkLong();
      return;
    }
    this.carry = last + 1 < buf.length ? Buffer.from(buf.subarray(last + 1)) : null;
    this.lines(buf.subarray(0, last + 1));
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

  /**
   * `whole` ends with a newline. The chunk-wide checks run on the bytes, natively (simdutf's UTF-8 validation,
   * memchr for CR and NUL), not over the decoded text: the per-line checks only run in the rare chunks that need
   * them, so a clean chunk costs one decode and one scan for newlines.
   */
  private lines(whole: Buffer): void {
    if (!isUtf8(whole)) {
      this.linesSlow(whole);
      return;
    }
    const text = whole.toString('utf8');
    // CR and NUL are looked for per line only in chunks that have one.
    const check = whole.indexOf(13) >= 0 || whole.indexOf(0) >= 0;
    let pos = 0;
    const n = text.length;
    while (pos < n) {
      const nl = text.indexOf('\n', pos);
      this.line(text, pos, nl, ++this.lineNo, check);
      pos = nl + 1;
    }
  }

  /** A chunk that is not valid UTF-8: decode line by line so only the lines really invalid are reported. */
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
      this.line(s, 0, s.length, lineNo, true);
    }
  }

  private bad(line: number, reason: string): void {
    this.counts.lines++;
    this.counts.malformed++;
    this.sink.malformed({ line, reason });
  }

  /** The line text[from, to) (without its newline). */
  private line(text: string, from: number, to: number, lineNo: number, check: boolean): void {
    if (from === to) return this.bad(lineNo, 'empty line');
    if (check) {
      if (text.charCodeAt(to - 1) === 13) return this.bad(lineNo, 'CRLF line ending');
      const z = text.indexOf('\0', from);
      if (z >= 0 && z < to) return this.bad(lineNo, 'NUL byte');
    }
    // epoch|callid|queue|agent|event[|data…]
    let epoch = 0;
    let p = from;
    for (; p < to; p++) {
      const c = text.charCodeAt(p);
      if (c === 124) break;
      if (c < 48 || c > 57 || p - from >= 12) {
        const e = text.indexOf('|', from);
        return this.bad(lineNo, `non-numeric epoch "${text.slice(from, e >= 0 && e < to ? e : to).slice(0, 20)}"`);
      }
      epoch = epoch * 10 + (c - 48);
    }
    const p1 = p;
    const p2 = p1 < to ? text.indexOf('|', p1 + 1) : -1;
    const p3 = p2 >= 0 && p2 < to ? text.indexOf('|', p2 + 1) : -1;
    const p4 = p3 >= 0 && p3 < to ? text.indexOf('|', p3 + 1) : -1;
    if (p4 < 0 || p4 >= to) {
      let fields = 1;
      for (let q = text.indexOf('|', from); q >= 0 && q < to; q = text.indexOf('|', q + 1)) fields++;
      return this.bad(lineNo, `too few fields (${fields}, need at least 5)`);
    }
    if (p1 === from) return this.bad(lineNo, 'non-numeric epoch ""');
    let p5 = text.indexOf('|', p4 + 1);
    if (p5 >= to) p5 = -1;
    const eventEnd = p5 < 0 ? to : p5;
    if (eventEnd === p4 + 1) return this.bad(lineNo, 'empty event name');
    const raw = text.slice(from, to);
    // Exact duplicates among the lines of the same second, within the window.
    if (epoch > this.maxEpoch) {
      this.maxEpoch = epoch;
      // Seconds added out of order may wait behind a later one: they can no longer match (a line is only looked
      // up when its second is inside the window), they just leave a little later.
      const order = this.seenOrder;
      const oldest = epoch - this.window;
      let h = this.seenHead;
      while (h < order.length && order[h]! < oldest) this.seen.delete(order[h++]!);
      if (h > 4096) {
        this.seenOrder = order.slice(h);
        h = 0;
      }
      this.seenHead = h;
    }
    if (epoch >= this.maxEpoch - this.window) {
      const same = this.seen.get(epoch);
      if (same === undefined) {
        this.seen.set(epoch, [raw, lineNo]);
        this.seenOrder.push(epoch);
      } else {
        for (let i = 0; i < same.length; i += 2) if (same[i] === raw) return this.bad(lineNo, `exact duplicate of line ${same[i + 1] as number}`);
        same.push(raw, lineNo);
      }
    }
    const known = knownEvent(text, p4 + 1, eventEnd);
    const event = known ?? text.slice(p4 + 1, eventEnd);
    const c = this.counts;
    c.lines++;
    c.kept++;
    if (p5 < 0 || text.indexOf('|', p5 + 1) < 0 || text.indexOf('|', p5 + 1) >= to) c.layout.single_data++;
    else c.layout.multi_data++;
    if (known === null) c.unknownEvents[event] = (c.unknownEvents[event] ?? 0) + 1;
    const ev = this.ev;
    ev.line = lineNo;
    ev.epoch = epoch;
    ev.callid = text.slice(p1 + 1, p2);
    ev.queue = text.slice(p2 + 1, p3);
    ev.agent = text.slice(p3 + 1, p4);
    ev.event = event;
    ev.raw = raw;
    ev.dataAt = p5 < 0 ? -1 : p5 + 1 - from;
    this.sink.event(ev);
  }
}
