/**
 * Files of recordings: where they go under RECORDINGS_DIR, written so that nothing is ever half-written (a temp
 * file in the same folder, fsync, then rename), and how full the disk is.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** `<dir>/<kind>/<YYYY-MM-DD>/<callId>.<ext>` (UTC day of the call): folders stay small, retention deletes by file. */
export function recordingPath(dir: string, kind: 'wav' | 'audio' | 'amd', callId: string, at: number, ext: string): string {
  const day = new Date(at).toISOString().slice(0, 10);
  return join(dir, kind, day, `${safeName(callId)}.${ext}`);
}

/** A call id as a file name (ids are ours, but a name never leaves its folder). */
export function safeName(id: string): string {
  return id.replace(/[^A-Za-z0-9._-]/g, '_');
}

/** A temp path beside `final` (same file system, so the rename is atomic). */
export function tempPathFor(final: string): string {
  return `${final}.tmp-${randomBytes(4).toString('hex')}`;
}

/** Writes `bytes` to `final` atomically: temp file, fsync, rename. The temp file is removed on failure. */
export async function writeFileAtomic(final: string, bytes: Uint8Array): Promise<void> {
  await mkdir(dirname(final), { recursive: true });
  const tmp = tempPathFor(final);
  try {
    const fh = await open(tmp, 'wx');
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, final);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Moves a finished temp file into place (after ffmpeg wrote it). */
export async function commitTemp(tmp: string, final: string): Promise<void> {
  await rename(tmp, final);
}

export interface DiskUsage {
  /** Bytes free for this process on the file system of RECORDINGS_DIR. */
  freeBytes: number;
  totalBytes: number;
}

export async function diskUsage(dir: string): Promise<DiskUsage> {
  await mkdir(dir, { recursive: true });
  const s = await statfs(dir);
  return { freeBytes: s.bavail * s.bsize, totalBytes: s.blocks * s.bsize };
}

/** A short, human message for a file-system failure (full disk named as such). */
export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC') return 'disk full (ENOSPC)';
  if (e?.code === 'EDQUOT') return 'disk quota exceeded (EDQUOT)';
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return `no permission (${e.code}: ${e.path ?? ''})`;
  return e?.message ?? String(err);
}
