/**
 * Where the test watchdog's forks say which file they run, and where Node writes their diagnostic reports.
 * Keyed by the vitest main process's pid, so two runs on one machine never read each other's notes.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function watchdogDir(mainPid: number): string {
  return join(tmpdir(), `vitest-watchdog-${mainPid}`);
}
