/**
 * The ARI gateway: the one place the engine talks to Asterisk. Typed events in, typed commands out, one error
 * type (AriError). REST goes through ari-client (rest.ts); events come over our own reconnecting WebSocket
 * (event-socket.ts). Every (re)connect is announced with `connected`; the engine must reconcile
 * (listChannels/listBridges) before it dials again, because Asterisk buffers no events while we are away.
 */
import { systemClock, type Clock } from '../clock/index.js';
import { AriError } from './errors.js';
import { openEventSocket, type EventSocket } from './event-socket.js';
import { connectRest, type AriRest } from './rest.js';
import type { AriBridge, AriChannel, AriCommand, AriEvent } from './types.js';

export interface AriGatewayOptions {
  url: string;
  username: string;
  password: string;
  app: string;
  clock?: Clock;
  initialDelayMs?: number;
  maxDelayMs?: number;
  heartbeatMs?: number;
  /** Told about every failed attempt to load the ARI description (wrong URL/password, Asterisk down). */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

export interface AriListeners {
  event: (e: AriEvent) => void;
  connected: () => void;
  disconnected: (reason: string) => void;
}

export interface AriGateway {
  readonly connected: boolean;
  on<K extends keyof AriListeners>(name: K, fn: AriListeners[K]): () => void;
  /** Performs one command; rejects with AriError. */
  execute(command: AriCommand): Promise<void>;
  listChannels(): Promise<AriChannel[]>;
  listBridges(): Promise<AriBridge[]>;
  /** Drops the event socket as a network failure would; it reconnects by itself (tests, manual resync). */
  dropConnection(): void;
  close(): Promise<void>;
}

/**
 * Loads the ARI description (retrying with backoff until Asterisk answers, or `signal` aborts) and opens the
 * event socket. Resolves once REST is usable; `connected` fires when the socket is up.
 */
export async function connectAri(opts: AriGatewayOptions, signal?: AbortSignal): Promise<AriGateway> {
  const clock = opts.clock ?? systemClock;
  const rest = await retryRest(opts, clock, signal);
  const listeners: { [K in keyof AriListeners]: Set<AriListeners[K]> } = {
    event: new Set(),
    connected: new Set(),
    disconnected: new Set(),
  };
  const socket: EventSocket = openEventSocket({
    url: opts.url,
    username: opts.username,
    password: opts.password,
    app: opts.app,
    clock,
    ...(opts.initialDelayMs !== undefined ? { initialDelayMs: opts.initialDelayMs } : {}),
    ...(opts.maxDelayMs !== undefined ? { maxDelayMs: opts.maxDelayMs } : {}),
    ...(opts.heartbeatMs !== undefined ? { heartbeatMs: opts.heartbeatMs } : {}),
    onEvent: (e) => listeners.event.forEach((fn) => fn(e)),
    onConnected: () => listeners.connected.forEach((fn) => fn()),
    onDisconnected: (r) => listeners.disconnected.forEach((fn) => fn(r)),
  });
  return {
    get connected() {
      return socket.connected;
    },
    on(name, fn) {
      const set = listeners[name] as Set<typeof fn>;
      set.add(fn);
      return () => set.delete(fn);
    },
    execute: (command) => execute(rest, opts.app, command),
    listChannels: async () => (await rest.call('channels', 'list', {})) as AriChannel[],
    listBridges: async () => (await rest.call('bridges', 'list', {})) as AriBridge[],
    dropConnection: () => socket.drop(),
    close: async () => socket.close(),
  };
}

async function retryRest(opts: AriGatewayOptions, clock: Clock, signal?: AbortSignal): Promise<AriRest> {
  const initial = opts.initialDelayMs ?? 200;
  const max = opts.maxDelayMs ?? 5000;
  for (let attempt = 0; ; attempt++) {
    try {
      return await connectRest(opts.url, opts.username, opts.password);
    } catch (err) {
      if (signal?.aborted) throw err;
      const delay = Math.min(max, initial * 2 ** attempt);
      opts.onRetry?.(err, attempt + 1, delay);
      await new Promise<void>((resolve) => clock.setTimeout(resolve, delay));
      if (signal?.aborted) throw err;
    }
  }
}

/**
 * Maps our command to the ARI operation and its parameters (names as in Asterisk's ARI 10 swagger). Ids go as
 * query parameters of the plain operations (POST /bridges?bridgeId=, /channels/{id}/snoop?snoopId=,
 * /channels/{id}/play?playbackId=), the requests recorded in ../shared/asterisk22.
 */
export function toAriRequest(app: string, c: AriCommand): { resource: string; operation: string; params: Record<string, unknown> } {
  switch (c.op) {
    case 'originate':
      return {
        resource: 'channels',
        operation: 'originate',
        params: {
          endpoint: c.endpoint,
          app,
          appArgs: c.appArgs,
          channelId: c.channelId,
          timeout: c.timeoutSec,
          callerId: c.callerId,
          variables: c.variables,
        },
      };
    case 'hangup':
      return { resource: 'channels', operation: 'hangup', params: { channelId: c.channelId, reason: c.reason } };
    case 'answer':
      return { resource: 'channels', operation: 'answer', params: { channelId: c.channelId } };
    case 'snoop':
      return {
        resource: 'channels',
        operation: 'snoopChannel',
        params: { channelId: c.channelId, snoopId: c.snoopId, spy: c.spy, app },
      };
    case 'externalMedia':
      return {
        resource: 'channels',
        operation: 'externalMedia',
        params: { channelId: c.channelId, app, external_host: `${c.host}:${c.port}`, format: c.format },
      };
    case 'createBridge':
      return { resource: 'bridges', operation: 'create', params: { bridgeId: c.bridgeId, type: c.type, name: c.name } };
    case 'addChannel':
      return { resource: 'bridges', operation: 'addChannel', params: { bridgeId: c.bridgeId, channel: c.channelIds.join(',') } };
    case 'removeChannel':
      return { resource: 'bridges', operation: 'removeChannel', params: { bridgeId: c.bridgeId, channel: c.channelIds.join(',') } };
    case 'destroyBridge':
      return { resource: 'bridges', operation: 'destroy', params: { bridgeId: c.bridgeId } };
    case 'play':
      return {
        resource: 'channels',
        operation: 'play',
        params: { channelId: c.channelId, playbackId: c.playbackId, media: c.media },
      };
    case 'playOnBridge':
      return {
        resource: 'bridges',
        operation: 'play',
        params: { bridgeId: c.bridgeId, playbackId: c.playbackId, media: c.media },
      };
    case 'stopPlayback':
      return { resource: 'playbacks', operation: 'stop', params: { playbackId: c.playbackId } };
    case 'startMoh':
      return { resource: 'bridges', operation: 'startMoh', params: { bridgeId: c.bridgeId, mohClass: c.mohClass } };
    case 'record':
      return {
        resource: 'bridges',
        operation: 'record',
        params: { bridgeId: c.bridgeId, name: c.name, format: c.format, ifExists: 'overwrite' },
      };
  }
}

async function execute(rest: AriRest, app: string, command: AriCommand): Promise<void> {
  const { resource, operation, params } = toAriRequest(app, command);
  try {
    await rest.call(resource, operation, params);
  } catch (err) {
    if (err instanceof AriError) throw new AriError(err.status, err.ariMessage, command.op);
    throw new AriError(0, err instanceof Error ? err.message : String(err), command.op);
  }
}
