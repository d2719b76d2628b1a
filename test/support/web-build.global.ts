/**
 * Vitest global setup: the browser tests load the built web app, so build it first when web/dist is missing or
 * older than its sources (a hash check: milliseconds when nothing changed). The server's build likewise (the
 * products and CLIs the tests spawn run from it): once here, rather than in each of the first processes started at
 * once after an edit (each would build it, bin/centralita.mjs).
 */
import { ensureWebBuilt } from '../../app/web/index.js';
import { buildServer } from '../../bin/server-build.mjs';

export default async function setup(): Promise<void> {
  await Promise.all([ensureWebBuilt((line) => process.stdout.write(`${line}\n`)), buildServer()]);
}
