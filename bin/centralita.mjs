#!/usr/bin/env node
// The one CLI entry. Sources are TypeScript: they run from the server's precompiled build (bin/server-build.mjs,
// built here when missing or older than its sources), or through tsx's loader when the build cannot be made or
// CENTRALITA_FROM_SOURCE=1 asks for it. Worker threads follow what this process chose (bin/source-loader.mjs).
import { buildServer } from './server-build.mjs';

let build = null;
if (process.env['CENTRALITA_FROM_SOURCE'] !== '1') {
  try {
    build = await buildServer();
  } catch {
    // A source that does not compile: tsx reports it where it is loaded, as without a build.
  }
}
let main;
if (build) {
  process.env['CENTRALITA_SERVER_BUILD'] = build.dir;
  // Stack traces name the TypeScript sources (the build's source maps), as they do when run from the sources; worker
  // threads turn it on for themselves (bin/source-loader.mjs).
  process.setSourceMapsEnabled(true);
  ({ main } = await import(build.entry('app/cli/main.ts')));
} else {
  delete process.env['CENTRALITA_SERVER_BUILD'];
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../app/cli/main.ts'));
}
const code = await main(process.argv.slice(2));
if (code !== 0) process.exitCode = code;
