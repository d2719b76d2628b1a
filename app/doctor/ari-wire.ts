/** The doctor's own small ARI client: plain HTTP with a deadline, and an app WebSocket that records events. */
import WebSocket from 'ws';

export interface AriTarget {
  url: string;
  username: string;
  password: string;
}

export interface AriReply {
  status: number;
  body: unknown;
}

export class AriUnreachable extends Error {}

export async function ari(t: AriTarget, method: string, path: string, timeoutMs = 5000): Promise<AriReply> {
  let res: Response;
  try {
    res = await fetch(`${t.url.replace(/\/+$/, '')}/ari${path}`, {
      method,
      headers: { authorization: `Basic ${Buffer.from(`${t.username}:${t.password}`).toString('base64')}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    throw new AriUnreachable(cause?.code ?? cause?.message ?? (err as Error).message);
  }
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    /* not JSON */
  }
  return { status: res.status, body };
}

export interface AppSocket {
  events: Array<{ type: string } & Record<string, unknown>>;
  waitFor(pred: (e: { type: string } & Record<string, unknown>) => boolean, ms: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function openApp(t: AriTarget, app: string, timeoutMs = 5000): Promise<AppSocket> {
  const url = `${t.url.replace(/^http/, 'ws').replace(/\/+$/, '')}/ari/events?app=${encodeURIComponent(app)}&api_key=${encodeURIComponent(`${t.username}:${t.password}`)}`;
  const ws = new WebSocket(url, { handshakeTimeout: timeoutMs });
  const events: AppSocket['events'] = [];
  ws.on('message', (data) => {
    try {
      events.push(JSON.parse(String(data)) as AppSocket['events'][number]);
    } catch {
      /* ignore */
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(new Error(`events WebSocket answered HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
  return {
    events,
    waitFor: async (pred, ms) => {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        if (events.some(pred)) return true;
        await new Promise((r) => setTimeout(r, 20));
      }
      return events.some(pred);
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (ws.readyState === WebSocket.CLOSED) return resolve();
        ws.once('close', () => resolve());
        ws.close();
        setTimeout(resolve, 1000).unref();
      }),
  };
}
