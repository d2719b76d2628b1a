/**
 * One lead import, in its own worker thread (with its own heap limit) and its own SQLite connection: parsing a
 * hostile file can exhaust at most this thread, and neither parsing nor inserting runs on the engine's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { ImportError, importLeads } from '../leads/import.js';
import { openStore } from '../store/index.js';
import type { ImportTask, WorkerMessage } from './protocol.js';

const task = workerData as ImportTask;
const WRITE_PAUSE_MS = 4;
const post = (m: WorkerMessage): void => parentPort!.postMessage(m);

const store = openStore(task.dbPath, { migrate: false });
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
    // Short write transactions with gaps between them: the engine's own writes never wait long for the lock.
    batchSize: 500,
    writePauseMs: WRITE_PAUSE_MS,
  });
  post({ type: 'done', accepted: r.accepted, rejected: r.rejected, processed: r.processed });
} catch (err) {
  post({ type: 'failed', message: err instanceof ImportError ? err.message : `import failed: ${(err as Error).message}` });
} finally {
  store.close();
}
