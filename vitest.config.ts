import { defineConfig } from 'vitest/config';
import { watchdogOptions, watchdogReporter } from './test/support/watchdog/index.js';
import { LongFirstSequencer } from './test/support/sequencer/index.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds web/dist when stale, before the browser tests load it.
    globalSetup: ['./test/support/web-build.global.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Three forks on two cores: the long files mostly wait on real time (calls ringing and talking, Asterisk
    // restarting, reconnect backoff) — the fault suite used 48 s of CPU in 106 s of wall time — so a third fork
    // fills the idle CPU and shortens the run (CI's goal: under 15 minutes); every port a test binds is its own.
    pool: 'forks',
    maxWorkers: 3,
    // Known-long files start first so that no fork runs a 2-minute file alone at the end (see the sequencer).
    sequence: { sequencer: LongFirstSequencer },
    // A file whose fork blocks for good is named, inspected and stopped instead of holding the run to CI's limit.
    ...watchdogOptions(),
    reporters: ['default', './test/support/summary-reporter.ts', watchdogReporter],
  },
});
