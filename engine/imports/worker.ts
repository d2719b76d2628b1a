/**
 * The lead-import worker thread: imports one file at a time, each with this thread's heap limit, so parsing a
 * hostile file can exhaust at most this thread and neither parsing nor inserting runs on the engine's event loop.
 * On SQLite it writes through its own connection; on PostgreSQL (#18) through the queue's pool, asked over the
 * task's message port (port-channel.ts). The thread stays up between jobs (starting one costs seconds: the module
 * graph loads again); a job that kills it (out of memory) takes only itself down, and the queue starts a fresh one.
 */
import { parentPort } from 'node:worker_threads';
import { ImportError, importLeads } from '../lead-files/index.js';
import { driverError, openStore, sqliteLeadImports, type LeadImports, type Store } from '../store/index.js';
import { remoteLeadImports } from './port-channel.js';
import type { ImportTask, WorkerMessage } from './protocol.js';

/** Short write transactions with gaps between them: the engine's own writes never wait long for the lock. */
const WRITE_PAUSE_MS = 4;
const stores = new Map<string, Store>();

function sqliteTarget(dbPath: string): LeadImports {
  let store = stores.get(dbPath);
  if (store === undefined) {
    store = openStore(dbPath, { migrate: false });
    stores.set(dbPath, store);
  }
  return sqliteLeadImports(store);
}

async function run(task: ImportTask): Promise<WorkerMessage> {
  const t = task.target;
  const target = t.kind === 'sqlite' ? sqliteTarget(t.dbPath) : remoteLeadImports(t.port);
  try {
    const r = await importLeads(target, {
      campaignId: task.campaignId,
      input: task.spoolPath,
      fileName: task.fileName,
      mapping: task.mapping,
      defaultCountry: task.defaultCountry,
      at: task.at,
      jobId: task.jobId,
      limits: task.limits,
      batchSize: 500,
      // The pauses share SQLite's one file lock fairly; PostgreSQL has row locks and needs none.
      writePauseMs: t.kind === 'sqlite' ? WRITE_PAUSE_MS : 0,
    });
    return { type: 'done', accepted: r.accepted, rejected: r.rejected, processed: r.processed };
  } catch (failure) {
    // Before the importer's own handling (the campaign or job lookup): the driver's error, not drizzle's wrapper.
    const err = failure instanceof ImportError ? failure : driverError(failure);
    return { type: 'failed', message: err instanceof ImportError ? err.message : `import failed: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    if (t.kind === 'port') t.port.close();
  }
}

parentPort!.on('message', (task: ImportTask | 'close') => {
  if (task === 'close') {
    for (const s of stores.values()) s.close();
    process.exit(0);
  }
  void run(task).then((m) => parentPort!.postMessage(m));
});
