import type { MessagePort } from 'node:worker_threads';
import { driverError, type LeadImports } from '../store/index.js';

/**
 * The import port across a thread boundary (#18): on PostgreSQL the worker thread parses the file (its heap limit
 * still bounds a hostile file) and every write goes to the pool of the process that owns the queue. The worker
 * calls `remoteLeadImports(port)`; the queue answers with `serveLeadImports(port, imports)`. Calls are the port's
 * own methods by name; values cross by structured clone (a `Set` stays a `Set`), errors as message and code (so
 * the importer still tells a deleted campaign or a full disk apart).
 */
type Method =
  | 'campaign'
  | 'stageBatch'
  | 'commitBatch'
  | 'discardBatch'
  | 'countOfImport'
  | 'stagedImportJobs'
  | 'jobs.create'
  | 'jobs.get'
  | 'jobs.list'
  | 'jobs.setStatus'
  | 'jobs.progress'
  | 'jobs.finish'
  | 'jobs.unfinished'
  | 'jobs.queuePosition'
  | 'jobs.spoolPaths';

interface Call {
  id: number;
  method: Method;
  args: unknown[];
}
type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; message: string; code?: string };

/** Answers the worker's calls on `port` with `imports` until the port is closed. */
export function serveLeadImports(port: MessagePort, imports: LeadImports): void {
  port.on('message', (call: Call) => {
    const [scope, name] = call.method.startsWith('jobs.') ? [imports.jobs, call.method.slice(5)] : [imports, call.method];
    const fn = (scope as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[name];
    Promise.resolve()
      .then(() => fn!.apply(scope, call.args))
      .then(
        (value) => post(port, { id: call.id, ok: true, value }),
        (err: unknown) => {
          // The driver's error, not drizzle's wrapper (whose message lists the statement's parameters).
          const e = driverError(err) as { message?: string; code?: unknown };
          post(port, { id: call.id, ok: false, message: e?.message ?? String(err), ...(typeof e?.code === 'string' ? { code: e.code } : {}) });
        },
      );
  });
}

function post(port: MessagePort, r: Reply): void {
  try {
    port.postMessage(r);
  } catch {
    // The worker ended (terminated on close, out of memory): nobody is waiting for the answer.
  }
}

/** The import port as seen from a worker thread: every call goes to the thread that serves `port`. */
export function remoteLeadImports(port: MessagePort): LeadImports {
  let next = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  port.on('message', (r: Reply) => {
    const w = waiting.get(r.id);
    if (w === undefined) return;
    waiting.delete(r.id);
    if (r.ok) w.resolve(r.value);
    else w.reject(Object.assign(new Error(r.message), r.code === undefined ? {} : { code: r.code }));
  });
  const call =
    <T>(method: Method) =>
    (...args: unknown[]): Promise<T> =>
      new Promise<T>((resolve, reject) => {
        const id = ++next;
        waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
        port.postMessage({ id, method, args } satisfies Call);
      });
  return {
    dialect: 'postgres',
    jobs: {
      create: call('jobs.create'),
      get: call('jobs.get'),
      list: call('jobs.list'),
      setStatus: call('jobs.setStatus'),
      progress: call('jobs.progress'),
      finish: call('jobs.finish'),
      unfinished: call('jobs.unfinished'),
      queuePosition: call('jobs.queuePosition'),
      spoolPaths: call('jobs.spoolPaths'),
    },
    campaign: call('campaign'),
    stageBatch: call('stageBatch'),
    commitBatch: call('commitBatch'),
    discardBatch: call('discardBatch'),
    countOfImport: call('countOfImport'),
    stagedImportJobs: call('stagedImportJobs'),
    afterWrite: () => undefined,
  };
}
