/**
 * The queue_log table catches up from a node's own file (#18). A node's lines reach its QUEUE_LOG_FILE and, through
 * the engine's write queue, the shared `queue_log` table; lines still waiting for PostgreSQL at a stop, or in the
 * write queue at `kill -9`, are in the file only. At start, before the node numbers any new line, the lines of its
 * file after the table's last line for the node are inserted under the seq they would have had.
 *
 * The invariant this rests on: **`seq` numbers a node's well-formed lines in the order its engine wrote them, and the
 * node's file holds those same lines in that same order** (one translator feeds both, app/queue-log.ts; a line the
 * table cannot hold — fewer than five fields, a time that is not an integer — is written to the file but gets no
 * seq). So in the file, the well-formed line after the line of seq n is seq n+1. The file may lack lines the table
 * has (a disk that was full, a file deleted or rotated away, QUEUE_LOG_FILE off for a while) and have lines the table
 * lacks (the end lost at a stop or kill): the mapping is therefore anchored on content, never on line numbers.
 *
 * - Anchor: the table's last lines for the node (`ANCHOR_ROWS`), turned back into text; the last place in the file
 *   where one of them stands with the up to `VERIFY` lines before it matching the table too. The newest row that
 *   matches wins; the file's well-formed lines after it continue its seq. Those the table has already must match it
 *   (else: `diverged`, nothing inserted); the rest are inserted.
 * - The file is read from its end (a window that doubles, up to `maxBytes`): the missing lines are at its end.
 * - Not found in the file: its rotated predecessor `<file>.1` (logrotate's name) is tried, read before the file.
 *   Still not found (a file replaced, truncated, or rotated under another name): nothing is inserted — a line is
 *   never put under a seq that may not be its own — and the outcome says `not-found`.
 * - No line of the node in the table (its first start on PostgreSQL, e.g. after the SQLite product with the same
 *   file): every well-formed line of the file, from seq 1, read as a stream.
 * - Malformed lines after the anchor are counted, never fatal; a last line with no newline (a write cut short) is
 *   not inserted (`partial`).
 * - Reading twice writes nothing twice: the second run anchors on the lines the first inserted (and the insert is
 *   `ON CONFLICT DO NOTHING` on `(node_id, seq)`).
 *
 * Run before the node's writer opens (it numbers new lines after the table's last seq, caught-up ones included).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Logger } from '../engine/log/index.js';
import { describePgError } from '../engine/store/index.js';
import type { NodeQueueLogLine, PgQueueLog } from '../engine/store/pg/index.js';
import { queueLogColumns, queueLogLineOf } from './queue-log-table.js';

/** Table rows the file is matched against; one of them must still be in the file. */
const ANCHOR_ROWS = 32;
/** Lines before an anchor that must match the table too (fewer when the table or the file has fewer). */
const VERIFY = 3;
const FIRST_WINDOW = 1 << 20;
const INSERT_BATCH = 5000;

export type QueueLogCatchUpOutcome =
  /** QUEUE_LOG_FILE=off: nothing to read. */
  | 'off'
  /** The file does not exist (yet). */
  | 'no-file'
  /** The table had no line of the node: the file's lines from seq 1. */
  | 'from-start'
  /** The table's last lines found in the file: what follows them inserted (perhaps nothing). */
  | 'anchored'
  /** Found in `<file>.1`, read before the file. */
  | 'anchored-rotated'
  /** None of the table's last lines in the file (nor `<file>.1`): nothing inserted. */
  | 'not-found'
  /** The file's lines after the anchor differ from the table's: nothing inserted. */
  | 'diverged'
  /** Reading the file or writing the table failed (`error`): the node starts anyway. */
  | 'failed';

export interface QueueLogCatchUpStatus {
  file: string | null;
  outcome: QueueLogCatchUpOutcome;
  /** The table's last seq for the node before catching up. */
  tableSeq: number;
  /** Lines inserted, and their seqs (null when none). */
  inserted: number;
  fromSeq: number | null;
  toSeq: number | null;
  /** Lines of the table after the anchor the file lacks (it was behind the table). */
  fileBehind: number;
  /** Malformed lines met among those read after the anchor (or in the whole file from seq 1). */
  malformed: number;
  /** A last line with no newline, not inserted. */
  partial: boolean;
  /** Bytes of the file (and `<file>.1`) read. */
  bytesRead: number;
  durationMs: number;
  error: string | null;
}

type CatchUpTable = Pick<PgQueueLog, 'lastSeq' | 'tail' | 'append'>;

interface FileLine {
  text: string;
  ok: boolean;
}

/** The file's last bytes from `start`, split into lines (the first dropped when `start` cuts one), and the torn end. */
async function readLines(file: string, start: number, size: number): Promise<{ lines: FileLine[]; partial: boolean; bytes: number }> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(size - start);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await fh.read(buf, got, buf.length - got, start + got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    const text = buf.subarray(0, got).toString('utf8');
    const parts = text.split('\n');
    const last = parts.pop() ?? '';
    // Cut at `start`: the first piece may be the end of a line that began before the window.
    if (start > 0) parts.shift();
    return { lines: parts.filter((l) => l !== '').map((t) => ({ text: t, ok: queueLogColumns(t) !== null })), partial: last !== '', bytes: got };
  } finally {
    await fh.close();
  }
}

async function sizeOf(file: string): Promise<number | null> {
  try {
    const fh = await open(file, 'r');
    try {
      return (await fh.stat()).size;
    } finally {
      await fh.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/**
 * Where the table's rows stand in `lines`: the newest row whose text is in the file with the lines before it
 * matching the rows before it. Returns the index in `lines` and the row's position in `rows`; null when none.
 * `whole`: the lines start at the file's start (a match near their start cannot be verified further back).
 */
function findAnchor(lines: FileLine[], rows: string[], whole: boolean): { at: number; row: number } | null {
  const good: number[] = [];
  for (let i = 0; i < lines.length; i++) if (lines[i]!.ok) good.push(i);
  for (let j = rows.length - 1; j >= 0; j--) {
    const need = Math.min(VERIFY, j);
    for (let g = good.length - 1; g >= 0; g--) {
      if (lines[good[g]!]!.text !== rows[j]) continue;
      if (g < need && !whole) continue; // would need lines before the window: a wider one decides
      let ok = true;
      for (let k = 1; k <= Math.min(need, g); k++) if (lines[good[g - k]!]!.text !== rows[j - k]) ok = false;
      if (ok) return { at: good[g]!, row: j };
    }
  }
  return null;
}

/**
 * No line of the node in the table: the whole file from seq 1, read as a stream (a file of years must not be held in
 * memory), inserted `INSERT_BATCH` lines at a time.
 */
async function fromStart(file: string, size: number, status: QueueLogCatchUpStatus, append: (lines: NodeQueueLogLine[]) => Promise<void>): Promise<void> {
  if (size === 0) return;
  // A last line with no newline (a write cut short) is not a line of the stream.
  const fh = await open(file, 'r');
  let torn = false;
  try {
    const last = Buffer.alloc(1);
    await fh.read(last, 0, 1, size - 1);
    torn = last[0] !== 0x0a;
  } finally {
    await fh.close();
  }
  status.partial = torn;
  let seq = 0;
  let batch: NodeQueueLogLine[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    await append(batch);
    status.inserted += batch.length;
    status.fromSeq ??= batch[0]!.seq;
    status.toSeq = batch[batch.length - 1]!.seq;
    batch = [];
  };
  let pending: string | null = null;
  // Only the bytes there now: lines appended meanwhile are not this run's (nothing appends before the writer opens).
  const lines = createInterface({ input: createReadStream(file, { start: 0, end: size - 1 }), crlfDelay: Infinity });
  for await (const text of lines) {
    // One line behind: the last one is left out when torn.
    if (pending !== null) {
      const cols = pending === '' ? undefined : queueLogColumns(pending);
      if (cols) batch.push({ ...cols, seq: ++seq });
      else if (cols === null) status.malformed++;
      if (batch.length >= INSERT_BATCH) await flush();
    }
    pending = text;
  }
  if (pending !== null && !torn) {
    const cols = pending === '' ? undefined : queueLogColumns(pending);
    if (cols) batch.push({ ...cols, seq: ++seq });
    else if (cols === null) status.malformed++;
  }
  status.bytesRead = size;
  await flush();
}

export async function catchUpQueueLog(o: {
  nodeId: string;
  file: string | null;
  table: CatchUpTable;
  logger: Logger;
  /** How much of the file's end is read at most to find the anchor (default 256 MiB). */
  maxBytes?: number;
}): Promise<QueueLogCatchUpStatus> {
  const began = Date.now();
  const status: QueueLogCatchUpStatus = {
    file: o.file,
    outcome: 'off',
    tableSeq: 0,
    inserted: 0,
    fromSeq: null,
    toSeq: null,
    fileBehind: 0,
    malformed: 0,
    partial: false,
    bytesRead: 0,
    durationMs: 0,
    error: null,
  };
  const done = (): QueueLogCatchUpStatus => {
    status.durationMs = Date.now() - began;
    const log = status.outcome === 'not-found' || status.outcome === 'diverged' || status.outcome === 'failed' ? 'warn' : 'info';
    if (status.outcome !== 'off' && (status.inserted > 0 || log === 'warn')) {
      o.logger[log]({ ...status }, status.inserted > 0 ? 'queue_log table caught up from this node\'s file' : `queue_log table not caught up from this node's file (${status.outcome})`);
    }
    return status;
  };
  if (o.file === null) return done();
  const maxBytes = o.maxBytes ?? 256 * 1024 * 1024;
  try {
    status.tableSeq = await o.table.lastSeq(o.nodeId);
    const size = await sizeOf(o.file);
    if (size === null) {
      status.outcome = 'no-file';
      return done();
    }

    if (status.tableSeq === 0) {
      status.outcome = 'from-start';
      await fromStart(o.file, size, status, (lines) => o.table.append(o.nodeId, lines));
      return done();
    }
    let after: FileLine[];
    let nextSeq: number;
    let tableRows: NodeQueueLogLine[] = [];
    {
      tableRows = await o.table.tail(o.nodeId, ANCHOR_ROWS);
      const texts = tableRows.map((r) => queueLogLineOf(r));
      let found: { lines: FileLine[]; at: number; row: number; rotated: boolean } | null = null;
      // The file's end, in a window that doubles until the anchor is in it (or the whole file, or maxBytes).
      let window = Math.min(FIRST_WINDOW, size);
      let current: { lines: FileLine[]; partial: boolean } = { lines: [], partial: false };
      for (;;) {
        const start = size - window;
        const r = await readLines(o.file, start, size);
        status.bytesRead += r.bytes;
        current = r;
        const a = findAnchor(r.lines, texts, start === 0);
        if (a) {
          found = { lines: r.lines, ...a, rotated: false };
          break;
        }
        if (start === 0 || window >= maxBytes) break;
        window = Math.min(window * 2, size, maxBytes);
      }
      status.partial = current.partial;
      if (!found && window >= size) {
        // Rotated since the table's last line? Its predecessor, then the whole file, as one stream.
        const prevSize = await sizeOf(`${o.file}.1`);
        if (prevSize !== null && prevSize + size <= maxBytes) {
          const prev = await readLines(`${o.file}.1`, 0, prevSize);
          status.bytesRead += prev.bytes;
          // A torn last line of the old file is not a line of the stream.
          const lines = [...prev.lines, ...current.lines];
          const a = findAnchor(lines, texts, true);
          if (a) found = { lines, ...a, rotated: true };
        }
      }
      if (!found) {
        status.outcome = 'not-found';
        return done();
      }
      status.outcome = found.rotated ? 'anchored-rotated' : 'anchored';
      after = found.lines.slice(found.at + 1);
      nextSeq = tableRows[found.row]!.seq + 1;
    }

    // The well-formed lines after the anchor continue its seq: those the table has must be its lines.
    const bySeq = new Map(tableRows.map((r) => [r.seq, queueLogLineOf(r)]));
    const missing: NodeQueueLogLine[] = [];
    let seq = nextSeq;
    for (const l of after) {
      if (!l.ok) {
        status.malformed++;
        continue;
      }
      if (seq <= status.tableSeq) {
        const theirs = bySeq.get(seq);
        if (theirs !== undefined && theirs !== l.text) {
          status.outcome = 'diverged';
          status.error = `the file's line for seq ${seq} differs from the table's`;
          return done();
        }
      } else {
        missing.push({ ...queueLogColumns(l.text)!, seq });
      }
      seq++;
    }
    // The file ended before the table did (the table had lines the file never got).
    if (seq <= status.tableSeq) status.fileBehind = status.tableSeq - seq + 1;
    for (let i = 0; i < missing.length; i += INSERT_BATCH) await o.table.append(o.nodeId, missing.slice(i, i + INSERT_BATCH));
    if (missing.length > 0) {
      status.inserted = missing.length;
      status.fromSeq = missing[0]!.seq;
      status.toSeq = missing[missing.length - 1]!.seq;
    }
    return done();
  } catch (err) {
    status.outcome = 'failed';
    status.error = describePgError(err);
    return done();
  }
}
