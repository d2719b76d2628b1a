/**
 * One MessagePort between the API side and a worker thread that runs an engine: both ends of it. The SQLite
 * product's engine thread (./engine-host.ts ↔ ./engine-thread.ts, ./engine-protocol.ts) and the PostgreSQL product's
 * node thread (./pg/node-host.ts ↔ ./pg/node-thread.ts, ./pg/node-protocol.ts) speak it, each with its own requests,
 * status and `ready` message; this is what they share, written once:
 *
 * - requests carry an `id` and are answered by a `result` with that id (an error crosses as a SerializedError and is
 *   thrown again on the other side); a request still pending when the thread ends is rejected `unavailable`;
 * - the thread sends `ready` (or `failed`) once, its status several times a second, and its domain events batched
 *   per turn of its loop (one message, not one per event);
 * - `abort` gives up a start still under way (SIGTERM while waiting for Asterisk); `stop` is answered by `stopped`.
 */
import type { MessagePort, Worker } from 'node:worker_threads';
import { systemClock } from '../engine/clock/index.js';
import { ControlError } from '../engine/control/index.js';
import { DomainEvents, type DomainEvent } from '../engine/events/index.js';
import type { Logger } from '../engine/log/index.js';
import { RecordingError } from '../engine/recordings/index.js';
import type { SerializedError } from './engine-protocol.js';

/** What every thread sends; a protocol may add messages of its own (the node's `ended`). */
export type ThreadMessage<Status, Ready extends object> =
  | ({ type: 'ready'; status: Status } & Ready)
  | { type: 'failed'; error: SerializedError }
  | { type: 'status'; status: Status }
  | { type: 'events'; events: DomainEvent[] }
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: SerializedError }
  | { type: 'stopped' };

/** What every thread is sent besides its requests (messages with an `id`, the protocol's own). */
export type ThreadNotice = { type: 'abort' } | { type: 'stop' };

export function serializeError(err: unknown): SerializedError {
  if (err instanceof ControlError) return { kind: 'control', code: err.code, message: err.message, ...(err.problem ? { problem: err.problem } : {}) };
  if (err instanceof RecordingError) return { kind: 'recording', status: err.status, message: err.message };
  const e = err as { message?: unknown; code?: unknown };
  return {
    kind: 'error',
    message: err instanceof Error ? err.message : typeof e?.message === 'string' ? e.message : String(err),
    ...(typeof e?.code === 'string' ? { code: e.code } : {}),
  };
}

export function toError(e: SerializedError): Error {
  if (e.kind === 'control') return new ControlError(e.code, e.message, e.problem);
  if (e.kind === 'recording') return new RecordingError(e.status, e.message);
  const err = new Error(e.message) as Error & { code?: string };
  if (e.code !== undefined) err.code = e.code;
  return err;
}

type WithId<T> = Extract<T, { id: number }>;

export interface ServedThread<From> {
  post(m: From): void;
  /** A domain event for the other side: sent with the others of this turn of the loop, in one message. */
  event(e: DomainEvent): void;
}

/**
 * The thread's end. `answer` gets every request (a message with an `id`): what it returns or resolves to is posted
 * as its result, what it throws or rejects with as its error. `notice` gets the rest (`abort`, `stop`, …).
 */
export function serveThread<To extends { type: string }, From>(
  port: MessagePort,
  o: { answer(m: WithId<To>): unknown; notice(m: Exclude<To, { id: number }>): void },
): ServedThread<From> {
  const post = (m: unknown) => port.postMessage(m);
  port.on('message', (m: To) => {
    if (!('id' in m)) return o.notice(m as Exclude<To, { id: number }>);
    const id = (m as WithId<To>).id;
    // Run at once (a command begins in the turn it arrives); a throw is an answer like a rejection.
    new Promise((resolve) => resolve(o.answer(m as WithId<To>))).then(
      (value) => post({ type: 'result', id, ok: true, value: value ?? null }),
      (err: unknown) => post({ type: 'result', id, ok: false, error: serializeError(err) }),
    );
  });
  let batch: DomainEvent[] = [];
  return {
    post,
    event(e) {
      if (batch.length === 0) {
        setImmediate(() => {
          const events = batch;
          batch = [];
          post({ type: 'events', events });
        });
      }
      batch.push(e);
    },
  };
}

export interface ThreadClient<To, Status, Ready> {
  /** The thread's `ready` message. */
  ready: Ready;
  /** The thread's domain events, re-emitted on this side. */
  events: DomainEvents;
  /** The last status (at most a status interval old while the thread runs). */
  status(): Status;
  /** Ms since the last status arrived: large means the thread is stalled (a loop that never yields) or gone. */
  statusAgeMs(): number;
  /** False once the thread ended without being asked to. */
  alive(): boolean;
  /** Sends the request `make` builds with its id; settles with its result. */
  request(make: (id: number) => WithId<To>): Promise<unknown>;
  /** Sends `stop`, waits for `stopped` (or the thread's end), rejects what is pending and closes the port. */
  stop(m: Extract<To, { type: 'stop' }>): Promise<void>;
}

export interface OpenThreadClientOptions<From> {
  port: MessagePort;
  /** The worker the thread runs in; none when the host runs on this thread (the SQLite load test's control run). */
  worker?: Worker;
  /** The thread in messages: "the engine thread". */
  name: string;
  logger: Logger;
  /** Aborts a start still under way (`abort` is sent). */
  signal?: AbortSignal;
  /** The thread ended by itself after `ready` (an error nothing caught): called once. */
  onLost(err: Error): void;
  /** The protocol's own messages, those this channel does not know. */
  onOther?(m: From): void;
}

/** The API side's end: resolves once the thread is ready, rejects (and ends the worker) when its start failed. */
export async function openThreadClient<To extends { type: string }, Status, Ready extends { type: 'ready'; status: Status }, From extends { type: string } = never>(
  o: OpenThreadClientOptions<From>,
): Promise<ThreadClient<To, Status, Ready>> {
  const { port, worker } = o;
  const send = (m: To | ThreadNotice) => port.postMessage(m);
  const events = new DomainEvents((err, event) => o.logger.warn({ err, event: event.type }, 'a subscriber of engine events failed'));
  let last: Status | undefined;
  let lastAt = 0;
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const rejectPending = (message: string) => {
    for (const p of pending.values()) p.reject(new ControlError('unavailable', message));
    pending.clear();
  };
  let stopped: (() => void) | undefined;
  const stoppedP = new Promise<void>((r) => (stopped = r));
  let asked = false;
  let lost = false;

  const started = new Promise<Ready>((resolve, reject) => {
    port.on('message', (m: ThreadMessage<Status, object> | From) => {
      switch (m.type) {
        case 'ready':
          last = (m as Ready).status;
          lastAt = systemClock.now();
          resolve(m as Ready);
          return;
        case 'failed':
          reject(toError((m as { error: SerializedError }).error));
          return;
        case 'status':
          last = (m as { status: Status }).status;
          lastAt = systemClock.now();
          return;
        case 'events':
          events.emitAll((m as { events: DomainEvent[] }).events);
          return;
        case 'result': {
          const r = m as Extract<ThreadMessage<Status, object>, { type: 'result' }>;
          const p = pending.get(r.id);
          if (!p) return;
          pending.delete(r.id);
          if (r.ok) p.resolve(r.value);
          else p.reject(toError(r.error));
          return;
        }
        case 'stopped':
          stopped?.();
          return;
        default:
          o.onOther?.(m as From);
      }
    });
    worker?.on('error', (err) => {
      o.logger.error({ err }, `${o.name} failed`);
      reject(err);
    });
    worker?.on('exit', (code) => {
      stopped?.();
      const err = new Error(`${o.name} exited (code ${code})`);
      rejectPending(err.message);
      reject(err);
      if (!asked && last !== undefined && !lost) {
        lost = true;
        o.onLost(err);
      }
    });
  });

  const onAbort = () => send({ type: 'abort' });
  o.signal?.addEventListener('abort', onAbort, { once: true });
  let ready: Ready;
  try {
    ready = await started;
  } catch (err) {
    asked = true;
    await worker?.terminate();
    port.close();
    throw err;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }

  return {
    ready,
    events,
    status: () => last!,
    statusAgeMs: () => systemClock.now() - lastAt,
    alive: () => !lost,
    request(make) {
      if (lost || asked) return Promise.reject(new ControlError('unavailable', 'the engine is not running'));
      const id = nextId++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        send(make(id));
      });
    },
    async stop(m) {
      if (asked) return;
      asked = true;
      if (!lost) {
        send(m);
        await stoppedP;
      }
      rejectPending('the engine stopped');
      port.close();
      await worker?.terminate();
    },
  };
}
