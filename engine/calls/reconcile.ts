/**
 * Pure helpers for start-up / reconnect reconciliation: what to do with CallLogs left open by a previous
 * process and with channels and bridges carrying our id prefix that no live call or agent claims.
 */
import type { AriBridge, AriChannel, AriCommand } from '../ari/index.js';
import type { Disposition } from '../events/index.js';

/** Our channel/bridge id prefix for one node: every id we mint starts with it. */
export function idPrefixFor(nodeId: string): string {
  return `cl-${nodeId.replace(/[^A-Za-z0-9_.-]/g, '_')}-`;
}

/**
 * Disposition for a CallLog whose call was lost with the process that placed it, from the last stage written.
 * Conservative: an answered human that never reached an agent counts as DROPPED (against the abandon rate).
 */
export function lostCallDisposition(row: { stage: string; amdTreatedAs?: string | null }): Disposition {
  switch (row.stage) {
    case 'bridged':
      return 'ANSWERED_HUMAN';
    case 'amd':
      return row.amdTreatedAs === 'MACHINE' ? 'MACHINE' : 'DROPPED';
    case 'answered':
      return 'HUNG_UP_DURING_AMD';
    case 'ringing':
      return 'NO_ANSWER';
    default:
      return 'FAILED';
  }
}

/**
 * Orphans: our-prefixed channels and bridges nobody claims. Local channels' `;2` halves are not ours to hang
 * up (they go with their `;1`).
 */
export function orphanCommands(
  prefix: string,
  channels: readonly AriChannel[],
  bridges: readonly AriBridge[],
  isClaimed: (id: string) => boolean,
): AriCommand[] {
  const out: AriCommand[] = [];
  for (const c of channels) {
    if (c.id.startsWith(prefix) && !c.id.includes(';') && !isClaimed(c.id)) out.push({ op: 'hangup', channelId: c.id, reason: 'normal' });
  }
  for (const b of bridges) {
    if (b.id.startsWith(prefix) && !isClaimed(b.id)) out.push({ op: 'destroyBridge', bridgeId: b.id });
  }
  return out;
}
