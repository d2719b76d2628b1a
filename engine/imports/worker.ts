/**
 * The lead-import worker thread: imports one file at a time, each with this thread's heap limit and its own SQLite
 * connection, so parsing a hostile file can exhaust at most this thread and neither parsing nor inserting runs on
 * the engine's event loop. The thread stays up between jobs (starting one costs seconds: the module graph loads
 * again); a job that kills it (out of memory) takes only itself down, and the queue starts a fresh thread.
 */
import { parentPort } from 'node:worker_threads';
import { ImportError, importLeads } from '../lead-files/index.js';
import { openStore, type Store } from '../store/index.js';
import type { ImportTask, WorkerMessage } from './protocol.js';


/** Short write transactions with gaps between them: the engine's own writes never wait long for the lock. */
const WRITE_PAUSE_MS = 4;
const stores = new Map<string, Store>();

async function run(task: ImportTask): Promise<WorkerMessage> {
  let store = stores.get(task.dbPath);
  if (store === undefined) {
    store = openStore(task.dbPath, { migrate: false });
    stores.set(task.dbPath, store);
  }
  try {
    const r = await importLeads(store, {
      campaignId: task.campaignId,
      input: task.spoolPath,
      fileName: task.fileName,
      mapping: task.mapping,
      defaultCountry: task.defaultCountry,
      at: task.at,
      jobId: task.jobId,
      limits: task.limits,
      batchSize: 500,
      writePauseMs: WRITE_PAUSE_MS,
    });
    return { type: 'done', accepted: r.accepted, rejected: r.rejected, processed: r.processed };
  } catch (err) {
    return { type: 'failed', message: err instanceof ImportError ? err.message : `import failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

parentPort!.on('message', (task: ImportTask | 'close') => {
  if (task === 'close') {
    for (const s of stores.values()) s.close();
    process.exit(0);
  }
  void run(task).then((m) => parentPort!.postMessage(m));
});
