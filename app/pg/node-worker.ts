/**
 * The engine node's worker thread of `npm start` on PostgreSQL (started by ./node-thread.ts): runs ./node-host.ts on
 * the MessagePort it was given. A write failure that escaped its handler (disk full) is logged and the node goes on,
 * as on the main thread (app/storage-guard.ts); any other error nothing caught ends the thread, and the API side sees
 * the exit (the CLI exits for a supervisor to restart it).
 */
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { createLogger } from '../../engine/log/index.js';
import { guardStorageFailures } from '../engine-parts.js';
import { runNodeHost } from './node-host.js';
import type { NodeHostInit } from './node-protocol.js';

const { port, init } = workerData as { port: MessagePort; init: NodeHostInit };
// process.exit in a worker ends this thread only.
guardStorageFailures(process, createLogger(init.logLevel as Parameters<typeof createLogger>[0], { pretty: init.pretty }), (code) => process.exit(code));
void runNodeHost(port, init);
