#!/usr/bin/env node
// Builds the server's precompiled bundles (bin/server-build.mjs) when missing or stale; `--force` builds anyway.
// `npm test`'s pretest runs it beside the type checks; bin/centralita.mjs would otherwise build at its first start.
import { buildServer } from '../bin/server-build.mjs';

const started = performance.now();
try {
  const build = await buildServer({ force: process.argv.includes('--force') });
  console.log(build.built ? `Server built in ${((performance.now() - started) / 1000).toFixed(1)} s (${build.dir}).` : `Server build up to date (${build.dir}).`);
} catch (err) {
  // esbuild's errors name the file and line.
  console.error(`The server could not be built: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
}
