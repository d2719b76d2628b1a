/**
 * The campaigns an engine dials: id → settings, lead source, pacer and its state, AMD source, run state. The
 * engine reads it every tick; the control surface (app/engine-control.ts) adds campaigns and changes their state.
 */
import type { Campaign } from '../store/index.js';
import { type Pacer, type PacingStatus, pacerFor, type EngineDialMode } from '../pacing/index.js';
import { callPolicyFor, dialStringFor } from '../campaigns/index.js';
import type { AmdSource, CampaignDialPlan, Lead, LeadSource } from './ports.js';

export type CampaignRunState = 'running' | 'paused' | 'stopped';

export interface CampaignInput {
  settings: CampaignDialPlan;
  leads: LeadSource;
  dialMode: EngineDialMode;
  /** Calls of this campaign in flight at most (test calls included). */
  maxConcurrent: number;
  /** Power: lines per ready agent. */
  dialRatio?: number;
  /** Predictive: abandon target (fraction). */
  dropTarget?: number;
  /** Agents' wrap-up after a talked call of this campaign; omitted: each agent's own. */
  wrapUpMs?: number;
  /** AMD with the campaign's parameters; the engine's default source when omitted. */
  amd?: AmdSource;
  state?: CampaignRunState;
  /** Overrides the pacer the dial mode implies (tests, experiments). */
  pacer?: Pacer<unknown>;
}

export interface CampaignRuntime {
  readonly id: string;
  settings: CampaignDialPlan;
  leads: LeadSource;
  dialMode: EngineDialMode;
  maxConcurrent: number;
  dialRatio: number;
  dropTarget: number;
  wrapUpMs: number | null;
  amd: AmdSource | null;
  state: CampaignRunState;
  pacer: Pacer<unknown> | null;
  pacerState: unknown;
  /** The last decision published as `campaign.pacing`. */
  pacing: PacingStatus | null;
  /** A lead taken from the hopper that a tick could not dial (paused meanwhile, agent gone): dialled first next time. */
  spare: Lead | null;
}

export class CampaignRegistry {
  private readonly byId = new Map<string, CampaignRuntime>();

  /** Adds a campaign, or replaces its settings keeping the pacer's learned state when the mode is unchanged. */
  put(input: CampaignInput, now: number): CampaignRuntime {
    const id = input.settings.id;
    const prev = this.byId.get(id);
    const sameMode = prev && prev.dialMode === input.dialMode && (prev.dialRatio === (input.dialRatio ?? 1)) && prev.dropTarget === (input.dropTarget ?? 0.03);
    const pacer = input.pacer ?? (sameMode && prev ? prev.pacer : pacerFor(input));
    const rt: CampaignRuntime = {
      id,
      settings: input.settings,
      leads: input.leads,
      dialMode: input.dialMode,
      maxConcurrent: input.maxConcurrent,
      dialRatio: input.dialRatio ?? 1,
      dropTarget: input.dropTarget ?? 0.03,
      wrapUpMs: input.wrapUpMs ?? null,
      amd: input.amd ?? null,
      state: input.state ?? prev?.state ?? 'running',
      pacer,
      pacerState: sameMode && prev && !input.pacer ? prev.pacerState : pacer ? pacer.initial(now) : null,
      pacing: sameMode && prev ? prev.pacing : null,
      spare: prev?.spare ?? null,
    };
    this.byId.set(id, rt);
    return rt;
  }

  get(id: string): CampaignRuntime | undefined {
    return this.byId.get(id);
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  list(): CampaignRuntime[] {
    return [...this.byId.values()];
  }

  remove(id: string): boolean {
    return this.byId.delete(id);
  }
}

/** A stored campaign as the engine runs it (lead source and AMD are the caller's: they need the store and media). */
export function campaignInputFromStore(c: Campaign, leads: LeadSource, amd?: AmdSource): CampaignInput {
  return {
    settings: { id: c.id, policy: { ...callPolicyFor(c), ...(c.callerId ? { callerId: c.callerId } : {}) }, endpointFor: dialStringFor(c) },
    leads,
    dialMode: c.dialMode,
    maxConcurrent: c.maxConcurrent,
    dialRatio: c.dialRatio,
    dropTarget: c.dropTarget,
    wrapUpMs: c.wrapUpS * 1000,
    ...(amd ? { amd } : {}),
    state: c.state === 'running' ? 'running' : c.state === 'paused' ? 'paused' : 'stopped',
  };
}
