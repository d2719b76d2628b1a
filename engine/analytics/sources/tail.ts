/**
 * A live tail of a queue_log that follows rotation (rename + new file: the old file is read to its end through
 * the handle still open on it) and truncation (copytruncate: the copy next to it, recognised by its first bytes,
 * gives the lines written since the last read; then the file is read again from 0), and that remembers where
 * it was across restarts. The checkpoint file holds, written atomically together, the byte offset of the last
 * complete line, the file's identity (dev, inode, first bytes) and the aggregator's state: a crash before a
 * checkpoint re-reads lines the saved state does not have, a restart resumes exactly after the lines it has, so
 * no line is lost or counted twice. When the file was rotated while the tail was down, the rotated file (same
 * inode, or same first bytes when gzip'd or copied) is read from the saved offset first.
 *
 * Time comes from the injected Clock (polling; tests advance a VirtualClock). Errors never escape: they are
 * kept in `status.lastError` and the next poll tries again.
 */
import type { Stats } from 'node:fs';
import { open, readdir, rename, stat, writeFile, readFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Clock, TimerHandle } from '../../clock/index.js';
import { AGGREGATOR_STATE_VERSION, type AggregatorState } from '../aggregate.js';
import type { MalformedEntry, QueueLogAnalysis } from '../analysis.js';
import type { ParserCounts } from '../parser.js';
import { headBytes, streamFile } from './read-file.js';

const HEAD = 256;
const CHUNK = 1 << 20;

export interface TailCheckpoint {
  v: 1;
  file: string;
  dev: number;
  ino: number;
  /** Bytes of complete lines consumed from this file. */
  offset: number;
  /** Lines consumed from this file. */
  line: number;
  /** Base64 of the file's first bytes (up to 256) when the checkpoint was written. */
  head: string;
  counts: ParserCounts;
  malformed: MalformedEntry[];
  state: AggregatorState;
  rotations: number;
  truncations: number;
}

export interface TailStatus {
  file: string;
  following: boolean;
  offset: number;
  line: number;
  rotations: number;
  truncations: number;
  lastPollAt: number | null;
  lastError: string | null;
}

export interface TailOptions {
  file: string;
  checkpointFile: string;
  clock: Clock;
  pollMs?: number;
  /** Builds the analysis, from a saved aggregator state after a restart. */
  createAnalysis: (state?: AggregatorState) => QueueLogAnalysis;
  /** Called after each poll that consumed lines. */
  onUpdate?: () => void;
}

interface Current {
  fh: FileHandle;
  dev: number;
  ino: number;
  /** Read offset (bytes pushed to the parser); the committed offset subtracts the parser's unfinished line. */
  offset: number;
  head: Buffer;
}

export class QueueLogTail {
  analysis: QueueLogAnalysis;
  private cur: Current | null = null;
  private timer: TimerHandle | undefined;
  private running: Promise<void> = Promise.resolve();
  private rotations = 0;
  private truncations = 0;
  private lastPollAt: number | null = null;
  private lastError: string | null = null;
  private started = false;

  constructor(private readonly opts: TailOptions) {
    this.analysis = opts.createAnalysis();
  }

  status(): TailStatus {
    return {
      file: this.opts.file,
      following: this.started,
      offset: this.cur ? this.cur.offset - this.analysis.parser.pendingBytes : 0,
      line: this.analysis.parser.linesDone,
      rotations: this.rotations,
      truncations: this.truncations,
      lastPollAt: this.lastPollAt,
      lastError: this.lastError,
    };
  }

  /** Loads the checkpoint (catching up on what was written meanwhile) and polls every `pollMs`. */
  async start(): Promise<void> {
    this.started = true;
    await this.serial(() => this.resume());
    await this.poll();
    this.timer = this.opts.clock.setInterval(() => void this.poll(), this.opts.pollMs ?? 1000);
  }

  async stop(): Promise<void> {
    this.started = false;
    this.opts.clock.clearInterval(this.timer);
    await this.running;
    await this.serial(async () => {
      await this.save();
      await this.cur?.fh.close();
      this.cur = null;
    });
  }

  /** One poll; concurrent calls queue behind each other. */
  poll(): Promise<void> {
    return this.serial(() => this.pollOnce());
  }

  private serial(fn: () => Promise<void>): Promise<void> {
    const next = this.running.then(fn).catch((err: unknown) => {
      this.lastError = err instanceof Error ? err.message : String(err);
    });
    this.running = next;
    return next;
  }

  private async resume(): Promise<void> {
    let cp: TailCheckpoint;
    try {
      cp = JSON.parse(await readFile(this.opts.checkpointFile, 'utf8')) as TailCheckpoint;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.lastError = `checkpoint not read, starting from the beginning: ${(err as Error).message}`;
      return;
    }
    if (cp.state?.v !== AGGREGATOR_STATE_VERSION) {
      // Written by an older version whose totals have another shape: read the file again from its start.
      this.lastError = `checkpoint of another version (${String(cp.state?.v)}), reading the file again from the beginning`;
      return;
    }
    this.analysis = this.opts.createAnalysis(cp.state);
    this.analysis.parser.resume(cp.line, cp.counts);
    this.analysis.malformed.push(...cp.malformed);
    this.rotations = cp.rotations;
    this.truncations = cp.truncations;
    const head = Buffer.from(cp.head, 'base64');
    const st = await statOrNull(this.opts.file);
    if (st && st.ino === cp.ino && st.dev === cp.dev && st.size >= cp.offset && (await startsWith(this.opts.file, head))) {
      this.cur = { fh: await open(this.opts.file, 'r'), dev: st.dev, ino: st.ino, offset: cp.offset, head };
      return;
    }
    // Rotated or truncated while we were down: finish the old content from the saved offset, then start anew.
    if (cp.offset > 0 || cp.line > 0) {
      const old = await this.findOldContent(cp.ino, cp.dev, head);
      if (old) {
        await streamFile(old, (b) => this.analysis.push(b), cp.offset);
      } else {
        this.lastError = `the file at the saved position (inode ${cp.ino}) is gone; lines written after byte ${cp.offset} of it were not read`;
      }
      this.analysis.end();
      if (st && st.ino === cp.ino) this.truncations++;
      else this.rotations++;
    }
    this.analysis.beginSource();
  }

  /** A file beside ours holding the old content: the same inode (renamed), or the same first bytes (copy, gzip). */
  private async findOldContent(ino: number, dev: number, head: Buffer): Promise<string | null> {
    const dir = path.dirname(this.opts.file);
    const base = path.basename(this.opts.file);
    const names = (await readdir(dir)).filter((n) => n !== base && n.startsWith(base) && n !== path.basename(this.opts.checkpointFile) && !n.endsWith('.tmp'));
    for (const n of names) {
      const st = await statOrNull(path.join(dir, n));
      if (st && st.ino === ino && st.dev === dev) return path.join(dir, n);
    }
    if (head.length === 0) return null;
    for (const n of names) {
      const f = path.join(dir, n);
      const h = await headBytes(f, head.length);
      if (h.equals(head)) return f;
    }
    return null;
  }

  private async pollOnce(): Promise<void> {
    this.lastPollAt = this.opts.clock.now();
    const before = this.analysis.parser.counts.lines;
    const st = await statOrNull(this.opts.file);
    if (this.cur && st && (st.ino !== this.cur.ino || st.dev !== this.cur.dev)) {
      // Rotated: what was written to the old file before the rename is read through our handle.
      await this.drain();
      this.analysis.end();
      await this.cur.fh.close();
      this.cur = null;
      this.rotations++;
      this.analysis.beginSource();
    }
    if (this.cur && st && (st.size < this.cur.offset || !(await startsWith(this.opts.file, this.cur.head)))) {
      // Truncated (copytruncate): the copy has what we had not read yet.
      const copy = await this.findOldContent(-1, -1, this.cur.head);
      if (copy) await streamFile(copy, (b) => this.analysis.push(b), this.cur.offset);
      this.analysis.end();
      await this.cur.fh.close();
      this.cur = null;
      this.truncations++;
      this.analysis.beginSource();
    }
    if (!this.cur && st) {
      const fh = await open(this.opts.file, 'r');
      const fst = await fh.stat();
      this.cur = { fh, dev: fst.dev, ino: fst.ino, offset: 0, head: Buffer.alloc(0) };
    }
    if (this.cur) {
      await this.drain();
      if (this.cur.head.length < HEAD) this.cur.head = await headBytes(this.opts.file, HEAD).catch(() => this.cur!.head);
    }
    this.lastError = null;
    await this.save();
    if (this.analysis.parser.counts.lines !== before) this.opts.onUpdate?.();
  }

  private async drain(): Promise<void> {
    const cur = this.cur!;
    const buf = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const { bytesRead } = await cur.fh.read(buf, 0, CHUNK, cur.offset);
      if (bytesRead === 0) return;
      cur.offset += bytesRead;
      this.analysis.push(Buffer.from(buf.subarray(0, bytesRead)));
    }
  }

  private async save(): Promise<void> {
    const cur = this.cur;
    const p = this.analysis.parser;
    const cp: TailCheckpoint = {
      v: 1,
      file: this.opts.file,
      dev: cur?.dev ?? -1,
      ino: cur?.ino ?? -1,
      offset: cur ? cur.offset - p.pendingBytes : 0,
      line: p.linesDone,
      head: (cur?.head ?? Buffer.alloc(0)).toString('base64'),
      counts: p.counts,
      malformed: this.analysis.malformed.slice(0, 1000),
      state: this.analysis.aggregator.exportState(),
      rotations: this.rotations,
      truncations: this.truncations,
    };
    const tmp = `${this.opts.checkpointFile}.tmp`;
    await writeFile(tmp, JSON.stringify(cp));
    await rename(tmp, this.opts.checkpointFile);
  }
}

async function statOrNull(file: string): Promise<Stats | null> {
  try {
    return await stat(file);
  } catch {
    return null;
  }
}

async function startsWith(file: string, head: Buffer): Promise<boolean> {
  if (head.length === 0) return true;
  const h = await headBytes(file, head.length);
  return h.equals(head);
}
