/**
 * A TCP proxy between the engine and its PBX (real Asterisk or the embedded one), to break the network the way
 * an outage does: `blackhole` (the port swallows everything: open connections stop forwarding, new ones are
 * accepted and never answered — a firewall dropping packets), `reset` (every connection is reset, new ones too),
 * `refuse` (nobody listens: connection refused). `forward` heals: connections that were blackholed are cut, as
 * a firewall that lost their state would. It also notes the HTTP request lines the engine sends (method and
 * path), so a test can tell when dialling resumed without asking the engine.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export type ProxyMode = 'forward' | 'blackhole' | 'reset' | 'refuse';

export interface ProxiedRequest {
  at: number;
  method: string;
  path: string;
}

export interface TcpProxy {
  port: number;
  /** http://127.0.0.1:port — what the engine takes as ARI_URL. */
  url: string;
  readonly mode: ProxyMode;
  setMode(mode: ProxyMode): Promise<void>;
  /** HTTP request lines seen from the engine, oldest first (wall-clock `at`). */
  readonly requests: readonly ProxiedRequest[];
  close(): Promise<void>;
}

interface Pair {
  client: Socket;
  upstream: Socket | null;
}

const REQUEST_LINE = /(?:^|\r\n)(GET|POST|PUT|DELETE) (\S+) HTTP\/1\.1\r\n/g;

function reset(s: Socket | null): void {
  if (!s || s.destroyed) return;
  if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
  else s.destroy();
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  let mode: ProxyMode = 'forward';
  const live = new Set<Pair>();
  const holes = new Set<Pair>();
  const requests: ProxiedRequest[] = [];

  const onConnection = (client: Socket) => {
    const pair: Pair = { client, upstream: null };
    client.on('error', () => {});
    if (mode === 'reset') return reset(client);
    if (mode === 'blackhole') {
      holes.add(pair);
      client.on('data', () => {}); // read and drop
      client.on('close', () => holes.delete(pair));
      return;
    }
    const upstream = createConnection(target);
    pair.upstream = upstream;
    live.add(pair);
    upstream.on('error', () => reset(client));
    const end = () => {
      live.delete(pair);
      holes.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('data', (chunk: Buffer) => {
      if (holes.has(pair)) return; // swallowed
      for (const m of chunk.toString('latin1').matchAll(REQUEST_LINE)) requests.push({ at: Date.now(), method: m[1]!, path: m[2]! });
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (holes.has(pair)) return;
      client.write(chunk);
    });
  };

  let server: Server = createServer(onConnection);
  const listen = (port: number) =>
    new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as { port: number }).port);
      });
    });
  const port = await listen(0);

  const setMode = async (next: ProxyMode): Promise<void> => {
    if (next === mode) return;
    const prev = mode;
    mode = next;
    if (prev === 'refuse') {
      server = createServer(onConnection);
      await listen(port);
    }
    if (prev === 'blackhole') {
      for (const p of holes) {
        reset(p.client);
        reset(p.upstream);
      }
      holes.clear();
    }
    switch (next) {
      case 'blackhole':
        for (const p of live) holes.add(p);
        return;
      case 'reset':
        for (const p of [...live]) {
          reset(p.client);
          reset(p.upstream);
        }
        return;
      case 'refuse':
        for (const p of [...live, ...holes]) {
          reset(p.client);
          reset(p.upstream);
        }
        holes.clear();
        await new Promise<void>((r) => server.close(() => r()));
        return;
      default:
        return;
    }
  };

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    get mode() {
      return mode;
    },
    setMode,
    requests,
    async close() {
      for (const p of [...live, ...holes]) {
        p.client.destroy();
        p.upstream?.destroy();
      }
      if (server.listening) await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
