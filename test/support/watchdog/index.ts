/**
 * The test watchdog: the vitest options that let a reporter in the main process name and stop a fork whose
 * file never ends (see reporter.ts). Used by vitest.config.ts.
 */
import { fileURLToPath } from 'node:url';
export { watchdogDir } from './paths.js';

const here = (f: string): string => fileURLToPath(new URL(f, import.meta.url));

export const watchdogReporter = here('./reporter.ts');

/** Options to merge into `test`: each fork notes which file it runs, where the reporter looks. */
export function watchdogOptions(): { setupFiles: string[] } {
  return { setupFiles: [here('./setup.ts')] };
}
