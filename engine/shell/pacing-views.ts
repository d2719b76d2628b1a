/**
 * The engine's state machines as pacing sees them: the PacingObservation a campaign's Pacer decides from, built
 * from the agent and call reducers' states (engine/pacing/types.ts for the views' meaning). Pure.
 */
import { servesCampaign, type AgentState } from '../agents/index.js';
import type { CallState } from '../calls/index.js';
import type { AgentView, LiveCallView, PacingObservation } from '../pacing/index.js';

/**
 * Agents as pacing sees them: every logged-in agent — with `campaignId`, only those serving that campaign (an
 * agent without assignments serves all). RESERVED counts as ready (waiting for its call to be answered; the call
 * is in `calls`). A bot is `maxConcurrent` seats: one in talk per call it holds.
 */
export function agentViews(agents: Iterable<AgentState>, since: (agentId: string) => number, campaignId?: string): AgentView[] {
  const out: AgentView[] = [];
  for (const a of agents) {
    if (campaignId !== undefined && !servesCampaign(a.config, campaignId)) continue;
    const sinceMs = since(a.config.id);
    if (a.config.kind === 'bot') {
      if (a.status === 'LOGGED_OUT') continue;
      if (a.status === 'PAUSED') {
        for (let i = 0; i < a.config.maxConcurrent; i++) out.push({ phase: 'paused', sinceMs });
        continue;
      }
      for (let i = 0; i < a.config.maxConcurrent; i++) out.push({ phase: i < a.talking.length ? 'talk' : 'ready', sinceMs });
      continue;
    }
    switch (a.status) {
      case 'LOGGED_OUT':
        continue;
      case 'READY':
      case 'RESERVED':
        // A human without a working leg cannot take a call: not ready for pacing.
        out.push({ phase: a.legUp ? 'ready' : 'paused', sinceMs });
        continue;
      case 'TALKING':
        out.push({ phase: 'talk', sinceMs });
        continue;
      case 'WRAP_UP':
        out.push({ phase: 'wrap', sinceMs });
        continue;
      case 'PAUSED':
        out.push({ phase: 'paused', sinceMs });
        continue;
    }
  }
  return out;
}

/**
 * One campaign's live calls not yet with an agent, and how many are connected. Test calls are not the
 * campaign's; a call its pacer cut is gone for pacing while its hang-up completes.
 */
export function callViews(calls: Iterable<CallState>, campaignId: string): { calls: LiveCallView[]; connected: number } {
  const out: LiveCallView[] = [];
  let connected = 0;
  for (const c of calls) {
    if (c.campaignId !== campaignId || c.test || c.pacerCancelled) continue;
    const placedAtMs = c.placedAt ?? 0;
    const answered = c.answeredAt !== null ? { answeredAtMs: c.answeredAt } : {};
    switch (c.phase) {
      case 'created':
      case 'dialing':
      case 'ringing':
        out.push({ phase: 'ringing', placedAtMs });
        break;
      case 'answered':
      case 'amd':
        out.push({ phase: 'amd', placedAtMs, ...answered });
        break;
      case 'agent-wait':
        out.push({ phase: 'waiting', placedAtMs, ...answered });
        break;
      case 'bridged':
        connected++;
        break;
      default:
        break;
    }
  }
  return { calls: out, connected };
}

export function observation(
  agents: AgentView[],
  calls: { calls: LiveCallView[]; connected: number },
  wrapUpMs: number,
): PacingObservation {
  return { agents, calls: calls.calls, connected: calls.connected, wrapUpMs };
}
