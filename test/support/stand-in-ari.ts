/**
 * A stand-in for an Asterisk with a writable PJSIP wizard (the bundled real Asterisk has no PJSIP): it takes every
 * `PUT /ari/asterisk/config/dynamic/…` as Asterisk would (200, the fields back) and records its path and body; any
 * other request is a 404. For tests of trunk and phone pushes (engine/deploy).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInAri {
  url: string;
  /** What was pushed, in order. */
  puts: Array<{ path: string; body: unknown }>;
  close(): Promise<void>;
}

export async function standInAri(): Promise<StandInAri> {
  const puts: StandInAri['puts'] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.method !== 'PUT' || !(req.url ?? '').startsWith('/ari/asterisk/config/dynamic/')) return void res.writeHead(404).end();
      puts.push({ path: req.url!, body: JSON.parse(body) });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify((JSON.parse(body) as { fields: unknown }).fields));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, puts, close: () => new Promise<void>((r) => server.close(() => r())) };
}
