import { defineConfig } from 'vitest/config';
import { watchdogOptions, watchdogReporter } from './test/support/watchdog/index.js';
import { LongFirstSequencer } from './test/support/sequencer/index.js';

export default defineConfig({
  test: {
    // Builds web/dist when stale, before the browser tests load it.
    globalSetup: ['./test/support/web-build.global.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests bind UDP/TCP ports and spawn workers; two cores → two forks at once. Three were tried
    // (the whole run needs ~1,000 CPU-s: 991 in a 1,325 s run beside other work), and real-time tests starved
    // each other at equal priority: 160 ms gaps in a 20 ms RTP stream, a recording's pause off by 827 ms (ci2,
    // 4 of 1,224 failed).
    pool: 'forks',
    maxWorkers: 2,
    // Known-long files start first so that no fork runs a 2-minute file alone at the end (see the sequencer).
    sequence: { sequencer: LongFirstSequencer },
    // A file whose fork blocks for good is named, inspected and stopped instead of holding the run to CI's limit.
    ...watchdogOptions(),
    reporters: ['default', './test/support/summary-reporter.ts', watchdogReporter],
    // Unit tests (pure code: no processes, ports or real-time waits; the one that changes PATH puts it back) run one
    // after another in forks that keep their loaded modules (isolate: false; the sequencer queues them together):
    // a fresh fork importing its modules again for each of ~100 small files cost more than their tests (the 105 unit
    // files, 2 forks, back to back on a machine loaded ~8 by other work: 96 s isolated, 61 s of it imports; 49 s not
    // isolated, 20 s of imports). Every other test file keeps a fresh fork of its own.
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false } },
      // (`include` only here, not at the top: a project that extends the top config adds its arrays to the top's.)
      { extends: true, test: { name: 'real', include: ['test/**/*.test.ts'], exclude: ['test/unit/**'] } },
    ],
  },
});
