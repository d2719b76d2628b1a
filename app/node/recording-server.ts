/**
 * An engine node's own recordings, served on its health server to API processes (#18, scale-out): the node
 * records its calls on its own disk, and any API process plays them through it.
 *
 *   GET  /recordings/{callId}/audio?part=call|amd   the file, HTTP Range as the API's own audio route (206, 416)
 *   POST /recordings/{callId}/delete|pause|resume   done by this node's recorder; answers the recording's row
 *
 * Every request carries `Authorization: Bearer <token>`, a token an API signed for this node, this recording and
 * this action with the shared secret (engine/recordings node-token.ts, valid a minute): none, a wrong one, an
 * expired one or one for anything else → 401 with the reason, never the file. A recording of another node → 404.
 *
 * `centralita node` serves these on its health server; `npm start` on PostgreSQL, whose in-process node has no
 * health server, serves them on its own HTTP port under `/node` (`prefix`), the same routes and token rules.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../../engine/clock/index.js';
import type { Logger } from '../../engine/log/index.js';
import { parseRange, RecordingError, Recordings, verifyNodeRecordingToken, type NodeRecordingAction } from '../../engine/recordings/index.js';
import type { RecordingRow } from '../../engine/store/index.js';

export interface NodeRecordingServerDeps {
  nodeId: string;
  /** nodeRecordingKey(config); null: no shared secret, every request is refused (503, said at start). */
  key: Buffer | null;
  /** This node's recording rows (the recorder's store). */
  get(callId: string): Promise<RecordingRow | undefined>;
  recorder: Pick<Recordings, 'delete' | 'pause' | 'resume'>;
  clock: Clock;
  logger: Logger;
  /** A path prefix the routes sit under ("/node" on the product's own port); none on a node's health server. */
  prefix?: string;
}

const ROUTE = /^\/recordings\/([^/]{1,200})\/(audio|delete|pause|resume)$/;

/** A request handler for the health server: true when it answered (a /recordings/… path), false to let it go on. */
export function nodeRecordingHandler(d: NodeRecordingServerDeps): (req: IncomingMessage, res: ServerResponse) => boolean {
  const fail = (res: ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}) => {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(JSON.stringify({ error: { code, message } }));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse, callId: string, verb: 'audio' | 'delete' | 'pause' | 'resume', query: URLSearchParams) => {
    const part = query.get('part') ?? 'call';
    if (verb === 'audio' ? req.method !== 'GET' && req.method !== 'HEAD' : req.method !== 'POST') return fail(res, 405, 'method_not_allowed', `${req.method} not allowed here`);
    if (verb === 'audio' && part !== 'call' && part !== 'amd') return fail(res, 400, 'validation_error', 'part must be call or amd');
    const action: NodeRecordingAction = verb === 'audio' ? (part === 'amd' ? 'audio:amd' : 'audio:call') : verb;
    if (!d.key) return fail(res, 503, 'unavailable', `Node ${d.nodeId} has neither SECRETS_KEY nor JWT_SECRET: it cannot check who asks for its recordings`);
    const auth = req.headers['authorization'];
    const m = typeof auth === 'string' ? /^Bearer (\S+)$/.exec(auth) : null;
    if (!m) return fail(res, 401, 'unauthorized', 'A token is required (Authorization: Bearer …)', { 'www-authenticate': 'Bearer' });
    const v = verifyNodeRecordingToken(d.key, m[1]!, { node: d.nodeId, callId, action }, d.clock.now());
    if (!v.ok) {
      d.logger.warn({ callId, action, reason: v.reason, from: req.socket.remoteAddress }, 'a request for a recording was refused');
      return fail(res, 401, 'unauthorized', `Token refused: ${v.reason}`, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    if (verb !== 'audio') {
      try {
        const row = verb === 'delete' ? await d.recorder.delete(callId, v.claim.by ?? 'unknown') : verb === 'pause' ? await d.recorder.pause(callId, v.claim.by) : await d.recorder.resume(callId);
        res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(row));
      } catch (err) {
        if (err instanceof RecordingError) return fail(res, err.status, err.status === 404 ? 'not_found' : 'conflict', err.message);
        throw err;
      }
      return;
    }
    const row = await d.get(callId);
    if (!row || row.nodeId !== d.nodeId) return fail(res, 404, 'not_found', `No recording of call ${callId} on node ${d.nodeId}`);
    const file = Recordings.playable(row, part as 'call' | 'amd');
    if (!file) return fail(res, 404, 'not_found', `No audio for call ${callId} on node ${d.nodeId}`);
    let size: number;
    try {
      size = (await stat(file.path)).size;
    } catch {
      return fail(res, 404, 'not_found', `The audio file of call ${callId} is missing on node ${d.nodeId}`);
    }
    const headers: Record<string, string> = { 'content-type': file.contentType, 'accept-ranges': 'bytes', 'cache-control': 'private, no-store' };
    const rangeHeader = req.headers['range'];
    const range = parseRange(typeof rangeHeader === 'string' ? rangeHeader : undefined, size);
    if (range === 'bad') {
      res.writeHead(416, { ...headers, 'content-range': `bytes */${size}`, 'content-length': '0' }).end();
      return;
    }
    const start = range?.start ?? 0;
    const end = range?.end ?? size - 1;
    headers['content-length'] = String(size === 0 ? 0 : end - start + 1);
    if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
    res.writeHead(range ? 206 : 200, headers);
    if (size === 0 || req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file.path, { start, end });
    stream.on('error', (err) => {
      d.logger.warn({ callId, err: String(err) }, 'reading a recording failed mid-way');
      res.destroy(err);
    });
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  };

  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://node');
    const prefix = d.prefix ?? '';
    if (prefix && !url.pathname.startsWith(`${prefix}/`)) return false;
    const m = ROUTE.exec(url.pathname.slice(prefix.length));
    if (!m) return false;
    let callId: string;
    try {
      callId = decodeURIComponent(m[1]!);
    } catch {
      fail(res, 400, 'validation_error', 'bad recording id');
      return true;
    }
    handle(req, res, callId, m[2] as 'audio' | 'delete' | 'pause' | 'resume', url.searchParams).catch((err: unknown) => {
      d.logger.error({ err, callId }, 'serving a recording failed');
      fail(res, 500, 'internal', `Node ${d.nodeId} could not serve the recording: ${err instanceof Error ? err.message : String(err)}`);
    });
    return true;
  };
}
