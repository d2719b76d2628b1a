/**
 * The test watchdog (test/support/watchdog) on a real vitest run: one file blocks its fork synchronously for good
 * (where vitest's own timeouts cannot fire), the other passes. Without the watchdog this run never ends.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const fixtureConfig = join(root, 'test/fixtures/watchdog/vitest.config.ts');

it('names the blocked file and its test, shows the process tree, stops the fork, and lets the run end', async () => {
  // stdout and stderr into one pipe, as a CI log holds them (`> log 2>&1`): read from two pipes, the order in which
  // their chunks reach us is not the order the child wrote them, and the summary-then-watchdog check below once failed so.
  const child = spawn('sh', ['-c', 'exec "$@" 2>&1', 'sh', process.execPath, join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', fixtureConfig], {
    cwd: root,
    // 0.05 min = 3 s to the warning, 0.1 min = 6 s to the kill: the checks run every second at these limits.
    env: { ...process.env, TEST_WATCHDOG_WARN_MIN: '0.05', TEST_WATCHDOG_KILL_MIN: '0.1', NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const code = await new Promise<number | null>((resolve) => {
    // The bound of this test: without the watchdog the child would run forever.
    const guard = setTimeout(() => child.kill('SIGKILL'), 100_000);
    child.on('exit', (c) => {
      clearTimeout(guard);
      resolve(c);
    });
  });
  expect(out).toMatch(/\[test watchdog\] .*blocks\.fixture-test\.ts has run for \d+ min \d+ s; running test: /);
  expect(out).toMatch(/PID +PPID +ELAPSED/);
  expect(out).not.toMatch(/\[kworker/);
  expect(out).toMatch(/\[test watchdog\] .*blocks\.fixture-test\.ts has run for \d+ min \d+ s: stopping its fork \(pid \d+\)/);
  expect(out).toMatch(/✓ .*passes\.fixture-test\.ts/);
  // The blocked file is a failure (vitest saw its worker die), and the run ended by itself.
  expect(code).toBe(1);
  expect(out).toMatch(/Worker exited unexpectedly/);
  // Said again after the summary, where CI shows a run's last lines.
  expect(out.slice(out.lastIndexOf('Test Files'))).toMatch(/\[test watchdog\] stopped 1 file\(s\) that never ended[^]*blocks\.fixture-test\.ts after \d+ min \d+ s/);
  expect(out).toMatch(/Test Files +1 passed \(2\)/);
}, 120_000);
