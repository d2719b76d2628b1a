import type { Context } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';

/**
 * The peer address from the socket. X-Forwarded-For is ignored on purpose: without a configured trusted proxy it
 * is whatever the client says, and it would let an attacker dodge the per-IP login limit.
 */
export function clientIp(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // app.request() in tests has no socket.
    return 'unknown';
  }
}
