import { describe, expect, it } from 'vitest';
import { CAMPAIGN_STATES, campaignLifecycle, mayDial, type CampaignCommand } from '../../../engine/campaigns/index.js';

describe('campaign lifecycle reducer', () => {
  it('start → pause → start → stop with the right effects', () => {
    const s1 = campaignLifecycle('draft', 'start');
    expect(s1).toEqual({ ok: true, state: 'running', effects: [{ type: 'begin-dialing' }] });
    const s2 = campaignLifecycle('running', 'pause');
    expect(s2).toEqual({ ok: true, state: 'paused', effects: [{ type: 'stop-new-dials' }] });
    expect(campaignLifecycle('paused', 'start')).toMatchObject({ ok: true, state: 'running' });
    expect(campaignLifecycle('running', 'stop')).toEqual({
      ok: true,
      state: 'stopped',
      effects: [{ type: 'stop-new-dials' }, { type: 'release-leases' }],
    });
    expect(campaignLifecycle('paused', 'stop')).toMatchObject({ ok: true, state: 'stopped' });
    expect(campaignLifecycle('stopped', 'start')).toMatchObject({ ok: true, state: 'running' });
  });

  it('refuses meaningless transitions without changing state', () => {
    const bad: Array<[(typeof CAMPAIGN_STATES)[number], CampaignCommand]> = [
      ['running', 'start'],
      ['draft', 'pause'],
      ['paused', 'pause'],
      ['stopped', 'pause'],
      ['stopped', 'stop'],
      ['draft', 'stop'],
    ];
    for (const [state, cmd] of bad) {
      const r = campaignLifecycle(state, cmd);
      expect(r.ok).toBe(false);
      expect(r.state).toBe(state);
    }
  });

  it('a failed campaign (settings that could not load) can be started again or stopped, not paused', () => {
    expect(campaignLifecycle('failed', 'start')).toMatchObject({ ok: true, state: 'running' });
    expect(campaignLifecycle('failed', 'stop')).toMatchObject({ ok: true, state: 'stopped' });
    expect(campaignLifecycle('failed', 'pause')).toMatchObject({ ok: false, state: 'failed' });
    expect(mayDial('failed')).toBe(false);
  });

  it('only a running campaign dials', () => {
    expect(CAMPAIGN_STATES.filter(mayDial)).toEqual(['running']);
  });
});
