import type { CampaignCommand, CampaignEffect, CampaignSettingsInput, CampaignState } from '../campaigns/index.js';
import { CampaignError, mergeCampaignSettings, type Campaign } from './repos/campaigns.js';
import type { AgentRow } from './schema/agents.js';
import type { LeadStatus } from './schema/leads.js';
import type { Store } from './store.js';

/** A deletion's answer: the campaign as it was, or why nothing was deleted. */
export type CampaignRemoval = { ok: true; campaign: Campaign } | { ok: false; reason: 'not_found' | 'running' };

/**
 * Asked before a start is stored (or a running campaign's changed settings: a change to power is the same overlap a
 * start makes), with the campaign as it will be stored, the campaigns `running` and every agent's assignments as they
 * are when it is stored: the refusal to throw (nothing stored), or null. The API passes engine/control's
 * `startCheck`; the store does not know the rule, only when to ask it.
 */
export type StartCheck = (campaign: Campaign, running: readonly Campaign[], agents: readonly Pick<AgentRow, 'id' | 'name' | 'campaignIds'>[]) => Error | null;

/**
 * The API's campaign routes (#18) — list, detail, create, change settings, delete, start/pause/stop — as one async
 * shape over both dialects, the sibling of `CallHistory` and `AuthStore`. Both validate settings with the same zod
 * schema before any statement (a ZodError, the same issues on both), merge a patch by the same rule
 * (`mergeCampaignSettings`), apply a command through the same lifecycle reducer (a `CampaignError`: `not_found`,
 * `invalid_transition` with the reducer's message) and list oldest first, ties by id in byte order.
 *
 * Who carries out a lifecycle command differs: on SQLite (one process) the API hands it to its own engine
 * (`EngineControl`, which calls `store.campaigns.command` and then acts), as it always did, and `command` here is
 * the same store call without the engine (the twin the dialect test holds PostgreSQL to); on PostgreSQL the API
 * stores it with `command` — the row is the truth every engine node follows — and may then publish it over Redis.
 */
export interface CampaignCatalog {
  readonly dialect: 'sqlite' | 'postgres';
  /** Oldest first (ties by id in byte order); only those in `state` when given. */
  list(state?: CampaignState): Promise<Campaign[]>;
  get(id: string): Promise<Campaign | undefined>;
  /** The campaign's leads per status in this database (statuses with none absent). */
  leadCounts(id: string): Promise<Partial<Record<LeadStatus, number>>>;
  /** A new campaign in state draft, settings validated with defaults filled (ZodError when invalid). */
  create(id: string, input: CampaignSettingsInput, at: number): Promise<Campaign>;
  /**
   * Settings merged over the current ones and re-validated; the state is untouched. CampaignError not_found, ZodError.
   * With `check`, a running campaign's merged settings are checked as a start's are, as one step with checked starts
   * (not_found first, then the ZodError, then the check's refusal; nothing stored): the nodes reload a running
   * campaign's settings, so an edit to power would otherwise make the overlap the start rule forbids.
   */
  update(id: string, patch: Partial<CampaignSettingsInput>, at: number, check?: StartCheck): Promise<{ before: Campaign; after: Campaign }>;
  /** Deletes the campaign and its leads unless it is running. */
  remove(id: string): Promise<CampaignRemoval>;
  /**
   * The lifecycle command stored (a stop gives back every lease of the campaign in the same transaction). A start
   * with `check` is checked and stored as one step (CampaignError not_found first, then the check's refusal, then the
   * lifecycle's): no other checked start comes between the check's reads and the write, in any process.
   */
  command(id: string, cmd: CampaignCommand, at: number, check?: StartCheck): Promise<{ campaign: Campaign; from: CampaignState; effects: CampaignEffect[] }>;
}

/** Over the SQLite store: the repository the routes always called (synchronous; awaiting it is free). */
export function sqliteCampaignCatalog(store: Pick<Store, 'campaigns' | 'leads' | 'agents'>): CampaignCatalog {
  const { campaigns } = store;
  const agentAssignments = () => store.agents.list().map((a) => ({ id: a.id, name: a.name, campaignIds: a.campaignIds }));
  return {
    dialect: 'sqlite',
    list: async (state) => campaigns.list(state),
    get: async (id) => campaigns.get(id),
    leadCounts: async (id) => store.leads.countByStatus(id),
    create: async (id, input, at) => campaigns.create(id, input, at),
    // Synchronous from the reads to the write, as command's check.
    update: async (id, patch, at, check) => {
      const before = campaigns.get(id);
      if (before === undefined) throw new CampaignError(`campaign ${id} not found`, 'not_found');
      if (check !== undefined && before.state === 'running') {
        const refusal = check({ ...before, ...mergeCampaignSettings(before, patch) }, campaigns.list('running'), agentAssignments());
        if (refusal !== null) throw refusal;
      }
      return { before, after: campaigns.update(id, patch, at) };
    },
    remove: async (id) => {
      const campaign = campaigns.get(id);
      if (campaign === undefined) return { ok: false, reason: 'not_found' };
      if (campaign.state === 'running') return { ok: false, reason: 'running' };
      campaigns.remove(id);
      return { ok: true, campaign };
    },
    // Synchronous from the reads to the write: in one process nothing comes between them.
    command: async (id, cmd, at, check) => {
      if (cmd === 'start' && check !== undefined) {
        const current = campaigns.get(id);
        if (current === undefined) throw new CampaignError(`campaign ${id} not found`, 'not_found');
        const refusal = check(current, campaigns.list('running'), agentAssignments());
        if (refusal !== null) throw refusal;
      }
      return campaigns.command(id, cmd, at);
    },
  };
}
