/**
 * The engine node's worker thread of `npm start` on PostgreSQL, spawned before its init is known: the thread loads
 * the engine's modules (seconds under tsx) while the API side loads the API's, and starts the node when
 * ./node-thread.ts sends its init. A door of its own into app/pg (test/support/import-graph.ts SECOND_DOORS): the
 * CLI spawns it for `centralita start` with a postgres:// DATABASE_URL before it loads the command's modules (the
 * product, the API: ~6 s of a ~15 s start on a busy 2-core machine), and the command takes it.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';

const WORKER_ENTRY = new URL('./node-worker-entry.mjs', import.meta.url);

export interface NodeWorker {
  worker: Worker;
  /** The API side's end of the node's channel (app/thread-channel.ts). */
  port: MessagePort;
  /** Why the thread ended before its init was sent (a module that failed to load), else null. */
  endedEarly(): Error | null;
}

export function spawnNodeWorker(): NodeWorker {
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_ENTRY, { workerData: { port: port2 }, transferList: [port2 as unknown as MessagePort] });
  // Nothing waits on it until its init is sent (./node-thread.ts refs it then): a start refused before that
  // (configuration, database) exits without having to end it.
  worker.unref();
  let early: Error | null = null;
  const onError = (err: Error) => (early ??= err);
  const onExit = (code: number) => (early ??= new Error(`the engine node thread exited (code ${code})`));
  worker.once('error', onError);
  worker.once('exit', onExit);
  return {
    worker,
    port: port1,
    endedEarly() {
      // Asked once, just before the API side listens itself: from then on its own listeners see the end.
      worker.off('error', onError);
      worker.off('exit', onExit);
      return early;
    },
  };
}

let early: NodeWorker | undefined;

/** `centralita start` on PostgreSQL, before its modules load (app/cli/commands.ts): the thread, for the command to take. */
export function spawnNodeWorkerEarly(): void {
  early ??= spawnNodeWorker();
}

/** The thread spawned early, else a new one. */
export function takeNodeWorker(): NodeWorker {
  const w = early ?? spawnNodeWorker();
  early = undefined;
  return w;
}
