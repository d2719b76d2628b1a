import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { count, ImportLimitError, size } from '../limits.js';

/** One file of a zip archive, from its central directory. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  /** As declared; the reader counts what it really inflates. */
  uncompressedSize: number;
  localHeaderOffset: number;
}

/** Shared across the entries of one archive: how many inflated bytes may still be produced. */
export interface InflateBudget {
  remaining: number;
  readonly limit: number;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Reads the central directory of a zip file (random access; the upload is spooled to disk first). Refuses more
 * than `maxEntries` entries, declared sizes above the budget (an honest bomb is refused before anything is
 * inflated), ZIP64 and encryption. Streaming readers that follow local headers (unzipper, hence exceljs) can be
 * fed entries that are not in the directory; this one reads only what the directory lists.
 */
export async function readZipDirectory(path: string, o: { maxEntries: number; maxBytes: number }): Promise<ZipEntry[]> {
  const fh = await open(path, 'r');
  try {
    const { size: fileSize } = await fh.stat();
    const tailLen = Math.min(fileSize, 22 + 65_535);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, fileSize - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new ImportLimitError('not an XLSX file (no zip directory found)');
    const entries = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (entries === 0xffff || cdOffset === 0xffffffff || cdSize === 0xffffffff) throw new ImportLimitError('ZIP64 workbooks are not supported');
    if (entries > o.maxEntries) throw new ImportLimitError(`zip entries exceed ${count(o.maxEntries)} (${count(entries)})`);
    if (cdOffset + cdSize > fileSize) throw new ImportLimitError('not an XLSX file (broken zip directory)');
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const out: ZipEntry[] = [];
    let declared = 0;
    for (let p = 0, n = 0; n < entries; n++) {
      if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL) throw new ImportLimitError('not an XLSX file (broken zip directory)');
      const flags = cd.readUInt16LE(p + 8);
      if ((flags & 1) !== 0) throw new ImportLimitError('encrypted workbooks are not supported');
      const nameLen = cd.readUInt16LE(p + 28);
      const entry: ZipEntry = {
        method: cd.readUInt16LE(p + 10),
        compressedSize: cd.readUInt32LE(p + 20),
        uncompressedSize: cd.readUInt32LE(p + 24),
        localHeaderOffset: cd.readUInt32LE(p + 42),
        name: cd.toString('utf8', p + 46, p + 46 + nameLen),
      };
      declared += entry.uncompressedSize;
      out.push(entry);
      p += 46 + nameLen + cd.readUInt16LE(p + 30) + cd.readUInt16LE(p + 32);
    }
    if (declared > o.maxBytes) throw new ImportLimitError(`decompressed size exceeds ${size(o.maxBytes)} (the archive declares ${size(declared)})`);
    return out;
  } finally {
    await fh.close();
  }
}

/** An entry's inflated bytes; fails with ImportLimitError as soon as the archive's budget is spent. */
export async function entryStream(path: string, entry: ZipEntry, budget: InflateBudget): Promise<Readable> {
  if (entry.method !== 0 && entry.method !== 8) throw new ImportLimitError(`zip entry ${entry.name} uses an unsupported compression (${entry.method})`);
  const fh = await open(path, 'r');
  const header = Buffer.alloc(30);
  try {
    await fh.read(header, 0, 30, entry.localHeaderOffset);
  } finally {
    await fh.close();
  }
  if (header.readUInt32LE(0) !== LOCAL) throw new ImportLimitError(`not an XLSX file (broken zip entry ${entry.name})`);
  const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (entry.compressedSize === 0) return Readable.from([]);
  const raw = createReadStream(path, { start, end: start + Math.max(0, entry.compressedSize) - 1, highWaterMark: 64 * 1024 });
  const counted = new Transform({
    transform(chunk: Buffer, _enc, done) {
      budget.remaining -= chunk.length;
      if (budget.remaining < 0) done(new ImportLimitError(`decompressed size exceeds ${size(budget.limit)}`));
      else done(null, chunk);
    },
  });
  const source: Readable = entry.method === 8 ? raw.pipe(createInflateRaw({ chunkSize: 64 * 1024 })) : raw;
  source.on('error', (err: Error) => counted.destroy(err));
  raw.on('error', (err: Error) => counted.destroy(err));
  counted.on('close', () => {
    raw.destroy();
    if (source !== raw) source.destroy();
  });
  return source.pipe(counted);
}
