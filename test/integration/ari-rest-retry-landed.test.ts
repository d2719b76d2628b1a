/**
 * The keep-alive retry (engine/ari/rest.ts) on the real Asterisk 22, when the reset came after Asterisk had taken
 * the request: a proxy between the client and Asterisk forwards the originate, lets Asterisk create the channel,
 * then resets the client's connection instead of passing the reply on. The client sends the originate again on a
 * new connection and Asterisk answers 409 "Channel with given unique ID already exists". That channel is ours and
 * rings: the originate must succeed (before, it failed, and the engine ended a call whose callee's phone was ringing
 * as FAILED). A 409 to a request that was not sent again stays an error.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AriError } from '../../engine/ari/index.js';
import { createRest } from '../../engine/ari/rest.js';
import { systemClock } from '../../engine/clock/index.js';
import { startRealAsterisk, type RealAsterisk } from '../support/real-asterisk.js';

const REQUEST_LINE = /(?:^|\r\n)(GET|POST|DELETE) \S+ HTTP\/1\.1\r\n/g;

/**
 * Forwards to Asterisk; on the first connection, the reply to its second request is swallowed and the client's
 * connection reset (Asterisk has already acted on the request).
 */
async function lossyProxy(target: URL): Promise<{ server: Server; url: string; sockets: Set<Socket> }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const connection = ++connections;
    let requests = 0;
    const upstream = createConnection({ host: target.hostname, port: Number(target.port) });
    sockets.add(client).add(upstream);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.on('data', (chunk) => {
      requests += chunk.toString('latin1').match(REQUEST_LINE)?.length ?? 0;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (connection === 1 && requests === 2) {
        client.resetAndDestroy();
        upstream.destroy();
        return;
      }
      client.write(chunk);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sockets };
}

let ast: RealAsterisk;
let ws: WebSocket;

beforeAll(async () => {
  ast = await startRealAsterisk({ name: 'ari-retry-409' });
  // Originate to an app needs the app registered: its event socket.
  ws = new WebSocket(`${ast.url.replace(/^http/, 'ws')}/ari/events?app=${ast.app}`, { headers: { authorization: `Basic ${Buffer.from(`${ast.username}:${ast.password}`).toString('base64')}` } });
  await new Promise((r, j) => ws.once('open', r).once('error', j));
}, 120_000);

afterAll(async () => {
  ws?.close();
  await ast?.close();
});

const channelIds = async (): Promise<string[]> => {
  const r = await fetch(`${ast.url}/ari/channels`, { headers: { authorization: `Basic ${Buffer.from(`${ast.username}:${ast.password}`).toString('base64')}` } });
  return ((await r.json()) as Array<{ id: string }>).map((c) => c.id);
};

describe('ARI originate sent again after a reset that followed Asterisk taking it', () => {
  it('succeeds: the channel exists once and is ours; a 409 without a retry still fails', async () => {
    const proxy = await lossyProxy(new URL(ast.url));
    const rest = createRest({ url: proxy.url, username: ast.username, password: ast.password, clock: systemClock, timeoutMs: 5000 });
    try {
      // Request 1 of connection 1 passes; request 2 (the originate, on the kept-alive connection) lands and is reset.
      await rest.call('asterisk', 'getInfo', {});
      const originate = { endpoint: 'Local/ring-noanswer@amd-sim', app: ast.app, channelId: 'retry-409-a', timeout: 20 };
      await expect(rest.call('channels', 'originate', originate)).resolves.toBeUndefined();
      expect((await channelIds()).filter((id) => id === 'retry-409-a')).toEqual(['retry-409-a']);

      // The same originate sent once, fresh: Asterisk's 409 is a real error (not ours to explain away).
      const direct = createRest({ url: ast.url, username: ast.username, password: ast.password, clock: systemClock, timeoutMs: 5000 });
      try {
        const err = await direct.call('channels', 'originate', originate).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(AriError);
        expect((err as AriError).status).toBe(409);
        expect((err as AriError).ariMessage).toMatch(/already exists/);
      } finally {
        direct.close();
      }
    } finally {
      rest.close();
      for (const s of proxy.sockets) s.destroy();
      await new Promise<void>((r) => proxy.server.close(() => r()));
      await fetch(`${ast.url}/ari/channels/retry-409-a`, { method: 'DELETE', headers: { authorization: `Basic ${Buffer.from(`${ast.username}:${ast.password}`).toString('base64')}` } });
    }
  }, 30_000);
});
