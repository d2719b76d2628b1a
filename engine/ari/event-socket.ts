/**
 * The ARI events WebSocket, with our own reconnect. Why not ari-client's `start()`: it gives up after its
 * backoff's retry limit (WebSocketMaxRetries), never says "disconnected" (only "reconnecting"), has no
 * heartbeat (a half-open TCP connection looks alive forever), and throws inside the socket handler on an event
 * type missing from its swagger models. Here: unlimited retries with capped exponential backoff and jitter,
 * a ping/pong heartbeat, `connected`/`disconnected` callbacks so the engine reconciles after every reconnect,
 * and unknown events are dropped.
 */
import WebSocket from 'ws';
import type { Clock, TimerHandle } from '../clock/index.js';
import { ARI_EVENT_TYPES, type AriEvent } from './types.js';

export interface EventSocketOptions {
  /** http(s)://host:port of Asterisk's HTTP server (the ARI base, with or without `/ari`). */
  url: string;
  username: string;
  password: string;
  app: string;
  clock: Clock;
  /** First retry delay; doubles up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Ping period; a missing pong by the next ping drops the socket. 0 disables. */
  heartbeatMs?: number;
  /** A connection attempt that gets no HTTP upgrade within this is abandoned (a port that swallows packets). */
  handshakeTimeoutMs?: number;
  /** [0,1) source for jitter; injectable for tests. */
  random?: () => number;
  onEvent(event: AriEvent): void;
  onConnected(): void;
  onDisconnected(reason: string): void;
}

export interface EventSocket {
  readonly connected: boolean;
  /** Clock time Asterisk was last heard from on this socket (open, event or pong); null before the first. */
  readonly lastHeardAt: number | null;
  /** Drops the current connection as if the network failed (tests, and a manual "resync"). */
  drop(): void;
  close(): void;
}

export function eventsUrl(base: string, app: string, username: string, password: string): string {
  const u = new URL(base);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = `${u.pathname.replace(/\/+$/, '').replace(/\/ari$/, '')}/ari/events`;
  u.search = '';
  u.searchParams.set('app', app);
  u.searchParams.set('api_key', `${username}:${password}`);
  return u.toString();
}

export function backoffDelay(attempt: number, initial: number, max: number, random: number): number {
  const base = Math.min(max, initial * 2 ** Math.max(0, attempt));
  // Full jitter in the upper half: spreads reconnect storms of several nodes, never below half the base.
  return Math.round(base / 2 + (base / 2) * random);
}

export function openEventSocket(opts: EventSocketOptions): EventSocket {
  const initial = opts.initialDelayMs ?? 200;
  const max = opts.maxDelayMs ?? 5000;
  const heartbeatMs = opts.heartbeatMs ?? 10_000;
  const random = opts.random ?? Math.random;
  const url = eventsUrl(opts.url, opts.app, opts.username, opts.password);
  let ws: WebSocket | null = null;
  let isConnected = false;
  let closed = false;
  let attempt = 0;
  let retryTimer: TimerHandle | undefined;
  let heartbeat: TimerHandle | undefined;
  let awaitingPong = false;
  let lastHeardAt: number | null = null;
  const heard = () => {
    lastHeardAt = opts.clock.now();
  };

  const connect = () => {
    retryTimer = undefined;
    if (closed) return;
    const sock = new WebSocket(url, { handshakeTimeout: opts.handshakeTimeoutMs ?? 5000 });
    ws = sock;
    let ended = false;
    const end = (reason: string) => {
      if (ended) return;
      ended = true;
      opts.clock.clearInterval(heartbeat);
      heartbeat = undefined;
      sock.removeAllListeners();
      sock.on('error', () => {}); // a late error on a dead socket must not crash the process
      try {
        sock.terminate();
      } catch {
        /* already gone */
      }
      if (ws === sock) ws = null;
      if (isConnected) {
        isConnected = false;
        opts.onDisconnected(reason);
      }
      if (!closed) {
        const delay = backoffDelay(attempt++, initial, max, random());
        retryTimer = opts.clock.setTimeout(connect, delay);
      }
    };
    sock.on('open', () => {
      heard();
      attempt = 0;
      isConnected = true;
      awaitingPong = false;
      if (heartbeatMs > 0) {
        heartbeat = opts.clock.setInterval(() => {
          if (awaitingPong) return end('heartbeat timeout');
          awaitingPong = true;
          try {
            sock.ping();
          } catch {
            end('ping failed');
          }
        }, heartbeatMs);
      }
      opts.onConnected();
    });
    sock.on('pong', () => {
      heard();
      awaitingPong = false;
    });
    sock.on('message', (data) => {
      heard();
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (parsed && typeof parsed === 'object' && 'type' in parsed && ARI_EVENT_TYPES.has(String(parsed.type))) {
        opts.onEvent(parsed as AriEvent);
      }
    });
    sock.on('unexpected-response', (_req, res) => end(`HTTP ${res.statusCode}`));
    sock.on('error', (err) => end(err.message));
    sock.on('close', (code) => end(`closed ${code}`));
  };

  connect();

  return {
    get connected() {
      return isConnected;
    },
    get lastHeardAt() {
      return lastHeardAt;
    },
    drop() {
      if (ws) ws.terminate();
    },
    close() {
      closed = true;
      opts.clock.clearTimeout(retryTimer);
      opts.clock.clearInterval(heartbeat);
      const sock = ws;
      ws = null;
      if (sock) {
        sock.removeAllListeners();
        sock.on('error', () => {});
        sock.close();
        if (isConnected) {
          isConnected = false;
          opts.onDisconnected('closed by us');
        }
      }
    },
  };
}
