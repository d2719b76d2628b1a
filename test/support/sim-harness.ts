/**
 * Test helpers around the simulator: an app WebSocket that records events, and a tiny ARI HTTP client
 * (fetch with api_key) that returns status and parsed body. No ari-client here on purpose: conformance tests
 * look at the wire.
 */
import WebSocket from 'ws';
import { VirtualClock } from '../../engine/clock/index.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../engine/sim/index.js';
import type { AriEventJson } from './trace-loader.js';

export interface AppSocket {
  events: AriEventJson[];
  ws: WebSocket;
  close(): Promise<void>;
  /** Resolves once `n` events have arrived (or rejects after `ms` real milliseconds). */
  waitForCount(n: number, ms?: number): Promise<void>;
  waitFor(pred: (e: AriEventJson) => boolean, ms?: number): Promise<AriEventJson>;
  /**
   * Resolves once this socket has received every event the simulator has sent since it connected (per the
   * simulator's journal). Exact only while this is the one app socket connected.
   */
  caughtUp(ms?: number): Promise<void>;
}

const sentEvents = (sim: Simulator): number => sim.journal().filter((j) => j.kind === 'event').length;

export async function connectApp(sim: Simulator, app = 'dialer', extra = ''): Promise<AppSocket> {
  const url = `${sim.url.replace(/^http/, 'ws')}/ari/events?app=${encodeURIComponent(app)}&api_key=${encodeURIComponent(`${sim.username}:${sim.password}`)}${extra}`;
  const ws = new WebSocket(url);
  const events: AriEventJson[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    events.push(JSON.parse(String(data)) as AriEventJson);
    for (const w of [...waiters]) w();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const offset = sentEvents(sim);
  const waitFor = (pred: (e: AriEventJson) => boolean, ms = 2000): Promise<AriEventJson> =>
    new Promise((resolve, reject) => {
      const check = (): boolean => {
        const hit = events.find(pred);
        if (hit) {
          clearTimeout(timer);
          waiters.splice(waiters.indexOf(check as () => void), 1);
          resolve(hit);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(check as () => void), 1);
        reject(new Error(`event not received within ${ms} ms; got: ${events.map((e) => e.type).join(', ')}`));
      }, ms);
      waiters.push(check as () => void);
      check();
    });
  return {
    events,
    ws,
    waitFor,
    waitForCount: async (n, ms = 2000) => {
      const until = Date.now() + ms;
      while (events.length < n && Date.now() < until) await settle(5);
    },
    caughtUp: async (ms = 2000) => {
      const until = Date.now() + ms;
      while (events.length < sentEvents(sim) - offset) {
        if (Date.now() > until) throw new Error(`received ${events.length} of ${sentEvents(sim) - offset} events`);
        await settle(5);
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

export interface HttpResult {
  status: number;
  body: unknown;
}

/** Calls `/ari<path>` (path may carry a query) with the simulator's credentials. */
export async function ari(sim: Simulator, method: string, path: string, body?: unknown): Promise<HttpResult> {
  const sep = path.includes('?') ? '&' : '?';
  const res = await fetch(`${sim.url}/ari${path}${sep}api_key=${encodeURIComponent(`${sim.username}:${sim.password}`)}`, {
    method,
    ...(body !== undefined ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    /* binary or plain */
  }
  return { status: res.status, body: parsed };
}

/** A simulator on a virtual clock, accelerated media, silent. */
export async function startVirtualSim(opts: SimulatorOptions = {}): Promise<{ sim: Simulator; clock: VirtualClock }> {
  const clock = new VirtualClock();
  const sim = await startSimulator({ clock, mediaMode: 'accelerated', seed: 7, ...opts });
  return { sim, clock };
}

/** Lets sockets deliver what is in flight (real time, short). */
export const settle = (ms = 30): Promise<void> => new Promise((r) => setTimeout(r, ms));
