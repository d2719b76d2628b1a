/**
 * An API process's side of another engine node's recordings (#18, scale-out): each node records its own calls on
 * its own disk and serves their audio on its health server (app/node/recording-server.ts) behind a short-lived
 * token (./node-token.ts). This client finds the node's advertised URL (cluster_nodes.public_url), signs a token for
 * one recording and one action, and asks: the audio streamed back as it comes (HTTP Range passed through), or a
 * deletion / pause / resume carried to the node that holds the files and the live call.
 *
 * It never hangs and never throws anything but a `NodeRecordingError` naming the node: a node down or stopped in
 * cluster_nodes, one that advertises no URL, one that does not answer within `timeoutMs` (until its answer's
 * headers) or stops sending for `idleMs` in the middle of a file — 503 `node_unreachable`; a node that refuses the
 * token (SECRETS_KEY / JWT_SECRET differ) — 502 `node_refused`.
 */
import { NODE_RECORDING_TOKEN_TTL_MS, signNodeRecordingToken, type NodeRecordingAction } from './node-token.js';

/** What the client reads of a node in cluster_nodes. */
export interface NodeAddress {
  state: 'up' | 'down' | 'stopped';
  /** The base URL the node serves its recordings at (NODE_PUBLIC_URL, else its health server's); null: none. */
  url: string | null;
}

export interface NodeDirectory {
  address(nodeId: string): Promise<NodeAddress | undefined>;
}

export class NodeRecordingError extends Error {
  constructor(
    readonly status: 404 | 409 | 502 | 503,
    readonly code: 'not_found' | 'conflict' | 'node_refused' | 'node_unreachable',
    message: string,
  ) {
    super(message);
    this.name = 'NodeRecordingError';
  }
}

export interface NodeRecordingClientOptions {
  /** nodeRecordingKey(config): null when this process has neither SECRETS_KEY nor JWT_SECRET. */
  key: Buffer | null;
  nodes: NodeDirectory;
  now: () => number;
  /** Until the node's answer's headers arrive (ms). Default 5000. */
  timeoutMs?: number;
  /** The longest silence in the middle of a body being streamed (ms). Default 15000. */
  idleMs?: number;
}

export interface NodeAudio {
  status: 200 | 206 | 416;
  /** content-type, content-length, content-range, accept-ranges as the node sent them. */
  headers: Record<string, string>;
  body: ReadableStream<Uint8Array> | null;
}

export interface NodeRecordingClient {
  /** One recording's audio from the node that holds it; `range` is the client's Range header, passed as is. */
  audio(nodeId: string, callId: string, part: 'call' | 'amd', range: string | undefined): Promise<NodeAudio>;
  /** A deletion, pause or resume done by the node that holds the recording; resolves with the node's JSON answer. */
  control(nodeId: string, callId: string, action: 'delete' | 'pause' | 'resume', by: string | null): Promise<unknown>;
}

const PASSED = ['content-type', 'content-length', 'content-range', 'accept-ranges'] as const;

export function nodeRecordingClient(o: NodeRecordingClientOptions): NodeRecordingClient {
  const timeoutMs = o.timeoutMs ?? 5000;
  const idleMs = o.idleMs ?? 15_000;

  /** The node's base URL, or why it cannot be asked. */
  const baseOf = async (nodeId: string): Promise<string> => {
    let a: NodeAddress | undefined;
    try {
      a = await o.nodes.address(nodeId);
    } catch (err) {
      throw new NodeRecordingError(503, 'node_unreachable', `Cannot read where node ${nodeId} serves its recordings: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!a) throw new NodeRecordingError(503, 'node_unreachable', `The recording is held by node ${nodeId}, which is not in cluster_nodes`);
    if (a.state !== 'up') throw new NodeRecordingError(503, 'node_unreachable', `The recording is held by node ${nodeId}, which is ${a.state}: its audio is back when that node is up`);
    if (!a.url) throw new NodeRecordingError(503, 'node_unreachable', `The recording is held by node ${nodeId}, which serves no recordings to other processes (no health server)`);
    if (!o.key) throw new NodeRecordingError(503, 'node_unreachable', `The recording is held by node ${nodeId}; this API has neither SECRETS_KEY nor JWT_SECRET to sign a request for it`);
    return a.url.replace(/\/+$/, '');
  };

  /** fetch with a deadline for the headers; a failure or the deadline → 503 naming the node. */
  const ask = async (nodeId: string, url: string, init: RequestInit): Promise<Response> => {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    try {
      return await fetch(url, { ...init, signal: ac.signal, redirect: 'error' });
    } catch (err) {
      if (ac.signal.aborted) throw new NodeRecordingError(503, 'node_unreachable', `Node ${nodeId} did not answer within ${timeoutMs} ms (${new URL(url).origin})`);
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new NodeRecordingError(503, 'node_unreachable', `Node ${nodeId} is unreachable at ${new URL(url).origin}: ${cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err))}`);
    } finally {
      clearTimeout(timer);
    }
  };

  /** A node's refusal in words (its JSON error's message when it sent one). */
  const refusal = async (nodeId: string, res: Response): Promise<NodeRecordingError> => {
    let message = `HTTP ${res.status}`;
    try {
      const body = (await res.json()) as { error?: { message?: string } };
      if (body.error?.message) message = body.error.message;
    } catch {
      // not JSON: the status says it
    }
    if (res.status === 401 || res.status === 403) return new NodeRecordingError(502, 'node_refused', `Node ${nodeId} refused this API's request: ${message}`);
    if (res.status === 404) return new NodeRecordingError(404, 'not_found', `Node ${nodeId}: ${message}`);
    if (res.status === 409) return new NodeRecordingError(409, 'conflict', `Node ${nodeId}: ${message}`);
    if (res.status === 503) return new NodeRecordingError(503, 'node_unreachable', `Node ${nodeId} cannot serve it now: ${message}`);
    return new NodeRecordingError(502, 'node_refused', `Node ${nodeId} answered ${message}`);
  };

  const token = (nodeId: string, callId: string, action: NodeRecordingAction, by: string | null) =>
    signNodeRecordingToken(o.key!, { node: nodeId, callId, action, by, exp: o.now() + NODE_RECORDING_TOKEN_TTL_MS });

  return {
    async audio(nodeId, callId, part, range) {
      const base = await baseOf(nodeId);
      const url = `${base}/recordings/${encodeURIComponent(callId)}/audio?part=${part}`;
      const headers: Record<string, string> = { authorization: `Bearer ${token(nodeId, callId, part === 'amd' ? 'audio:amd' : 'audio:call', null)}` };
      if (range) headers['range'] = range;
      const res = await ask(nodeId, url, { method: 'GET', headers });
      if (res.status !== 200 && res.status !== 206 && res.status !== 416) throw await refusal(nodeId, res);
      const out: Record<string, string> = {};
      for (const h of PASSED) {
        const v = res.headers.get(h);
        if (v !== null) out[h] = v;
      }
      return { status: res.status, headers: out, body: res.body ? res.body.pipeThrough(idleWatch(idleMs, nodeId)) : null };
    },

    async control(nodeId, callId, action, by) {
      const base = await baseOf(nodeId);
      const res = await ask(nodeId, `${base}/recordings/${encodeURIComponent(callId)}/${action}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token(nodeId, callId, action, by)}` },
      });
      if (res.status !== 200) throw await refusal(nodeId, res);
      try {
        return await res.json();
      } catch (err) {
        throw new NodeRecordingError(502, 'node_refused', `Node ${nodeId} answered its ${action} with no JSON: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
  };
}

/** Errors the stream (and so cancels the node's answer) when no chunk came for `idleMs`: a stalled node never holds a listener. */
function idleWatch(idleMs: number, nodeId: string): TransformStream<Uint8Array, Uint8Array> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let ctl: TransformStreamDefaultController<Uint8Array> | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => ctl?.error(new NodeRecordingError(503, 'node_unreachable', `Node ${nodeId} stopped sending the audio for ${idleMs} ms`)), idleMs);
    timer.unref?.();
  };
  return new TransformStream<Uint8Array, Uint8Array>({
    start(c) {
      ctl = c;
      arm();
    },
    transform(chunk, c) {
      arm();
      c.enqueue(chunk);
    },
    flush() {
      clearTimeout(timer);
    },
  });
}
