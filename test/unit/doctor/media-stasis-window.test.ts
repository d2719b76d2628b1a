/**
 * Asterisk answers POST /channels/externalMedia with 200 a moment before the channel's StasisStart, and
 * addChannel inside that window is 422 "Channel not in Stasis application". On a loaded CI host the window
 * was long enough that `centralita doctor` failed a good deployment. This stub ARI holds the window open for
 * 400 ms; the doctor must wait for the event rather than race it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { checkMedia } from '../../../app/doctor/checks-media.js';

const WINDOW_MS = 400;

interface Stub {
  url: string;
  addChannelStatuses: number[];
  close(): Promise<void>;
}

async function stubAri(): Promise<Stub> {
  const inStasis = new Set<string>();
  const sockets = new Set<WebSocket>();
  const addChannelStatuses: number[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const reply = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (req.method === 'POST' && url.pathname === '/ari/channels/externalMedia') {
      const id = url.searchParams.get('channelId')!;
      setTimeout(() => {
        inStasis.add(id);
        for (const ws of sockets) ws.send(JSON.stringify({ type: 'StasisStart', channel: { id } }));
      }, WINDOW_MS);
      return reply(200, { id, channelvars: { UNICASTRTP_LOCAL_ADDRESS: '127.0.0.1', UNICASTRTP_LOCAL_PORT: '10000' } });
    }
    if (req.method === 'POST' && url.pathname === '/ari/bridges') return reply(200, { id: url.searchParams.get('bridgeId') });
    if (req.method === 'POST' && url.pathname.endsWith('/addChannel')) {
      const ids = (url.searchParams.get('channel') ?? '').split(',');
      const status = ids.every((id) => inStasis.has(id)) ? 204 : 422;
      addChannelStatuses.push(status);
      return status === 204 ? reply(204) : reply(422, { message: 'Channel not in Stasis application' });
    }
    if (req.method === 'POST' && url.pathname.endsWith('/play')) return reply(201, {});
    if (req.method === 'DELETE') return reply(204);
    reply(404, { message: 'not in this stub' });
  });
  const wss = new WebSocketServer({ server, path: '/ari/events' });
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    addChannelStatuses,
    close: async () => {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('doctor media checks: the externalMedia channel is bridged only once it is in Stasis', () => {
  let stub: Stub | null = null;
  afterEach(async () => {
    await stub?.close();
    stub = null;
  });

  it('waits out the window between the 200 and StasisStart instead of failing on its 422', async () => {
    stub = await stubAri();
    const results = await checkMedia({ url: stub.url, username: 'u', password: 'p', app: 'doctor-test', rtpHost: '127.0.0.1', rtpPortMin: 47000, rtpPortMax: 47999 });
    const em = results.find((r) => r.id === 'external-media')!;
    expect(em.verdict, em.detail).toBe('PASS');
    expect(stub.addChannelStatuses).toEqual([204]);
    // The stub sends no RTP: the next check fails, which shows it ran after a successful bridging.
    expect(results.find((r) => r.id === 'rtp')?.verdict).toBe('FAIL');
  }, 20_000);
});
