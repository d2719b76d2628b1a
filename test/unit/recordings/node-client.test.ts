/**
 * The API's client of another node's recordings (engine/recordings node-client.ts) and the token it signs
 * (node-token.ts), against a stand-in node on a real port: what it sends (the token for exactly that node,
 * recording and action, the Range), and every way it fails — each a NodeRecordingError naming the node, none a hang.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  nodeRecordingClient,
  nodeRecordingKey,
  NodeRecordingError,
  signNodeRecordingToken,
  verifyNodeRecordingToken,
  type NodeAddress,
} from '../../../engine/recordings/index.js';

const key = nodeRecordingKey({ JWT_SECRET: 'j'.repeat(40) })!;
const servers: Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())));
});

async function standIn(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const s = createServer(handle);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
}

const client = (address: NodeAddress | undefined, o: { key?: Buffer | null; timeoutMs?: number; idleMs?: number } = {}) =>
  nodeRecordingClient({ key: o.key === undefined ? key : o.key, nodes: { address: async () => address }, now: () => Date.now(), timeoutMs: o.timeoutMs ?? 1000, idleMs: o.idleMs ?? 1000 });

const failure = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => (e instanceof NodeRecordingError ? { status: e.status, code: e.code, message: e.message } : e));

describe('node recording token', () => {
  const claim = { node: 'n2', callId: 'c1', action: 'audio:call' as const, by: null, exp: 2_000_000 };
  it('opens exactly its node, recording and action until it expires; another key, a changed body or a past expiry does not', () => {
    const t = signNodeRecordingToken(key, claim);
    expect(verifyNodeRecordingToken(key, t, { node: 'n2', callId: 'c1', action: 'audio:call' }, 1_999_999)).toEqual({ ok: true, claim });
    expect(verifyNodeRecordingToken(key, t, { node: 'n2', callId: 'c1', action: 'audio:call' }, 2_000_001)).toEqual({ ok: false, reason: 'expired token' });
    expect(verifyNodeRecordingToken(key, t, { node: 'n2', callId: 'c2', action: 'audio:call' }, 0)).toMatchObject({ ok: false, reason: expect.stringContaining('another recording') });
    expect(verifyNodeRecordingToken(key, t, { node: 'n2', callId: 'c1', action: 'delete' }, 0)).toMatchObject({ ok: false });
    expect(verifyNodeRecordingToken(key, t, { node: 'n3', callId: 'c1', action: 'audio:call' }, 0)).toMatchObject({ ok: false, reason: expect.stringContaining('not this node') });
    expect(verifyNodeRecordingToken(nodeRecordingKey({ JWT_SECRET: 'k'.repeat(40) })!, t, { node: 'n2', callId: 'c1', action: 'audio:call' }, 0)).toMatchObject({ ok: false, reason: expect.stringContaining('wrong signature') });
    const [v, body, sig] = t.split('.');
    const forged = Buffer.from(JSON.stringify({ n: 'n2', r: 'c1', a: 'audio:call', b: null, e: 9e15 })).toString('base64url');
    expect(verifyNodeRecordingToken(key, `${v}.${forged}.${sig}`, { node: 'n2', callId: 'c1', action: 'audio:call' }, 0)).toMatchObject({ ok: false, reason: expect.stringContaining('wrong signature') });
    expect(verifyNodeRecordingToken(key, `${v}.${body}`, { node: 'n2', callId: 'c1', action: 'audio:call' }, 0)).toEqual({ ok: false, reason: 'malformed token' });
  });

  it('the key is SECRETS_KEY when set, else JWT_SECRET, else none', () => {
    expect(nodeRecordingKey({})).toBeNull();
    expect(nodeRecordingKey({ SECRETS_KEY: 's'.repeat(40), JWT_SECRET: 'j'.repeat(40) })!.equals(nodeRecordingKey({ SECRETS_KEY: 's'.repeat(40) })!)).toBe(true);
    expect(nodeRecordingKey({ SECRETS_KEY: 's'.repeat(40), JWT_SECRET: 'j'.repeat(40) })!.equals(key)).toBe(false);
  });
});

describe('nodeRecordingClient', () => {
  it('asks the node for the audio with a token for that recording and part and the Range, and passes its answer on', async () => {
    let seen: { url: string | undefined; range: string | undefined; verdict: unknown } | undefined;
    const url = await standIn((req, res) => {
      const t = (req.headers.authorization ?? '').replace(/^Bearer /, '');
      seen = { url: req.url, range: req.headers.range, verdict: verifyNodeRecordingToken(key, t, { node: 'n2', callId: 'c/1', action: 'audio:amd' }, Date.now()) };
      res.writeHead(206, { 'content-type': 'audio/wav', 'content-range': 'bytes 2-5/10', 'content-length': '4', 'x-other': 'no' }).end('WXYZ');
    });
    const got = await client({ state: 'up', url: `${url}/` }).audio('n2', 'c/1', 'amd', 'bytes=2-5');
    expect(seen).toMatchObject({ url: '/recordings/c%2F1/audio?part=amd', range: 'bytes=2-5', verdict: { ok: true } });
    expect(got.status).toBe(206);
    expect(got.headers).toEqual({ 'content-type': 'audio/wav', 'content-range': 'bytes 2-5/10', 'content-length': '4' });
    expect(await new Response(got.body).text()).toBe('WXYZ');
  });

  it('a node down, stopped, unknown, with no URL, or no key here: 503 naming it, without asking', async () => {
    expect(await failure(client({ state: 'down', url: 'http://127.0.0.1:9' }).audio('n2', 'c1', 'call', undefined))).toMatchObject({ status: 503, code: 'node_unreachable', message: expect.stringContaining('node n2, which is down') });
    expect(await failure(client(undefined).audio('n2', 'c1', 'call', undefined))).toMatchObject({ status: 503, message: expect.stringContaining('node n2, which is not in cluster_nodes') });
    expect(await failure(client({ state: 'up', url: null }).control('n2', 'c1', 'delete', 'u1'))).toMatchObject({ status: 503, message: expect.stringContaining('node n2, which serves no recordings') });
    expect(await failure(client({ state: 'up', url: 'http://127.0.0.1:9' }, { key: null }).audio('n2', 'c1', 'call', undefined))).toMatchObject({ status: 503, message: expect.stringContaining('neither SECRETS_KEY nor JWT_SECRET') });
  });

  it('a refused token is 502 with the node’s reason; its 404 and 409 are kept; a deletion is carried with the user', async () => {
    let by: string | null | undefined;
    const url = await standIn((req, res) => {
      if (req.url === '/recordings/c1/audio?part=call') return void res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'unauthorized', message: 'Token refused: wrong signature' } }));
      if (req.url === '/recordings/c2/delete') {
        const v = verifyNodeRecordingToken(key, (req.headers.authorization ?? '').slice(7), { node: 'n2', callId: 'c2', action: 'delete' }, Date.now());
        by = v.ok ? v.claim.by : undefined;
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ callId: 'c2', state: 'deleted' }));
      }
      if (req.url === '/recordings/c3/pause') return void res.writeHead(409, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'The recording is already paused' } }));
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'No recording of call c4 on node n2' } }));
    });
    const c = client({ state: 'up', url });
    expect(await failure(c.audio('n2', 'c1', 'call', undefined))).toMatchObject({ status: 502, code: 'node_refused', message: "Node n2 refused this API's request: Token refused: wrong signature" });
    expect(await c.control('n2', 'c2', 'delete', 'u-7')).toEqual({ callId: 'c2', state: 'deleted' });
    expect(by).toBe('u-7');
    expect(await failure(c.control('n2', 'c3', 'pause', 'u-7'))).toMatchObject({ status: 409, code: 'conflict', message: 'Node n2: The recording is already paused' });
    expect(await failure(c.audio('n2', 'c4', 'call', undefined))).toMatchObject({ status: 404, code: 'not_found', message: 'Node n2: No recording of call c4 on node n2' });
  });

  it('a node that stops sending in the middle of a file: the stream errors after idleMs, naming the node (no hang)', async () => {
    const url = await standIn((_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/ogg', 'content-length': '1000' });
      res.write('OggS'); // and nothing more
    });
    const got = await client({ state: 'up', url }, { idleMs: 300 }).audio('n2', 'c1', 'call', undefined);
    const t0 = Date.now();
    const err = await new Response(got.body).arrayBuffer().then(() => undefined, (e: unknown) => e);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message) + String((err as { cause?: unknown }).cause ?? '')).toMatch(/n2 stopped sending the audio for 300 ms/);
  });
});
