/**
 * Runs in every test fork before its file: notes "this pid runs this file", so that the watchdog reporter (in
 * the main process) can name, inspect and stop the fork of a file that never ends.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { watchdogDir } from './paths.js';

const file = expect.getState().testPath;
if (file) {
  const dir = watchdogDir(process.ppid);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${process.pid}.file`), file);
}
