/**
 * The ARI wire of any PBX (the embedded one or a real Asterisk): a plain HTTP client that returns status and
 * parsed body, and an app WebSocket that records events. Used where a conformance scenario runs on both.
 */
import WebSocket from 'ws';
import type { HttpResult } from './sim-harness.js';
import type { AriEventJson } from './trace-loader.js';

export interface AriEndpoint {
  url: string;
  username: string;
  password: string;
}

const key = (t: AriEndpoint): string => encodeURIComponent(`${t.username}:${t.password}`);

/** Calls `/ari<path>` (path may carry a query) with the target's credentials. */
export async function ariCall(t: AriEndpoint, method: string, path: string): Promise<HttpResult> {
  const sep = path.includes('?') ? '&' : '?';
  const res = await fetch(`${t.url}/ari${path}${sep}api_key=${key(t)}`, { method, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* binary or plain */
  }
  return { status: res.status, body };
}

export interface WireApp {
  events: AriEventJson[];
  waitFor(pred: (e: AriEventJson) => boolean, ms?: number): Promise<AriEventJson>;
  close(): Promise<void>;
}

export async function connectWire(t: AriEndpoint, app: string): Promise<WireApp> {
  const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/ari/events?app=${encodeURIComponent(app)}&api_key=${key(t)}`);
  const events: AriEventJson[] = [];
  ws.on('message', (data) => events.push(JSON.parse(String(data)) as AriEventJson));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    events,
    waitFor: async (pred, ms = 5000) => {
      const until = Date.now() + ms;
      for (;;) {
        const hit = events.find(pred);
        if (hit) return hit;
        if (Date.now() > until) throw new Error(`event not received within ${ms} ms; got: ${events.map((e) => e.type).join(', ')}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
      }),
  };
}
