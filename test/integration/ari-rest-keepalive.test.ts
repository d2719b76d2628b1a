/**
 * The keep-alive race (engine/ari/rest.ts): a server closes an idle kept-alive connection (its keep-alive timeout)
 * just as the client writes the next request on it, so that request is reset unread. Asterisk's HTTP server and the
 * embedded PBX's both close idle connections; a host whose event loop stalls a second (the PBX's server and the
 * engine in one process on a loaded machine) makes it likely. The request is sent again, once, on a connection of its
 * own — before, it failed as 'reset' and the gateway took it for ARI lost (a full resync: dialing paused, in-flight
 * requests aborted, people waiting for an agent dropped). A reset on a fresh connection still fails as before.
 *
 * The server is a raw TCP one speaking just enough HTTP/1.1, so that which request of a connection is reset is exact.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AriError } from '../../engine/ari/index.js';
import { createRest, type AriRest } from '../../engine/ari/rest.js';
import { systemClock } from '../../engine/clock/index.js';

const REPLY = '{"system":{"version":"22.10.1"}}';

/** Answers requests of a connection while `answer(connection, request)` says so, else resets the connection unread. */
async function httpServer(answer: (connection: number, request: number) => boolean): Promise<{ server: Server; url: string; requests: Array<[number, number]> }> {
  const requests: Array<[number, number]> = [];
  let connections = 0;
  const server = createServer((socket: Socket) => {
    const connection = ++connections;
    let request = 0;
    let buf = '';
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buf += chunk.toString('latin1');
      // Bodiless requests (content-length: 0): each ends at the blank line.
      for (let end = buf.indexOf('\r\n\r\n'); end >= 0; end = buf.indexOf('\r\n\r\n')) {
        buf = buf.slice(end + 4);
        request++;
        requests.push([connection, request]);
        if (!answer(connection, request)) {
          socket.resetAndDestroy();
          return;
        }
        socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${REPLY.length}\r\nconnection: keep-alive\r\n\r\n${REPLY}`);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

describe('ARI REST on a kept-alive connection the server closed', () => {
  const open: Array<() => unknown> = [];
  afterEach(async () => {
    for (const close of open.splice(0).reverse()) await close();
  });
  const start = async (answer: (connection: number, request: number) => boolean): Promise<{ rest: AriRest; requests: Array<[number, number]> }> => {
    const { server, url, requests } = await httpServer(answer);
    open.push(() => new Promise<void>((r) => server.close(() => r())));
    server.unref();
    const rest = createRest({ url, username: 'u', password: 'p', clock: systemClock, timeoutMs: 5000 });
    open.push(() => rest.close());
    return { rest, requests };
  };

  it('sends a request reset unread on a reused connection again, once, on a new connection', async () => {
    // The first connection takes one request and resets the second (the close race); later connections answer.
    const { rest, requests } = await start((c, n) => !(c === 1 && n === 2));
    await expect(rest.call('asterisk', 'getInfo', {})).resolves.toEqual(JSON.parse(REPLY));
    await expect(rest.call('asterisk', 'getInfo', {})).resolves.toEqual(JSON.parse(REPLY));
    expect(requests).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
    ]);
  });

  it('sends it again once only: reset again on the new connection, it fails as reset', async () => {
    const { rest, requests } = await start((c, n) => c === 1 && n === 1);
    await rest.call('asterisk', 'getInfo', {});
    const err = await rest.call('asterisk', 'getInfo', {}).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AriError);
    expect((err as AriError).kind).toBe('reset');
    expect(requests).toEqual([
      [1, 1],
      [1, 2],
      [2, 1],
    ]);
  });

  it('does not send again a request reset on a connection of its own (ARI really failing)', async () => {
    const { rest, requests } = await start(() => false);
    const err = await rest.call('asterisk', 'getInfo', {}).then(
      () => null,
      (e: unknown) => e,
    );
    expect((err as AriError).kind).toBe('reset');
    expect(requests).toEqual([[1, 1]]);
  });
});
