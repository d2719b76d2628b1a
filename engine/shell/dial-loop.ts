/**
 * The engine's dial loop: which calls to place, per campaign. Two rhythms:
 * - 'fixed' campaigns (the original loop): keep `maxConcurrent` calls in flight while someone can take a human,
 *   a free agent reserved per call when there is one; runs every tick and whenever a call is forgotten;
 * - paced campaigns (preview, progressive, power, predictive): once per pacing tick the campaign's Pacer decides
 *   from the observation of the engine's state machines, and that many calls are placed, capped by
 *   maxConcurrent. Progressive reserves a free agent of the campaign per call (never more calls than its free
 *   agents; an agent serves the campaigns it is assigned to, or all when it has none); power and
 *   predictive dial without one: an answered human waits for the next free agent and is dropped at the 2 s
 *   limit (call reducer). A decision may also cancel ringing calls (`cancel`): the longest-ringing ones that have
 *   rung at least the minimum ring time (15 s by default) are hung up.
 * The engine owns the state machines; this loop only asks it (`DialHost`).
 */
import type { AgentState } from '../agents/index.js';
import type { DomainEvent } from '../events/index.js';
import type { Logger } from '../log/index.js';
import { DEFAULT_MIN_RING_BEFORE_CANCEL_MS, type PacingObservation, type PacingStatus, modeLabel, pacingChanged, pacingLevel } from '../pacing/index.js';
import type { CampaignRegistry, CampaignRuntime } from './campaign-registry.js';
import type { Lead, SharedAbandonPort } from './ports.js';

export interface DialHost {
  /** Running, reconciled, connected. */
  canDial(): boolean;
  /** Calls of the campaign not ended (test calls included). */
  activeCalls(campaignId: string): number;
  /** Someone serving the campaign can take a human now or soon. */
  anyAgentOnline(campaignId: string): boolean;
  /** Seats of agents serving the campaign free right now (a bot counts its free channels). */
  availableAgents(campaignId: string): number;
  /** The agent routing would give the campaign's next call, or null. */
  pickAgent(campaignId: string): AgentState | null;
  /** Creates and dials one call of the campaign; `agent` is reserved for it. */
  place(c: CampaignRuntime, lead: Lead, agent: AgentState | null): string;
  observe(c: CampaignRuntime): PacingObservation;
  /**
   * Hangs up (call reducer 'cancel') at most `n` of the campaign's paced calls not yet answered that have rung
   * at least `minRingMs`, longest ringing first; returns how many it cancelled.
   */
  cancelRinging(c: CampaignRuntime, n: number, minRingMs: number): number;
  emit(e: DomainEvent): void;
  /** The campaign's counts on the other nodes (#18): fed to the pacer before each decision when present. */
  readonly sharedAbandon?: Pick<SharedAbandonPort, 'others'>;
  /** A write to the store failed (the hopper's lease): true when the database cannot be written now (the engine degrades). */
  storageFailed?(err: unknown): boolean;
  now(): number;
  readonly logger: Logger;
}

export class DialLoop {
  private filling = false;
  private pacing = false;

  constructor(
    private readonly registry: CampaignRegistry,
    private readonly host: DialHost,
    /** A pacer's `cancel` only hangs up calls that have rung this long (default 15 s). */
    private readonly minRingBeforeCancelMs = DEFAULT_MIN_RING_BEFORE_CANCEL_MS,
  ) {}

  /** 'fixed' campaigns. */
  async fill(): Promise<void> {
    if (this.filling) return;
    this.filling = true;
    const h = this.host;
    try {
      for (const c of this.registry.list()) {
        if (c.dialMode !== 'fixed') continue;
        while (c.state === 'running' && h.canDial() && h.activeCalls(c.id) < c.maxConcurrent && h.anyAgentOnline(c.id)) {
          const lead = await this.nextLead(c);
          if (!lead) break;
          if (c.state !== 'running') {
            c.spare = lead;
            break;
          }
          h.place(c, lead, h.pickAgent(c.id));
        }
      }
    } catch (err) {
      if (!h.storageFailed?.(err)) h.logger.error({ err }, 'dial loop failed');
    } finally {
      this.filling = false;
    }
  }

  /** Paced campaigns, once per pacing tick. */
  async pace(): Promise<void> {
    if (this.pacing) return;
    this.pacing = true;
    const h = this.host;
    try {
      for (const c of this.registry.list()) {
        if (!c.pacer || c.state !== 'running') continue;
        const now = h.now();
        // Only the predictive governor uses the other nodes' counts (and asking is what keeps them being read).
        if (h.sharedAbandon && c.dialMode === 'predictive') c.pacerState = c.pacer.observe(c.pacerState, { type: 'campaign-abandon', atMs: now, others: h.sharedAbandon.others(c.id, now) });
        const r = c.pacer.decide(c.pacerState, h.observe(c), now);
        c.pacerState = r.state;
        const status: PacingStatus = { mode: modeLabel(c.dialMode, r.decision.mode), place: r.decision.place, level: pacingLevel(c), at: now };
        if (pacingChanged(c.pacing, status)) {
          h.emit({ type: 'campaign.pacing', campaignId: c.id, mode: status.mode, place: status.place, level: status.level, at: now });
        }
        c.pacing = status;
        if (!h.canDial()) continue;
        // The brake: hang up ringing calls the pacer expects to overflow (longest ringing first, never before
        // the minimum ring time). A cancelled call is no contact; its lead is retried like a no-answer.
        const cancel = r.decision.cancel ?? 0;
        if (cancel > 0) h.cancelRinging(c, cancel, this.minRingBeforeCancelMs);
        const reserve = c.dialMode === 'progressive';
        let place = Math.min(r.decision.place, c.maxConcurrent - h.activeCalls(c.id));
        if (reserve) place = Math.min(place, h.availableAgents(c.id));
        for (let i = 0; i < place; i++) {
          const lead = await this.nextLead(c);
          if (!lead) break;
          const agent = reserve ? h.pickAgent(c.id) : null;
          if (c.state !== 'running' || !h.canDial() || (reserve && !agent)) {
            // Paused, disconnected or the agent went while the hopper answered: the lead waits for the next tick.
            c.spare = lead;
            break;
          }
          h.place(c, lead, agent);
        }
      }
    } catch (err) {
      if (!h.storageFailed?.(err)) h.logger.error({ err }, 'pacing loop failed');
    } finally {
      this.pacing = false;
    }
  }

  /** The lead a tick took and could not dial first, then the hopper. */
  private async nextLead(c: CampaignRuntime): Promise<Lead | null> {
    if (c.spare) {
      const lead = c.spare;
      c.spare = null;
      return lead;
    }
    return c.leads.next();
  }
}
