/**
 * ARI REST over node:http, with what a call center needs from it: every request has a deadline (on the Clock),
 * every failure is an AriError saying how it failed (HTTP status, or timeout / refused / reset / aborted),
 * `abortAll` fails every request in flight at once (the event socket dropped: nothing in flight may hold the
 * engine), and LOG_LEVEL=debug shows each request, its reply (status, ms) and failures — never the credentials
 * (they travel in the Authorization header, which is not logged).
 *
 * Why not ari-client's REST: its swagger loader throws from inside an HTTP callback when Asterisk answers 401,
 * 5xx or garbage (an uncaught exception that takes the process down), keeps the credentials in a process-wide
 * global, and its requests have no timeout — one request to a port that stopped answering never settles. The
 * requests are the same ones ari-client sends (paths and parameter names of Asterisk's ARI swagger, recorded in
 * ../shared/asterisk22): `call('channels', 'originate', params)`.
 */
import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Clock, TimerHandle } from '../clock/index.js';
import type { Logger } from '../log/index.js';
import { AriError, ariMessageOf, type AriFailureKind } from './errors.js';

/** The ARI operations the gateway uses: `resource.operation` (ari-client's names) → method and path. */
const OPERATIONS: Readonly<Record<string, { method: 'GET' | 'POST' | 'DELETE'; path: string }>> = {
  'asterisk.getInfo': { method: 'GET', path: '/asterisk/info' },
  'channels.list': { method: 'GET', path: '/channels' },
  'channels.originate': { method: 'POST', path: '/channels' },
  'channels.hangup': { method: 'DELETE', path: '/channels/{channelId}' },
  'channels.answer': { method: 'POST', path: '/channels/{channelId}/answer' },
  'channels.play': { method: 'POST', path: '/channels/{channelId}/play' },
  'channels.snoopChannel': { method: 'POST', path: '/channels/{channelId}/snoop' },
  'channels.externalMedia': { method: 'POST', path: '/channels/externalMedia' },
  'bridges.list': { method: 'GET', path: '/bridges' },
  'bridges.create': { method: 'POST', path: '/bridges' },
  'bridges.destroy': { method: 'DELETE', path: '/bridges/{bridgeId}' },
  'bridges.addChannel': { method: 'POST', path: '/bridges/{bridgeId}/addChannel' },
  'bridges.removeChannel': { method: 'POST', path: '/bridges/{bridgeId}/removeChannel' },
  'bridges.play': { method: 'POST', path: '/bridges/{bridgeId}/play' },
  'bridges.startMoh': { method: 'POST', path: '/bridges/{bridgeId}/moh' },
  'bridges.record': { method: 'POST', path: '/bridges/{bridgeId}/record' },
  'playbacks.stop': { method: 'DELETE', path: '/playbacks/{playbackId}' },
  'recordings.stop': { method: 'POST', path: '/recordings/live/{recordingName}/stop' },
  'recordings.pause': { method: 'POST', path: '/recordings/live/{recordingName}/pause' },
  'recordings.unpause': { method: 'DELETE', path: '/recordings/live/{recordingName}/pause' },
  'recordings.getStoredFile': { method: 'GET', path: '/recordings/stored/{recordingName}/file' },
  'recordings.deleteStored': { method: 'DELETE', path: '/recordings/stored/{recordingName}' },
};

/** Largest recording file fetched from ARI (a long call in wav: 8 kHz 16-bit mono is ~58 MB an hour). */
export const MAX_RECORDING_BYTES = 1024 * 1024 * 1024;

/** Swagger body parameters: sent as a JSON body `{name: value}` (originate's channel variables). */
const BODY_PARAMS: ReadonlySet<string> = new Set(['variables']);

/** Default deadline of one request. ARI answers in milliseconds; seconds of silence mean it is not coming. */
export const DEFAULT_ARI_TIMEOUT_MS = 5000;
/** `GET /channels` of a busy Asterisk is the largest reply; anything beyond this is not ARI. */
const MAX_REPLY_BYTES = 32 * 1024 * 1024;

export interface AriRestOptions {
  /** http(s)://host:port of Asterisk's HTTP server, with or without `/ari`. */
  url: string;
  username: string;
  password: string;
  clock: Clock;
  timeoutMs?: number;
  logger?: Logger;
}

export interface AriRest {
  /**
   * Performs one operation; resolves with the parsed reply, rejects with AriError. A create sent again after a
   * keep-alive reset that answers 409 "already exists" resolves with `undefined` (the first send landed).
   */
  call(resource: string, operation: string, params: Record<string, unknown>): Promise<unknown>;
  /**
   * Performs one operation whose reply is a file (a stored recording): resolves with its bytes, up to
   * `maxBytes`; the deadline is `timeoutMs` (files take longer than commands).
   */
  download(resource: string, operation: string, params: Record<string, unknown>, o: { timeoutMs: number; maxBytes: number }): Promise<Buffer>;
  /** Fails every request in flight with an `aborted` AriError and drops pooled connections. */
  abortAll(reason: string): void;
  /** Requests sent and not settled. */
  readonly inFlight: number;
  /** Resolves once no request is in flight. */
  whenIdle(): Promise<void>;
  close(): void;
}

interface Pending {
  req: ClientRequest;
  fail(reason: string): void;
}

export function ariBaseUrl(url: string): URL {
  const u = new URL(url);
  u.pathname = `${u.pathname.replace(/\/+$/, '').replace(/\/ari$/, '')}/ari`;
  u.search = '';
  return u;
}

/** Maps a socket error to how the request failed. */
function kindOf(err: NodeJS.ErrnoException): AriFailureKind {
  switch (err.code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'refused';
    default:
      return 'reset';
  }
}

export function createRest(opts: AriRestOptions): AriRest {
  const base = ariBaseUrl(opts.url);
  const https = base.protocol === 'https:';
  const timeoutMs = opts.timeoutMs ?? DEFAULT_ARI_TIMEOUT_MS;
  const auth = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
  const newAgent = () => (https ? new HttpsAgent({ keepAlive: true, maxSockets: 32 }) : new HttpAgent({ keepAlive: true, maxSockets: 32 }));
  let agent = newAgent();
  const pending = new Set<Pending>();
  let idleWaiters: Array<() => void> = [];
  let closed = false;

  const settle = (p: Pending) => {
    pending.delete(p);
    if (pending.size === 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    }
  };

  const call = (
    resource: string,
    operation: string,
    params: Record<string, unknown>,
    raw?: { timeoutMs: number; maxBytes: number },
  ): Promise<unknown> => {
    const name = `${resource}.${operation}`;
    const spec = OPERATIONS[name];
    if (!spec) return Promise.reject(new AriError(0, `unknown ARI operation ${name}`, name, 'protocol'));
    if (closed) return Promise.reject(new AriError(0, 'ARI client closed', name, 'aborted'));
    let path = spec.path;
    const query = new URLSearchParams();
    let body: Record<string, unknown> | null = null;
    for (const [k, v] of Object.entries(params)) {
      if (v === undefined || v === null) continue;
      if (path.includes(`{${k}}`)) path = path.replace(`{${k}}`, encodeURIComponent(String(v)));
      else if (BODY_PARAMS.has(k)) (body ??= {})[k] = v;
      else query.set(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
    }
    if (/\{\w+\}/.test(path)) return Promise.reject(new AriError(0, `missing path parameter in ${spec.path}`, name, 'protocol'));
    const qs = query.toString();
    const target = `${base.pathname}${path}${qs ? `?${qs}` : ''}`;
    const payload = body ? JSON.stringify(body) : null;
    const started = opts.clock.now();
    opts.logger?.debug({ ari: name, method: spec.method, path: target }, 'ARI request');

    return new Promise((resolve, reject) => {
      let timer: TimerHandle | undefined;
      let done = false;
      const p: Pending = {
        req: undefined as unknown as ClientRequest,
        fail: (reason) => finish(new AriError(0, reason, name, 'aborted')),
      };
      const finish = (err: AriError | null, value?: unknown, status?: number) => {
        if (done) return;
        done = true;
        opts.clock.clearTimeout(timer);
        settle(p);
        const ms = opts.clock.now() - started;
        if (err) {
          opts.logger?.debug({ ari: name, status: err.status, kind: err.kind, ms, message: err.ariMessage }, 'ARI request failed');
          p.req.destroy();
          reject(err);
        } else {
          opts.logger?.debug({ ari: name, status, ms }, 'ARI reply');
          resolve(value);
        }
      };
      const deadline = raw?.timeoutMs ?? timeoutMs;
      const maxBytes = raw?.maxBytes ?? MAX_REPLY_BYTES;
      // `fresh`: a connection of its own, not from the keep-alive pool (the retry below).
      const send = (fresh: boolean): void => {
        const req = (https ? httpsRequest : httpRequest)({
          protocol: base.protocol,
          hostname: base.hostname.replace(/^\[|\]$/g, ''),
          port: base.port || (https ? 443 : 80),
          method: spec.method,
          path: target,
          agent: fresh ? false : agent,
          headers: {
            authorization: auth,
            accept: raw ? '*/*' : 'application/json',
            ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : { 'content-length': 0 }),
          },
        });
        p.req = req;
        req.on('error', (err: NodeJS.ErrnoException) => {
          // The keep-alive race: the server closed an idle pooled connection (its keep-alive timeout) just as this
          // request was written on it, so it was reset before any reply, unread. Node's documented remedy is to send it
          // again: here once, on a connection of its own. Before, the reset looked like ARI lost (a full resync: dialing
          // paused, requests in flight aborted, people waiting for an agent dropped); a host whose event loop stalls
          // (the embedded PBX's server and the engine in one loaded process, or any idle timeout of Asterisk's) hits it.
          if (!fresh && !done && err.code === 'ECONNRESET' && req.reusedSocket) {
            opts.logger?.debug({ ari: name }, 'ARI request reset on a reused keep-alive connection: sent again on a new one');
            send(true);
            return;
          }
          finish(new AriError(0, err.code ?? err.message, name, kindOf(err)));
        });
        req.on('response', (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            size += c.length;
            if (size > maxBytes) finish(new AriError(res.statusCode ?? 0, `reply larger than ${maxBytes} bytes`, name, 'protocol'));
            else chunks.push(c);
          });
          res.on('error', (err: NodeJS.ErrnoException) => finish(new AriError(0, err.code ?? err.message, name, 'reset')));
          res.on('aborted', () => finish(new AriError(0, 'reply cut short', name, 'reset')));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            const bytes = Buffer.concat(chunks);
            if (status < 200 || status >= 300) {
              const message = ariMessageOf(bytes.toString('utf8'));
              // Sent again after a reset (above), a create with our own id (originate's channelId, a bridge's id…)
              // answered "already exists": the first send had reached Asterisk and the reset lost only its reply.
              // The resource is ours and its events follow; failing here would end a call whose phone is ringing
              // (seen on Asterisk 22: "Channel with given unique ID already exists"). Its reply body is lost.
              if (fresh && status === 409 && spec.method === 'POST' && /already exists/i.test(message)) {
                opts.logger?.info({ ari: name }, 'ARI request sent again after a reset: the first send had landed (409 already exists), taken as done');
                return finish(null, undefined, status);
              }
              return finish(new AriError(status, message, name, 'http'));
            }
            finish(null, raw ? bytes : parseBody(bytes.toString('utf8')), status);
          });
        });
        if (payload) req.end(payload);
        else req.end();
      };
      pending.add(p);
      timer = opts.clock.setTimeout(() => finish(new AriError(0, `no answer within ${deadline} ms`, name, 'timeout')), deadline);
      send(false);
    });
  };

  return {
    call: (resource, operation, params) => call(resource, operation, params),
    download: (resource, operation, params, o) => call(resource, operation, params, o) as Promise<Buffer>,
    abortAll(reason) {
      for (const p of [...pending]) p.fail(reason);
      // Pooled keep-alive sockets may lead into the same dead end: start the next requests on fresh ones.
      agent.destroy();
      agent = newAgent();
    },
    get inFlight() {
      return pending.size;
    },
    whenIdle: () => (pending.size === 0 ? Promise.resolve() : new Promise<void>((r) => idleWaiters.push(r))),
    close() {
      closed = true;
      for (const p of [...pending]) p.fail('ARI client closed');
      agent.destroy();
    },
  };
}

function parseBody(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
