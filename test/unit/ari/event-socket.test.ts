import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { systemClock } from '../../../engine/clock/index.js';
import { backoffDelay, eventsUrl, openEventSocket, type EventSocket } from '../../../engine/ari/event-socket.js';
import type { AriEvent } from '../../../engine/ari/types.js';

const until = async (cond: () => boolean, ms = 3000) => {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error('timeout');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('eventsUrl / backoffDelay', () => {
  it('builds the ARI events URL with app and credentials, for http and https bases, with or without /ari', () => {
    expect(eventsUrl('http://127.0.0.1:8088', 'centralita', 'u', 'p w')).toBe('ws://127.0.0.1:8088/ari/events?app=centralita&api_key=u%3Ap+w');
    expect(eventsUrl('https://pbx.example/ari/', 'a', 'u', 'p')).toBe('wss://pbx.example/ari/events?app=a&api_key=u%3Ap');
  });

  it('doubles up to the cap, with jitter in the upper half', () => {
    expect(backoffDelay(0, 200, 5000, 0)).toBe(100);
    expect(backoffDelay(0, 200, 5000, 1)).toBe(200);
    expect(backoffDelay(3, 200, 5000, 1)).toBe(1600);
    expect(backoffDelay(20, 200, 5000, 0.5)).toBe(3750);
  });
});

describe('openEventSocket', () => {
  let server: WebSocketServer | null = null;
  let socket: EventSocket | null = null;
  afterEach(async () => {
    socket?.close();
    for (const c of server?.clients ?? []) c.terminate();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    server = null;
    socket = null;
  });

  async function serve(port = 0): Promise<{ wss: WebSocketServer; port: number; clients: WebSocket[]; urls: string[] }> {
    const wss = new WebSocketServer({ port, host: '127.0.0.1' });
    await new Promise<void>((r) => wss.on('listening', () => r()));
    const clients: WebSocket[] = [];
    const urls: string[] = [];
    wss.on('connection', (ws, req) => {
      clients.push(ws);
      urls.push(req.url ?? '');
    });
    server = wss;
    return { wss, port: (wss.address() as AddressInfo).port, clients, urls };
  }

  it('delivers known events, drops unknown ones and garbage, and reconnects after a drop', async () => {
    const { port, clients, urls } = await serve();
    const events: AriEvent[] = [];
    const log: string[] = [];
    socket = openEventSocket({
      url: `http://127.0.0.1:${port}`,
      username: 'u',
      password: 'p',
      app: 'centralita',
      clock: systemClock,
      initialDelayMs: 20,
      maxDelayMs: 50,
      heartbeatMs: 0,
      onEvent: (e) => events.push(e),
      onConnected: () => log.push('connected'),
      onDisconnected: (r) => log.push(`disconnected`),
    });
    await until(() => clients.length === 1 && log.length === 1);
    expect(urls[0]).toBe('/ari/events?app=centralita&api_key=u%3Ap');
    clients[0]!.send(JSON.stringify({ type: 'StasisStart', channel: { id: 'c1', name: 'x', state: 'Up' }, args: [] }));
    clients[0]!.send(JSON.stringify({ type: 'DeviceStateChanged' }));
    clients[0]!.send('not json');
    await until(() => events.length === 1);
    expect(events[0]?.type).toBe('StasisStart');

    clients[0]!.terminate(); // the network drops
    await until(() => clients.length === 2 && log.length === 3);
    expect(log).toEqual(['connected', 'disconnected', 'connected']);
    expect(socket.connected).toBe(true);
  });

  it('keeps retrying while the server is down, then connects', async () => {
    const probe = await serve();
    const port = probe.port;
    await new Promise<void>((r) => probe.wss.close(() => r()));
    server = null;
    const log: string[] = [];
    socket = openEventSocket({
      url: `http://127.0.0.1:${port}`,
      username: 'u',
      password: 'p',
      app: 'a',
      clock: systemClock,
      initialDelayMs: 10,
      maxDelayMs: 40,
      heartbeatMs: 0,
      onEvent: () => {},
      onConnected: () => log.push('connected'),
      onDisconnected: () => log.push('disconnected'),
    });
    await new Promise((r) => setTimeout(r, 150)); // several failed attempts
    expect(log).toEqual([]);
    const { clients } = await serve(port);
    await until(() => clients.length === 1 && log.length === 1);
    expect(log).toEqual(['connected']);
  });

  it('drops a connection whose pongs stop (half-open TCP) and reconnects', async () => {
    const { clients } = await serve();
    const port = (server!.address() as AddressInfo).port;
    const log: string[] = [];
    socket = openEventSocket({
      url: `http://127.0.0.1:${port}`,
      username: 'u',
      password: 'p',
      app: 'a',
      clock: systemClock,
      initialDelayMs: 10,
      maxDelayMs: 20,
      heartbeatMs: 30,
      onEvent: () => {},
      onConnected: () => log.push('connected'),
      onDisconnected: (r) => log.push(r),
    });
    await until(() => clients.length === 1);
    // Silence the server side: it stops answering pings (ws answers automatically unless paused).
    (clients[0] as unknown as { _socket: { pause(): void } })._socket.pause();
    await until(() => log.includes('heartbeat timeout') && clients.length === 2 && log.at(-1) === 'connected');
  });

  it('close() stops reconnecting and reports the disconnect once', async () => {
    const { clients } = await serve();
    const port = (server!.address() as AddressInfo).port;
    const log: string[] = [];
    socket = openEventSocket({
      url: `http://127.0.0.1:${port}`,
      username: 'u',
      password: 'p',
      app: 'a',
      clock: systemClock,
      initialDelayMs: 10,
      heartbeatMs: 0,
      onEvent: () => {},
      onConnected: () => log.push('connected'),
      onDisconnected: () => log.push('disconnected'),
    });
    await until(() => log.length === 1);
    socket.close();
    await new Promise((r) => setTimeout(r, 80));
    expect(log).toEqual(['connected', 'disconnected']);
    expect(clients).toHaveLength(1);
  });
});
