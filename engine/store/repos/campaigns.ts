import { asc, eq, inArray } from 'drizzle-orm';
import { campaignLifecycle, type CampaignCommand, type CampaignEffect, type CampaignState, parseCampaignSettings, type CampaignSettings, type CampaignSettingsInput } from '../../campaigns/index.js';
import type { Db } from '../db.js';
import { campaigns, type CampaignRow } from '../schema/campaigns.js';
import type { LeadRepo } from './leads.js';

export interface Campaign extends CampaignSettings {
  id: string;
  state: CampaignState;
  /** Why it is `failed` (settings that could not be loaded at start); null otherwise. */
  stateReason: string | null;
  createdAt: number;
  updatedAt: number;
}

export class CampaignError extends Error {
  constructor(
    message: string,
    readonly code: 'not_found' | 'invalid_transition',
  ) {
    super(message);
    this.name = 'CampaignError';
  }
}

/** The stored columns of validated settings (the same on SQLite and PostgreSQL). */
export function campaignSettingsToRow(settings: CampaignSettings): Omit<CampaignRow, 'id' | 'state' | 'stateReason' | 'createdAt' | 'updatedAt'> {
  return {
    name: settings.name,
    dialMode: settings.dialMode,
    dialRatio: settings.dialRatio,
    maxConcurrent: settings.maxConcurrent,
    dialStringTemplate: settings.dialStringTemplate,
    callerId: settings.callerId,
    ringTimeoutS: settings.ringTimeoutS,
    callingHoursStart: settings.callingHours.start,
    callingHoursEnd: settings.callingHours.end,
    weekdays: settings.weekdays,
    defaultTimeZone: settings.defaultTimeZone,
    defaultCountry: settings.defaultCountry,
    maxAttempts: settings.maxAttempts,
    retryDelays: settings.retryDelays,
    amd: settings.amd,
    machineAction: settings.machineAction,
    notsurePolicy: settings.notsurePolicy,
    safeHarborMessage: settings.safeHarborMessage,
    voicemailMessage: settings.voicemailMessage,
    wrapUpS: settings.wrapUpS,
    dropTarget: settings.dropTarget,
    recording: settings.recording,
    recordingRetentionDays: settings.recordingRetentionDays,
  };
}

/**
 * A settings patch merged over a campaign's current settings and re-validated as a whole (so cross-field rules such
 * as machineAction/voicemailMessage still hold); throws the ZodError. One rule for both dialects' `update`.
 */
export function mergeCampaignSettings(current: Campaign, patch: Partial<CampaignSettingsInput>): CampaignSettings {
  const { id: _i, state: _s, stateReason: _r, createdAt: _c, updatedAt: _u, ...settings } = current;
  return parseCampaignSettings({ ...settings, ...patch });
}

export function campaignFromRow(r: CampaignRow): Campaign {
  return {
    id: r.id,
    state: r.state,
    stateReason: r.stateReason ?? null,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    name: r.name,
    dialMode: r.dialMode,
    dialRatio: r.dialRatio,
    maxConcurrent: r.maxConcurrent,
    dialStringTemplate: r.dialStringTemplate,
    callerId: r.callerId,
    ringTimeoutS: r.ringTimeoutS,
    callingHours: { start: r.callingHoursStart, end: r.callingHoursEnd },
    weekdays: r.weekdays,
    defaultTimeZone: r.defaultTimeZone,
    defaultCountry: r.defaultCountry,
    maxAttempts: r.maxAttempts,
    retryDelays: r.retryDelays as CampaignSettings['retryDelays'],
    amd: r.amd,
    machineAction: r.machineAction,
    notsurePolicy: r.notsurePolicy,
    safeHarborMessage: r.safeHarborMessage,
    voicemailMessage: r.voicemailMessage,
    wrapUpS: r.wrapUpS,
    dropTarget: r.dropTarget,
    recording: r.recording,
    recordingRetentionDays: r.recordingRetentionDays,
  };
}

/** Campaign settings and lifecycle state, persisted so a restarted engine resumes what was running. */
export class CampaignRepo {
  constructor(
    private readonly db: Db,
    private readonly leads: LeadRepo,
  ) {}

  /** Validates (zod, defaults filled) and stores a new campaign in state draft. */
  create(id: string, input: CampaignSettingsInput, at: number): Campaign {
    const settings = parseCampaignSettings(input);
    const row = this.db
      .insert(campaigns)
      .values({ id, state: 'draft', createdAt: at, updatedAt: at, ...campaignSettingsToRow(settings) })
      .returning()
      .all()[0]!;
    return campaignFromRow(row);
  }

  get(id: string): Campaign | undefined {
    const row = this.db.select().from(campaigns).where(eq(campaigns.id, id)).get();
    return row === undefined ? undefined : campaignFromRow(row);
  }

  /** Oldest first; only those in `state` (one state or several) when given. */
  list(state?: CampaignState | readonly CampaignState[]): Campaign[] {
    const states = state === undefined ? undefined : typeof state === 'string' ? [state] : [...state];
    return this.db
      .select()
      .from(campaigns)
      .where(states === undefined ? undefined : inArray(campaigns.state, states))
      // Ties by id (byte order), as on PostgreSQL: every store and node sees campaigns in one order.
      .orderBy(asc(campaigns.createdAt), asc(campaigns.id))
      .all()
      .map(campaignFromRow);
  }

  /** Replaces settings (merged over the current ones, re-validated). State is untouched. */
  update(id: string, patch: Partial<CampaignSettingsInput>, at: number): Campaign {
    const next = mergeCampaignSettings(this.require(id), patch);
    const row = this.db
      .update(campaigns)
      .set({ ...campaignSettingsToRow(next), updatedAt: at })
      .where(eq(campaigns.id, id))
      .returning()
      .all()[0]!;
    return campaignFromRow(row!);
  }

  /**
   * Applies start/pause/stop through the pure lifecycle reducer and performs the store's part of the effects
   * (releasing leases on stop) in the same transaction. Returns the effects for the engine (stop dialing …).
   */
  command(id: string, cmd: CampaignCommand, at: number): { campaign: Campaign; from: CampaignState; effects: CampaignEffect[] } {
    return this.db.transaction(
      () => {
        const current = this.require(id);
        const r = campaignLifecycle(current.state, cmd);
        if (!r.ok) throw new CampaignError(r.error, 'invalid_transition');
        this.db.update(campaigns).set({ state: r.state, stateReason: null, updatedAt: at }).where(eq(campaigns.id, id)).run();
        if (r.effects.some((e) => e.type === 'release-leases')) this.leads.releaseLeases({ campaignId: id, at });
        return { campaign: { ...current, state: r.state, stateReason: null, updatedAt: at }, from: current.state, effects: r.effects };
      },
      { behavior: 'immediate' },
    );
  }

  /**
   * Puts a campaign back in the state (and reason) it had before a command whose other half failed (a start the
   * engine could not carry out): a command is all or nothing.
   */
  restoreState(id: string, state: CampaignState, stateReason: string | null, at: number): void {
    this.db.update(campaigns).set({ state, stateReason, updatedAt: at }).where(eq(campaigns.id, id)).run();
  }

  /** Marks a campaign `failed` with the reason (its stored settings could not be loaded): it is not dialled. */
  markFailed(id: string, reason: string, at: number): Campaign | undefined {
    this.db.update(campaigns).set({ state: 'failed', stateReason: reason, updatedAt: at }).where(eq(campaigns.id, id)).run();
    return this.get(id);
  }

  remove(id: string): boolean {
    return this.db.delete(campaigns).where(eq(campaigns.id, id)).run().changes > 0;
  }

  private require(id: string): Campaign {
    const c = this.get(id);
    if (c === undefined) throw new CampaignError(`campaign ${id} not found`, 'not_found');
    return c;
  }
}
