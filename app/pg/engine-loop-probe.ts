/**
 * What bench:pg-loop reads of the engine's thread (./node-host.ts answers it): how late the engine's loop ran the
 * handler of each ARI event the PBX sent. Asterisk stamps each event when it sends it; on one machine both clocks
 * are the same.
 */

/**
 * PBX sent → engine heard (ms) of an event stamped "2026-03-03T15:00:00.000+0000"; null without a readable stamp.
 * Never below 0 (a sub-millisecond skew of the stamp's rounding).
 */
export function ariEventDelayMs(e: { timestamp?: unknown }, heardAt: number): number | null {
  if (typeof e.timestamp !== 'string') return null;
  const sent = Date.parse(e.timestamp.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  if (!Number.isFinite(sent)) return null;
  return Math.max(0, heardAt - sent);
}

/** A call's own ARI events: the engine's reaction to these is what a caller waits on (originate answered, inbound leg). */
export function isCallEvent(e: { type?: unknown; channel?: { state?: unknown } }): boolean {
  return e.type === 'StasisStart' || (e.type === 'ChannelStateChange' && e.channel?.state === 'Up');
}
