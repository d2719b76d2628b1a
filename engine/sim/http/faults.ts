/**
 * What a broken network or a sick Asterisk does to ARI, on demand (tests of the engine's fault handling):
 *
 * - `refuse`: nobody listens on the port (Asterisk down): new connections are refused, open ones are cut.
 * - `reset`: connections are accepted and reset (RST) when a request or WebSocket upgrade arrives; open
 *   WebSockets are reset too.
 * - `hang`: requests are read and never answered; open WebSockets go silent (no events, no pongs) — a port
 *   that swallows packets. On heal, the hung connections are cut, as a firewall that lost their state would.
 * - `status`: every request is answered with this HTTP status and body (5xx, or garbage that is not ARI).
 *
 * `match` (tested against "METHOD /ari/path") limits reset / hang / status to some requests, e.g. only
 * originates; without it the fault hits every request and the events WebSocket.
 */
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export type SimRestFault =
  | { mode: 'refuse' }
  | { mode: 'reset'; match?: RegExp }
  | { mode: 'hang'; match?: RegExp }
  | { mode: 'status'; status: number; body?: string; match?: RegExp };

export class FaultState {
  current: SimRestFault | null = null;
  /** Connections holding a hung request or upgrade, and WebSockets that went silent. */
  readonly hung = new Set<Duplex>();

  /** The fault that applies to this request, if any. */
  forRequest(method: string, path: string): SimRestFault | null {
    const f = this.current;
    if (!f || f.mode === 'refuse') return null;
    if (f.match && !f.match.test(`${method} ${path}`)) return null;
    return f;
  }

  /** Whether the fault hits every connection (not just matched requests). */
  get hitsConnections(): boolean {
    const f = this.current;
    return f !== null && !('match' in f && f.match);
  }

  hang(socket: Duplex): void {
    this.hung.add(socket);
    if ('pause' in socket) (socket as Socket).pause();
  }

  /** Cuts what hung: those connections are dead for their clients anyway. */
  releaseHung(): void {
    for (const s of this.hung) s.destroy();
    this.hung.clear();
  }
}

export function resetSocket(socket: Duplex): void {
  const s = socket as Socket;
  if (typeof s.resetAndDestroy === 'function') s.resetAndDestroy();
  else s.destroy();
}
