/**
 * A real small filesystem for disk-full tests: a tmpfs of `bytes` mounted on a fresh temp folder (the tests run as
 * root, locally and in CI). `fill()` writes a file until the kernel answers ENOSPC, so SQLite's next write that
 * needs space fails with SQLITE_FULL exactly as on a full production disk; `free()` deletes that file.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  dir: string;
  /** Fills every free byte (a file named `.fill`). */
  fill(): void;
  /** Deletes the fill file: the space is back. */
  free(): void;
  /** Unmounts (lazily: a process may still hold a file) and removes the folder. */
  close(): void;
}

export function mountSmallDisk(name: string, bytes: number): SmallDisk {
  const dir = mkdtempSync(join(tmpdir(), `centralita-${name}-`));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes}`, 'tmpfs', dir], { timeout: 30_000 });
  const fillPath = join(dir, '.fill');
  return {
    dir,
    fill() {
      const fd = openSync(fillPath, 'a');
      try {
        for (const size of [1 << 20, 64 << 10, 4 << 10, 512, 1]) {
          const chunk = Buffer.alloc(size, 0x55);
          try {
            for (;;) writeSync(fd, chunk);
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(fillPath, { force: true });
    },
    close() {
      try {
        execFileSync('umount', ['-l', dir], { timeout: 30_000 });
      } catch {
        /* not mounted any more */
      }
      try {
        rmdirSync(dir);
      } catch {
        /* still busy: the OS cleans /tmp */
      }
    },
  };
}
