/**
 * The engine's worker thread (started by app/engine-thread.ts): runs app/engine-host.ts on the MessagePort it was
 * given. A database write failure that escaped its handler (disk full) is logged and the engine goes on, as on the
 * main thread (storage-guard.ts); any other error nothing caught ends the thread, and the API side sees the exit and
 * says so (/health, the log; the CLI exits for a supervisor to restart it).
 */
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { createLogger } from '../engine/log/index.js';
import { runEngineHost } from './engine-host.js';
import { guardStorageFailures } from './storage-guard.js';
import type { EngineHostInit } from './engine-protocol.js';

const { port, init } = workerData as { port: MessagePort; init: EngineHostInit };
// process.exit in a worker ends this thread only.
guardStorageFailures(process, createLogger(init.logLevel as Parameters<typeof createLogger>[0], { pretty: init.pretty }), (code) => process.exit(code));
void runEngineHost(port, init);
