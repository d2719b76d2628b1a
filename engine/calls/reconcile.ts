/**
 * Pure helpers for start-up / reconnect reconciliation: what to do with CallLogs left open by a previous
 * process and with channels and bridges carrying our id prefix that no live call or agent claims.
 */
import type { AriBridge, AriChannel, AriCommand } from '../ari/index.js';
import type { Disposition } from '../events/index.js';
import { interruptedDisposition } from './interrupted.js';

/** Our channel/bridge id prefix for one node: every id we mint starts with it. */
export function idPrefixFor(nodeId: string): string {
  return `cl-${nodeId.replace(/[^A-Za-z0-9_.-]/g, '_')}-`;
}

/** What a CallLog left open by a dead process says of its call: its last stage and timestamps. */
export interface OpenCallLog {
  stage: string;
  amdTreatedAs?: string | null;
  createdAt: number;
  ringingAt?: number | null;
  answeredAt?: number | null;
  amdAt?: number | null;
  bridgedAt?: number | null;
  /** The process's last "still alive" stamp for it (CallLogRepo.markAlive). */
  aliveAt?: number | null;
}

/**
 * Disposition for a CallLog whose call was lost with the process that placed it (engine_lost), from the last
 * stage written: the same rule as a call found gone after a reconnect (calls/interrupted.ts).
 */
export function lostCallDisposition(row: OpenCallLog): Disposition {
  const treatedAs = row.amdTreatedAs === 'HUMAN' || row.amdTreatedAs === 'MACHINE' ? row.amdTreatedAs : null;
  const stage = row.stage === 'bridged' || row.stage === 'answered' || row.stage === 'amd' || row.stage === 'ringing' ? row.stage : 'created';
  return interruptedDisposition({ stage, decided: null, treatedAs }, 'engine_lost');
}

/**
 * The last moment such a call was known alive: its last "alive" stamp or its last transition, whichever is
 * later — its end time, so that a restart minutes later does not count the outage as talk time.
 */
export function lastKnownAlive(row: OpenCallLog): number {
  const c = row.createdAt;
  return Math.max(c, row.ringingAt ?? c, row.answeredAt ?? c, row.amdAt ?? c, row.bridgedAt ?? c, row.aliveAt ?? c);
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
