/**
 * The ARI gateway: the one place the engine talks to Asterisk. Typed events in, typed commands out, one error
 * type (AriError). REST goes through rest.ts (a deadline on every request); events come over our own
 * reconnecting WebSocket (event-socket.ts). Every (re)connect is announced with `connected`; the engine must
 * reconcile (listChannels/listBridges) before it dials again, because Asterisk buffers no events while we are
 * away.
 *
 * Losing sight of Asterisk is one state, whichever way it happens: when the event socket drops, every request
 * in flight fails at once (`aborted`) and new commands fail without being sent (`disconnected`) until the socket
 * is back; when a command gets no answer (timeout, reset, refused), the socket is dropped on purpose, so the
 * engine reconnects and reconciles instead of guessing what Asterisk did.
 */
import { systemClock, type Clock } from '../clock/index.js';
import type { Logger } from '../log/index.js';
import { AriError } from './errors.js';
import { openEventSocket, type EventSocket } from './event-socket.js';
import { createRest, MAX_RECORDING_BYTES, type AriRest } from './rest.js';
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
  /** Deadline of every REST request (default 5000 ms). */
  requestTimeoutMs?: number;
  /** LOG_LEVEL=debug: every request, reply and failure. */
  logger?: Logger;
  /** Longest wait between start-up attempts (default maxDelayMs); reconnects of the event socket use maxDelayMs. */
  startRetryMaxMs?: number;
  /** Told about every failed attempt to reach ARI at start (wrong URL/password, Asterisk down). */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

export interface AriListeners {
  event: (e: AriEvent) => void;
  connected: () => void;
  disconnected: (reason: string) => void;
}

/** What `GET /asterisk/info` says about the Asterisk process: a new `startupTime` is a new boot. */
export interface AsteriskInfo {
  startupTime: string;
  version: string | null;
}

export interface AriGateway {
  readonly connected: boolean;
  /** Clock time Asterisk was last heard from (event, pong, socket open); null before the first. */
  readonly lastHeardAt: number | null;
  on<K extends keyof AriListeners>(name: K, fn: AriListeners[K]): () => void;
  /** Performs one command; rejects with AriError. */
  execute(command: AriCommand): Promise<void>;
  listChannels(): Promise<AriChannel[]>;
  listBridges(): Promise<AriBridge[]>;
  asteriskInfo(): Promise<AsteriskInfo>;
  /**
   * `GET /recordings/stored/{name}/file`: the stored recording's bytes (works when Asterisk is on another host).
   * A slow or failed download does not drop the event socket (a file is not a command the engine waits on).
   */
  storedRecordingFile(name: string, o?: { timeoutMs?: number; maxBytes?: number }): Promise<Buffer>;
  /** Resolves once no REST request is in flight, or after `maxMs`, whichever comes first. */
  settled(maxMs: number): Promise<void>;
  /** Drops the event socket as a network failure would; it reconnects by itself (tests, manual resync). */
  dropConnection(): void;
  close(): Promise<void>;
}

/**
 * Reaches ARI (retrying with backoff until Asterisk answers `GET /asterisk/info` with our credentials, or
 * `signal` aborts) and opens the event socket. Resolves once REST is usable; `connected` fires when the socket
 * is up.
 */
export async function connectAri(opts: AriGatewayOptions, signal?: AbortSignal): Promise<AriGateway> {
  const clock = opts.clock ?? systemClock;
  const rest = createRest({
    url: opts.url,
    username: opts.username,
    password: opts.password,
    clock,
    ...(opts.requestTimeoutMs !== undefined ? { timeoutMs: opts.requestTimeoutMs } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  try {
    await retryProbe(rest, opts, clock, signal);
  } catch (err) {
    rest.close();
    throw err;
  }
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
    onDisconnected: (r) => {
      // Nothing in flight may outlive the connection: what it did is for reconciliation to find out.
      rest.abortAll(`ARI events connection lost (${r})`);
      listeners.disconnected.forEach((fn) => fn(r));
    },
  });
  const execute = async (command: AriCommand): Promise<void> => {
    if (!socket.connected) throw new AriError(0, 'not connected to ARI events', command.op, 'disconnected');
    const { resource, operation, params } = toAriRequest(opts.app, command);
    try {
      await rest.call(resource, operation, params);
    } catch (err) {
      const e = err instanceof AriError ? err : new AriError(0, String(err), command.op, 'protocol');
      if (e.kind === 'timeout' || e.kind === 'reset' || e.kind === 'refused') {
        opts.logger?.warn({ op: command.op, kind: e.kind, message: e.ariMessage }, 'ARI request got no answer; reconnecting to resync');
        socket.drop();
      }
      throw new AriError(e.status, e.ariMessage, command.op, e.kind);
    }
  };
  return {
    get connected() {
      return socket.connected;
    },
    get lastHeardAt() {
      return socket.lastHeardAt;
    },
    on(name, fn) {
      const set = listeners[name] as Set<typeof fn>;
      set.add(fn);
      return () => set.delete(fn);
    },
    execute,
    listChannels: async () => listOf<AriChannel>(await rest.call('channels', 'list', {}), 'channels.list'),
    listBridges: async () => listOf<AriBridge>(await rest.call('bridges', 'list', {}), 'bridges.list'),
    asteriskInfo: async () => infoOf(await rest.call('asterisk', 'getInfo', {})),
    storedRecordingFile: (name, o = {}) =>
      rest.download('recordings', 'getStoredFile', { recordingName: name }, { timeoutMs: o.timeoutMs ?? 60_000, maxBytes: o.maxBytes ?? MAX_RECORDING_BYTES }),
    settled: (maxMs) =>
      new Promise<void>((resolve) => {
        const t = clock.setTimeout(resolve, maxMs);
        void rest.whenIdle().then(() => {
          clock.clearTimeout(t);
          resolve();
        });
      }),
    dropConnection: () => socket.drop(),
    close: async () => {
      socket.close();
      rest.close();
    },
  };
}

function listOf<T>(reply: unknown, op: string): T[] {
  if (!Array.isArray(reply)) throw new AriError(0, `expected a list, got ${typeof reply}`, op, 'protocol');
  return reply as T[];
}

function infoOf(reply: unknown): AsteriskInfo {
  const r = reply as { status?: { startup_time?: unknown }; system?: { version?: unknown } } | null;
  const startup = r && typeof r === 'object' ? r.status?.startup_time : undefined;
  if (typeof startup !== 'string') {
    const shown = typeof reply === 'string' ? reply.slice(0, 80) : typeof reply;
    throw new AriError(0, `GET /asterisk/info is not ARI's (${shown})`, 'asterisk.getInfo', 'protocol');
  }
  const version = r?.system?.version;
  return { startupTime: startup, version: typeof version === 'string' ? version : null };
}

/** Start-up: `GET /asterisk/info` until it answers as ARI does (credentials accepted, JSON of the right shape). */
async function retryProbe(rest: AriRest, opts: AriGatewayOptions, clock: Clock, signal?: AbortSignal): Promise<AsteriskInfo> {
  const initial = opts.initialDelayMs ?? 200;
  const max = opts.startRetryMaxMs ?? opts.maxDelayMs ?? 5000;
  for (let attempt = 0; ; attempt++) {
    try {
      return infoOf(await rest.call('asterisk', 'getInfo', {}));
    } catch (err) {
      if (signal?.aborted) throw err;
      const delay = Math.min(max, initial * 2 ** attempt);
      opts.onRetry?.(err, attempt + 1, delay);
      await new Promise<void>((resolve) => {
        const t = clock.setTimeout(resolve, delay);
        signal?.addEventListener('abort', () => {
          clock.clearTimeout(t);
          resolve();
        }, { once: true });
      });
      if (signal?.aborted) throw err;
    }
  }
}

/**
 * The formats we originate a Local channel with (`Local/…` dial strings of campaigns and agents). Left without
 * them, Asterisk gives a Local channel every format and it settles on slin192; 8 kHz audio crossing it (a G.711
 * callee its dialplan Dials, an agent's phone) is up-sampled 8 → 192 kHz by codec_resample, whose fixed-point
 * interpolating filter halves the level (× 0.50, −6 dB; engine/amd/README.md, "Live on a real Asterisk"). slin48,
 * like slin192, is no codec a trunk shares (so what the Local channel's Dial offers should not change — not
 * measured), keeps wideband, and 8, 16 and 24 kHz reach it through the direct filter, at full level. Other
 * technologies: Asterisk's choice.
 */
export function localChannelFormats(endpoint: string): string | undefined {
  return /^local\//i.test(endpoint) ? 'slin48' : undefined;
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
          formats: localChannelFormats(c.endpoint),
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
    case 'stopRecording':
      return { resource: 'recordings', operation: 'stop', params: { recordingName: c.name } };
    case 'pauseRecording':
      return { resource: 'recordings', operation: 'pause', params: { recordingName: c.name } };
    case 'unpauseRecording':
      return { resource: 'recordings', operation: 'unpause', params: { recordingName: c.name } };
    case 'deleteStoredRecording':
      return { resource: 'recordings', operation: 'deleteStored', params: { recordingName: c.name } };
  }
}
