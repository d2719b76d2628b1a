/**
 * Vitest global setup: the browser tests load the built web app, so build it first when web/dist is missing or
 * older than its sources (a hash check: milliseconds when nothing changed).
 */
import { ensureWebBuilt } from '../../app/web/index.js';

export default async function setup(): Promise<void> {
  await ensureWebBuilt((line) => process.stdout.write(`${line}\n`));
}
