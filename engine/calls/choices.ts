/**
 * The shell's choices among live calls, as pure functions: which ringing calls a pacer's `cancel` cuts, and which
 * waiting human an agent takes next. The shell only feeds the reducer what these return.
 */
import type { CallState } from './types.js';

const RINGING: ReadonlySet<string> = new Set(['created', 'dialing', 'ringing']);

/**
 * A pacer's `cancel` of `n` calls: the campaign's paced calls not yet answered (what pacing sees as ringing) that
 * have rung at least `minRingMs`, longest ringing first. Test calls and calls already cut are never chosen.
 * Returns their ids, for `{ type: 'cancel', by: 'pacer' }`.
 */
export function pacerCancelChoice(calls: Iterable<CallState>, campaignId: string, n: number, minRingMs: number, now: number): string[] {
  const eligible: Array<{ id: string; placedAt: number }> = [];
  for (const c of calls) {
    if (c.campaignId !== campaignId || !RINGING.has(c.phase) || c.test || c.pacerCancelled) continue;
    if (c.placedAt === null || now - c.placedAt < minRingMs) continue;
    eligible.push({ id: c.id, placedAt: c.placedAt });
  }
  eligible.sort((a, b) => a.placedAt - b.placedAt);
  return eligible.slice(0, Math.max(0, n)).map((e) => e.id);
}

/**
 * The next human to hand to an agent: `waiting` is the queue, longest waiting first. Each call goes only to an
 * agent serving its campaign (`agentFor`), so a call no free agent serves does not hold up the calls of other
 * campaigns behind it. `stale`: queued ids no longer waiting for an agent (gone, dropped, served), to drop from
 * the queue. After serving `next` the shell asks again (serving changes which agents are free).
 */
export function nextWaitingCall<A>(
  waiting: readonly string[],
  callOf: (callId: string) => Pick<CallState, 'phase' | 'campaignId'> | undefined,
  agentFor: (campaignId: string) => A | null,
): { stale: string[]; next: { callId: string; agent: A } | null } {
  const stale: string[] = [];
  for (const callId of waiting) {
    const call = callOf(callId);
    if (call?.phase !== 'agent-wait') {
      stale.push(callId);
      continue;
    }
    const agent = agentFor(call.campaignId);
    if (agent) return { stale, next: { callId, agent } };
  }
  return { stale, next: null };
}
