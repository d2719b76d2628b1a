/**
 * Appends queue_log lines to the engine's own file (QUEUE_LOG_FILE). Writes are batched and serial; when the
 * disk refuses (full, read-only, a folder in the way) lines wait in memory — at most `maxPending`, the oldest
 * dropped and counted beyond — the status says so (for /health), and the next write tries again. Never throws.
 *
 * A file whose last line has no newline (a process killed mid-write, a write the disk cut short) gets one before the
 * next line, so that line is not glued onto the torn one: checked before the first write and after a failed one.
 * The torn line stays as it was; catch-up (app/queue-log-catch-up.ts) reads it as malformed when it is, or as a line.
 */
import { appendFile, mkdir, open } from 'node:fs/promises';
import path from 'node:path';

export interface QueueLogFileStatus {
  file: string;
  ok: boolean;
  written: number;
  pending: number;
  dropped: number;
  lastError: string | null;
}

export class QueueLogFile {
  private pending: string[] = [];
  private writing: Promise<void> | null = null;
  private written = 0;
  private dropped = 0;
  private lastError: string | null = null;
  /** Whether the file's end must be read before the next write (at the first, and after a write that failed). */
  private checkEnd = true;

  constructor(
    readonly file: string,
    private readonly maxPending = 100_000,
  ) {}

  append(line: string): void {
    this.pending.push(line);
    this.cap();
    if (!this.writing) this.writing = this.flushLoop();
  }

  private cap(): void {
    if (this.pending.length > this.maxPending) {
      const over = this.pending.length - this.maxPending;
      this.pending.splice(0, over);
      this.dropped += over;
    }
  }

  /** Waits for what is queued to be written (or to fail once). */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (this.pending.length > 0) {
      this.writing = this.flushLoop();
      await this.writing;
    }
  }

  status(): QueueLogFileStatus {
    return { file: this.file, ok: this.lastError === null, written: this.written, pending: this.pending.length, dropped: this.dropped, lastError: this.lastError };
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        try {
          await mkdir(path.dirname(this.file), { recursive: true });
          const fresh = this.checkEnd && (await endsTorn(this.file)) ? '\n' : '';
          await appendFile(this.file, `${fresh}${batch.join('\n')}\n`);
          this.checkEnd = false;
          this.written += batch.length;
          this.lastError = null;
        } catch (err) {
          this.checkEnd = true;
          this.lastError = (err as Error).message;
          this.pending = batch.concat(this.pending);
          this.cap();
          return; // retried on the next append or flush
        }
      }
    } finally {
      this.writing = null;
    }
  }
}

/** Whether `file` ends in the middle of a line (not empty, last byte not a newline); false when it does not exist. */
async function endsTorn(file: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
  try {
    const { size } = await fh.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await fh.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await fh.close();
  }
}
