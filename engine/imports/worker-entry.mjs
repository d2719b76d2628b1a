// The lead-import worker thread's filename. A worker thread has its own module loader: bin/source-loader.mjs loads
// the real worker module from the server build the process runs from, else its TypeScript source through tsx.
import { importSource } from '../../bin/source-loader.mjs';

await importSource(new URL('./worker.ts', import.meta.url));
