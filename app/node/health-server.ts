/**
 * GET /health of a cluster node: the node's own state (ARI, database, dialler) and its view of the cluster (every
 * node's state, last heartbeat, calls and agents as the cluster_nodes table says). 200 when this node can dial,
 * 503 when degraded (ARI not connected, the database unreachable or refusing writes). Plain node:http: a node has
 * no API of its own (the API still runs on the SQLite product, see docs/scale-out.md). A node that records also
 * serves its recordings here to API processes, behind a token (./recording-server.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HealthServer {
  url: string;
  port: number;
  /** The HTTP server itself: the cluster board's Socket.IO (engine/cluster) attaches to it. */
  server: Server;
  close(): Promise<void>;
}

export interface HealthServerOptions {
  host: string;
  port: number;
  report: () => { status: 'ok' | 'degraded' } & Record<string, unknown>;
  /** Other routes (the node's recordings, app/node/recording-server.ts): asked first; true when it answered. */
  handle?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

export async function startHealthServer(o: HealthServerOptions): Promise<HealthServer> {
  const extra = o.handle;
  const server: Server = createServer((req, res) => {
    if (extra?.(req, res)) return;
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/health') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: 'only GET /health here' } }));
      return;
    }
    let body: ReturnType<typeof o.report>;
    try {
      body = o.report();
    } catch (err) {
      res.writeHead(500, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'degraded', error: String(err) }));
      return;
    }
    res.writeHead(body.status === 'ok' ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}/health`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
