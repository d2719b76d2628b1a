#!/usr/bin/env node
// What `npm test` does before vitest: the two type checks (the tree, the web app), the web app's build when
// web/dist is missing or older than its sources (what vitest's global setup would otherwise do first, alone) and the
// server's build (bin/server-build.mjs: the products the tests start run from it; ~2.5 CPU-s when stale).
// Side by side, not one after the other: tsc is single-threaded, so each check alone leaves the second core idle
// (the main check takes ~45 s of CPU, the web one ~20 s, the build a few seconds more). Every check runs to the
// end whatever the others say; the exit code is the first failure's, 0 when all pass.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(resolve(root, 'package.json')).resolve('typescript/bin/tsc');

/** Runs `node …args` in the repository, its output on ours; resolves to its exit code. */
function run(args) {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: 'inherit' });
    child.on('error', (err) => {
      process.stderr.write(`${args.join(' ')}: ${err.message}\n`);
      done(1);
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

const codes = await Promise.all([
  run([tsc, '--noEmit', '-p', 'tsconfig.json']),
  run([tsc, '--noEmit', '-p', 'web/tsconfig.json']),
  // The build check in its own process too: it loads the app's TypeScript through tsx, kept out of this script.
  run(['--input-type=module', '-e', "import { register } from 'tsx/esm/api'; register(); const { ensureWebBuilt } = await import('./app/web/index.ts'); await ensureWebBuilt((l) => console.log(l));"]),
  run(['scripts/build-server.mjs']),
]);
process.exitCode = codes.find((c) => c !== 0) ?? 0;
