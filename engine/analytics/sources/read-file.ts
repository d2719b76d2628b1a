/**
 * Plain and gzip'd queue_log files, streamed in 1 MiB chunks (gzip is recognised by its magic bytes, not its
 * name), and folders of rotated files read oldest first. A rotated file's age comes from its first line's epoch,
 * because Asterisk's own rotation strategies number files in opposite orders (`sequential`: higher is newer;
 * `rotate` and logrotate: higher is older) and `timestamp` names them by epoch. A file that cannot be read to its
 * end (corrupt gzip, I/O error) is reported beside the malformed lines and the run goes on.
 */
import { createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip, gunzipSync } from 'node:zlib';
import type { QueueLogAnalysis } from '../analysis.js';

const CHUNK = 1 << 20;

export async function isGzip(file: string): Promise<boolean> {
  const fh = await open(file, 'r');
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** Streams one file's bytes (decompressed when gzip'd) to `onChunk`, from byte `skip` of the content. */
export async function streamFile(file: string, onChunk: (b: Buffer) => void, skip = 0): Promise<{ bytes: number; gzip: boolean }> {
  const gzip = await isGzip(file);
  const src = createReadStream(file, { highWaterMark: CHUNK, start: gzip ? 0 : skip });
  const stream = gzip ? src.pipe(createGunzip({ chunkSize: CHUNK })) : src;
  let bytes = gzip ? 0 : skip;
  let toSkip = gzip ? skip : 0;
  try {
    for await (const raw of stream as AsyncIterable<Buffer>) {
      let chunk = raw;
      if (toSkip > 0) {
        if (chunk.length <= toSkip) {
          toSkip -= chunk.length;
          bytes += chunk.length;
          continue;
        }
        chunk = chunk.subarray(toSkip);
        bytes += toSkip;
        toSkip = 0;
      }
      bytes += chunk.length;
      onChunk(chunk);
    }
  } finally {
    src.destroy();
  }
  return { bytes, gzip };
}

/** One file into the analysis. Returns false (and reports why) when it could not be read to its end. */
export async function readQueueLogFile(analysis: QueueLogAnalysis, file: string, label?: string): Promise<boolean> {
  analysis.beginSource(label);
  try {
    await streamFile(file, (b) => analysis.push(b));
    analysis.end();
    return true;
  } catch (err) {
    analysis.end();
    analysis.sourceError(`file not read to its end: ${(err as Error).message}`);
    return false;
  }
}

/** First bytes of a file's content (decompressed), for ordering and for recognising a rotated file. */
export async function headBytes(file: string, n = 4096): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const raw = Buffer.alloc(Math.max(n, 65_536));
    const { bytesRead } = await fh.read(raw, 0, raw.length, 0);
    const b = raw.subarray(0, bytesRead);
    if (b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b) {
      try {
        return gunzipSync(b, { finishFlush: 2 /* Z_SYNC_FLUSH: a truncated stream is fine */ }).subarray(0, n);
      } catch {
        return Buffer.alloc(0);
      }
    }
    return b.subarray(0, n);
  } finally {
    await fh.close();
  }
}

function firstEpoch(head: Buffer): number | null {
  const m = /^(\d{1,12})\|/m.exec(head.toString('utf8'));
  return m ? Number(m[1]) : null;
}

/** The rotated files of `base` (e.g. queue_log) in `dir`, oldest first, the live file last. */
export async function rotatedFiles(dir: string, base = 'queue_log'): Promise<string[]> {
  const names = (await readdir(dir)).filter((n) => n === base || n.startsWith(`${base}.`) || n.startsWith(`${base}-`));
  const rows: { file: string; epoch: number | null; live: boolean }[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    const st = await stat(file);
    if (!st.isFile() || /\.(pos|checkpoint|json|tmp)$/.test(name)) continue;
    rows.push({ file, epoch: firstEpoch(await headBytes(file)), live: name === base });
  }
  rows.sort((a, b) => {
    if (a.live !== b.live) return a.live ? 1 : -1;
    const ea = a.epoch ?? Number.MAX_SAFE_INTEGER;
    const eb = b.epoch ?? Number.MAX_SAFE_INTEGER;
    return ea - eb || a.file.localeCompare(b.file);
  });
  return rows.map((r) => r.file);
}

/** Every rotated file of a folder, oldest first, into one analysis (malformed entries name their file). */
export async function readQueueLogFolder(analysis: QueueLogAnalysis, dir: string, base = 'queue_log'): Promise<string[]> {
  const files = await rotatedFiles(dir, base);
  for (const f of files) await readQueueLogFile(analysis, f, path.basename(f));
  return files;
}
