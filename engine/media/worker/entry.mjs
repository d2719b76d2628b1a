// Piscina's worker filename. A worker thread has its own module loader: bin/source-loader.mjs loads serve() from the
// server build the process runs from, else its TypeScript source through tsx. The AMD detector the task names (a
// source file's URL) is mapped the same way: its bundle when built, else the source (tests pass their own).
import { importSource, moduleUrl } from '../../../bin/source-loader.mjs';

const { serve } = await importSource(new URL('./serve.ts', import.meta.url));

export default async function serveTask(task) {
  return serve({ ...task, detectorModule: await moduleUrl(task.detectorModule) });
}
