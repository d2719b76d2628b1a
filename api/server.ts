import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';

export interface RunningServer {
  server: ServerType;
  port: number;
  close(): Promise<void>;
}

/** Serves the Hono app on host:port (0 = ephemeral) and resolves once listening. */
/** Anything with a fetch handler: the API app (whatever its Env type) or a bare Hono. */
export type FetchApp = { fetch: Parameters<typeof serve>[0]['fetch'] };

export function listen(app: FetchApp, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      resolve({
        server,
        port: info.port,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
    server.once('error', reject);
  });
}
