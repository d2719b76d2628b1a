/**
 * The engine's worker thread (started by app/engine-thread.ts): runs app/engine-host.ts on the MessagePort it was
 * given. An error nothing caught ends the thread; the API side sees the exit and says so (/health, the log).
 */
import { workerData } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { runEngineHost } from './engine-host.js';
import type { EngineHostInit } from './engine-protocol.js';

const { port, init } = workerData as { port: MessagePort; init: EngineHostInit };
void runEngineHost(port, init);
