/**
 * Appends queue_log lines to the engine's own file (QUEUE_LOG_FILE). Writes are batched and serial; when the
 * disk refuses (full, read-only, a folder in the way) lines wait in memory — at most `maxPending`, the oldest
 * dropped and counted beyond — the status says so (for /health), and the next write tries again. Never throws.
 */
import { appendFile, mkdir } from 'node:fs/promises';
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
          await appendFile(this.file, `${batch.join('\n')}\n`);
          this.written += batch.length;
          this.lastError = null;
        } catch (err) {
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
