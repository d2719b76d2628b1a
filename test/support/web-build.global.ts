/**
 * Vitest global setup: the browser tests load the built web app, so build it first when web/dist is missing or
 * older than its sources (a hash check: milliseconds when nothing changed). The server's build likewise (the
 * products and CLIs the tests spawn run from it): once here, rather than in each of the first processes started at
 * once after an edit (each would build it, bin/centralita.mjs).
 *
 * The worker threads that tests start inside vitest's own forks (the engine thread of an in-process product, the
 * AMD media workers, the import worker) load their modules through bin/source-loader.mjs, which takes the bundles
 * of the build named by CENTRALITA_SERVER_BUILD: set here, it reaches every fork (vitest copies process.env into
 * each fork it starts, after this setup), so those threads skip tsx's transform of ~600 modules each, as the
 * processes `bin/centralita.mjs` starts do. The test files themselves still import the sources.
 * Not in watch mode: this setup runs once per vitest process, so threads would keep running the build of the
 * sources as they were at its start while a developer edits them. CENTRALITA_FROM_SOURCE=1 keeps the threads on the
 * sources (tsx) too, as it does for the CLI.
 */
import { ensureWebBuilt } from '../../app/web/index.js';
import type { TestProject } from 'vitest/node';
import { buildServer } from '../../bin/server-build.mjs';

export default async function setup(project: TestProject): Promise<void> {
  const [, build] = await Promise.all([ensureWebBuilt((line) => process.stdout.write(`${line}\n`)), buildServer()]);
  if (project.vitest.config.watch || process.env['CENTRALITA_FROM_SOURCE'] === '1') delete process.env['CENTRALITA_SERVER_BUILD'];
  else process.env['CENTRALITA_SERVER_BUILD'] = build.dir;
}
