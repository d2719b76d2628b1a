/**
 * The pure half of the engine's dial loop: which Pacer a campaign's dial mode means, the PacingObservation built
 * from the engine's agent and call state machines, and when a decision is worth a `campaign.pacing` event.
 */
import { servesCampaign } from '../agents/reducer.js';
import type { AgentState } from '../agents/types.js';
import type { CallState } from '../calls/types.js';
import type { DialMode } from '../campaigns/settings.js';
import { defaultGovernorConfig } from '../pacing/abandon-governor.js';
import { predictivePacer } from '../pacing/predictive.js';
import { powerPacer, progressivePacer } from '../pacing/ratio.js';
import type { AgentView, LiveCallView, Pacer, PacingObservation } from '../pacing/types.js';
import type { PacingStatus } from '../control/types.js';

/**
 * How a campaign dials. The stored modes, plus `fixed`: the engine's original loop (a fixed number of calls in
 * flight, an agent reserved per call when one is free), kept for embedders that pass one campaign and a
 * concurrency.
 */
export type EngineDialMode = DialMode | 'fixed';

export interface PacingSettings {
  dialMode: EngineDialMode;
  /** Power: lines per ready agent. */
  dialRatio?: number;
  /** Predictive: the abandon target (fraction of live answers, 0.03 = 3 %). */
  dropTarget?: number;
}

/** Preview: nothing is placed automatically (agents place calls themselves; test calls still work). */
export function previewPacer(): Pacer<Record<string, never>> {
  return { name: 'preview', initial: () => ({}), observe: (s) => s, decide: (s) => ({ state: s, decision: { place: 0, mode: 'preview' } }) };
}

/** The pacer for a dial mode; `fixed` has none (the engine's own loop). */
export function pacerFor(p: PacingSettings): Pacer<unknown> | null {
  switch (p.dialMode) {
    case 'preview':
      return previewPacer() as Pacer<unknown>;
    case 'progressive':
      return progressivePacer() as Pacer<unknown>;
    case 'power':
      return powerPacer(Math.max(1, p.dialRatio ?? 1), 'power') as Pacer<unknown>;
    case 'predictive':
      return predictivePacer(
        { governor: { ...defaultGovernorConfig, target: p.dropTarget ?? defaultGovernorConfig.target, rule: 'us' } },
        'predictive',
      ) as Pacer<unknown>;
    case 'fixed':
      return null;
  }
}

/** Dial level shown with the decision: lines per ready agent where the mode has a fixed one. */
export function pacingLevel(p: PacingSettings): number | null {
  switch (p.dialMode) {
    case 'progressive':
      return 1;
    case 'power':
      return Math.max(1, p.dialRatio ?? 1);
    default:
      return null;
  }
}

/**
 * The mode label: the dial mode, and the rule inside it when the pacer falls back to another one
 * ("predictive/progressive (little data)"). The pacer's running numbers ("p*=0.031", "price=120s") are left out:
 * they move every tick and the label is what a `campaign.pacing` event is published for.
 */
export function modeLabel(dialMode: EngineDialMode, decisionMode: string): string {
  const rule = decisionMode.replace(/\s+(p\*|price)=\S+$/, '');
  return rule === dialMode ? dialMode : `${dialMode}/${rule}`;
}

/** A `campaign.pacing` event is due when mode, place or level differ from the last one published. */
export function pacingChanged(prev: PacingStatus | null, next: PacingStatus): boolean {
  return !prev || prev.mode !== next.mode || prev.place !== next.place || prev.level !== next.level;
}

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

/** One campaign's live calls not yet with an agent, and how many are connected. */
export function callViews(
  calls: Iterable<CallState>,
  campaignId: string,
  placedAt: (callId: string) => number | undefined,
  counts: (callId: string) => boolean = () => true,
): { calls: LiveCallView[]; connected: number } {
  const out: LiveCallView[] = [];
  let connected = 0;
  for (const c of calls) {
    if (c.campaignId !== campaignId || !counts(c.id)) continue;
    const placedAtMs = placedAt(c.id) ?? 0;
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
