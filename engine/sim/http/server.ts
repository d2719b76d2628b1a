/**
 * The simulator's HTTP + WebSocket front: `/ari/*` REST with basic auth or `api_key=user:pass` (401
 * otherwise, as Asterisk's res_ari), Swagger docs under `/ari/api-docs/`, and the events WebSocket
 * `/ari/events?app=…`. Errors go out as Asterisk's `{"message": …}` bodies.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../../log/index.js';
import { AriError } from '../errors.js';
import { ariTime } from '../model/json.js';
import type { EventHub, EventSink } from '../events.js';
import { resourceDoc, resourcesDoc } from './swagger.js';
import type { Params, Reply, Router } from './router.js';

export interface FrontOptions {
  router: Router;
  hub: EventHub;
  logger: Logger;
  username: string;
  password: string;
  /** Called when an app's WebSocket opens (e.g. to note app names for /applications). */
  onAppConnected?: (apps: string[]) => void;
  now: () => number;
}

export interface Front {
  server: Server;
  sockets: Set<WebSocket>;
}

function credentials(req: IncomingMessage, url: URL): string | null {
  const apiKey = url.searchParams.get('api_key');
  if (apiKey !== null) return apiKey;
  const auth = req.headers.authorization;
  if (auth?.startsWith('Basic ')) return Buffer.from(auth.slice(6), 'base64').toString('utf8');
  return null;
}

function send(res: ServerResponse, reply: Reply): void {
  if ('bytes' in reply) {
    res.writeHead(reply.status, { 'content-type': reply.contentType, 'content-length': reply.bytes.length });
    res.end(Buffer.from(reply.bytes));
  } else if ('json' in reply) {
    const text = JSON.stringify(reply.json);
    res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  } else {
    res.writeHead(reply.status);
    res.end();
  }
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (chunks.length === 0) return null;
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return null;
  try {
    const v: unknown = JSON.parse(text);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    throw new AriError(400, 'Error parsing request body');
  }
}

export function createFront(o: FrontOptions): Front {
  const expected = `${o.username}:${o.password}`;
  const wss = new WebSocketServer({ noServer: true });
  const sockets = new Set<WebSocket>();

  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://sim');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    let reply: Reply;
    try {
      if (!path.startsWith('/ari/') && path !== '/ari') throw new AriError(404, 'Resource not found');
      if (credentials(req, url) !== expected) {
        res.setHeader('WWW-Authenticate', 'Basic realm="Asterisk REST Interface"');
        throw new AriError(401, 'Authentication required');
      }
      const sub = path.slice('/ari'.length);
      const baseUrl = `http://${req.headers.host ?? 'localhost'}/ari`;
      const doc = /^\/api-docs\/([a-z]+)\.json$/.exec(sub);
      if (doc) {
        const json = doc[1] === 'resources' ? resourcesDoc(baseUrl) : resourceDoc(doc[1]!, baseUrl);
        if (!json) throw new AriError(404, 'Resource not found');
        reply = { status: 200, json };
      } else {
        const { handler, pathParams } = o.router.match(method, sub);
        const body = await readBody(req);
        const params: Params = {};
        // Asterisk accepts parameters in a JSON body as well as in the query string.
        for (const [k, v] of Object.entries(body ?? {})) if (typeof v !== 'object') params[k] = String(v);
        for (const [k, v] of url.searchParams) params[k] = v;
        Object.assign(params, pathParams);
        reply = await handler({ params, body, baseUrl });
      }
    } catch (err) {
      if (err instanceof AriError) reply = { status: err.status, json: { message: err.message } };
      else {
        o.logger.error({ err, method, path }, 'sim: internal error');
        reply = { status: 500, json: { message: 'Internal Server Error' } };
      }
    }
    o.hub.note({ kind: 'http', what: `${method} ${path} ${reply.status}` });
    send(res, reply);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const reject = (status: number, text: string, message: string): void => {
      const body = JSON.stringify({ message });
      socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    };
    if (url.pathname !== '/ari/events') return reject(404, 'Not Found', 'Resource not found');
    if (credentials(req, url) !== expected) return reject(401, 'Unauthorized', 'Authentication required');
    const apps = (url.searchParams.get('app') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (apps.length === 0) return reject(400, 'Bad Request', 'Missing param \'app\'');
    const subscribeAll = url.searchParams.get('subscribeAll') === 'true';
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      const sink: EventSink = {
        apps: new Set(apps),
        subscribeAll,
        send: (json) => {
          if (ws.readyState === ws.OPEN) ws.send(json);
        },
      };
      o.hub.add(sink, ariTime(o.now()));
      o.onAppConnected?.(apps);
      o.logger.debug({ apps }, 'sim: app connected');
      ws.on('close', () => {
        // Nothing is cleaned up and nothing is buffered: Asterisk keeps channels and bridges as they are.
        o.hub.remove(sink);
        sockets.delete(ws);
      });
      ws.on('error', () => ws.terminate());
    });
  });

  return { server, sockets };
}
