/**
 * The campaign lifecycle as a pure reducer: (state, command) → (state, effects). The shell persists the state and
 * performs the effects (stop dialing, release leases). Pause lets live calls finish; stop also gives leased leads
 * back to the pool so another run (or node) can take them. `failed`: its stored settings could not be loaded when the
 * engine started (the reason is stored beside the state); it is started again once its settings are fixed, or stopped.
 */
export const CAMPAIGN_STATES = ['draft', 'running', 'paused', 'stopped', 'failed'] as const;
export type CampaignState = (typeof CAMPAIGN_STATES)[number];

export type CampaignCommand = 'start' | 'pause' | 'stop';

export type CampaignEffect =
  | { type: 'begin-dialing' }
  | { type: 'stop-new-dials' }
  | { type: 'release-leases' };

export type LifecycleResult =
  | { ok: true; state: CampaignState; effects: CampaignEffect[] }
  | { ok: false; state: CampaignState; error: string };

export function campaignLifecycle(state: CampaignState, command: CampaignCommand): LifecycleResult {
  switch (command) {
    case 'start':
      // A stopped campaign may be started again: stop is "end this run", not "delete".
      if (state === 'running') return { ok: false, state, error: 'campaign is already running' };
      return { ok: true, state: 'running', effects: [{ type: 'begin-dialing' }] };
    case 'pause':
      if (state !== 'running') return { ok: false, state, error: `cannot pause a ${state} campaign` };
      return { ok: true, state: 'paused', effects: [{ type: 'stop-new-dials' }] };
    case 'stop':
      if (state === 'stopped') return { ok: false, state, error: 'campaign is already stopped' };
      if (state === 'draft') return { ok: false, state, error: 'cannot stop a campaign that never started' };
      // A failed campaign holds no leases (it never loaded), but stopping it says "not this run" like any other.
      return { ok: true, state: 'stopped', effects: [{ type: 'stop-new-dials' }, { type: 'release-leases' }] };
  }
}

/** Whether the pacing loop may place new calls for a campaign in this state. */
export function mayDial(state: CampaignState): boolean {
  return state === 'running';
}
