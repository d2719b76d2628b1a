import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds web/dist when stale, before the browser tests load it.
    globalSetup: ['./test/support/web-build.global.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests bind UDP/TCP ports and spawn workers; two cores → two forks at once.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
