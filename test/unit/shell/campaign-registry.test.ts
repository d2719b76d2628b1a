import { describe, expect, it } from 'vitest';
import { parseCampaignSettings } from '../../../engine/campaigns/settings.js';
import { CampaignRegistry, campaignInputFromStore } from '../../../engine/shell/campaign-registry.js';
import type { LeadSource } from '../../../engine/shell/ports.js';
import type { Campaign } from '../../../engine/store/repos/campaigns.js';

const leads: LeadSource = { next: () => null, complete: () => {} };

function stored(patch: Record<string, unknown> = {}, state: Campaign['state'] = 'running'): Campaign {
  return { id: 'c1', state, stateReason: null, createdAt: 0, updatedAt: 0, ...parseCampaignSettings({ name: 'x', ...patch }) };
}

describe('campaign registry', () => {
  it('a stored campaign as the engine runs it: mode, caps, wrap-up, policy, dial string, state', () => {
    const input = campaignInputFromStore(
      stored({ dialMode: 'power', dialRatio: 2.5, maxConcurrent: 7, wrapUpS: 4, ringTimeoutS: 30, dropTarget: 0.02, callerId: '+50622223333', dialStringTemplate: 'PJSIP/{national}@cr' }, 'paused'),
      leads,
    );
    expect(input).toMatchObject({ dialMode: 'power', dialRatio: 2.5, maxConcurrent: 7, wrapUpMs: 4000, dropTarget: 0.02, state: 'paused' });
    expect(input.settings.policy).toMatchObject({ ringTimeoutSec: 30, callerId: '+50622223333', agentWaitMs: 2000, agentWaitFrom: 'answer' });
    expect(input.settings.endpointFor('+50688887777')).toBe('PJSIP/88887777@cr');
    expect(campaignInputFromStore(stored({}, 'draft'), leads).state).toBe('stopped');
  });

  it('re-putting a campaign keeps what its pacer learned unless the mode changes', () => {
    const reg = new CampaignRegistry();
    const first = reg.put(campaignInputFromStore(stored({ dialMode: 'predictive' }), leads), 0);
    const learned = first.pacer!.observe(first.pacerState, { type: 'dial-result', placedAtMs: 0, atMs: 5000, result: 'busy' });
    first.pacerState = learned;
    const again = reg.put(campaignInputFromStore(stored({ dialMode: 'predictive', maxConcurrent: 50 }), leads), 1000);
    expect(again.pacerState).toBe(learned);
    expect(again.maxConcurrent).toBe(50);
    const changed = reg.put(campaignInputFromStore(stored({ dialMode: 'power', dialRatio: 2 }), leads), 2000);
    expect(changed.pacer?.name).toBe('power');
    expect(changed.pacerState).not.toBe(learned);
    expect(reg.list().map((c) => c.id)).toEqual(['c1']);
    expect(reg.put(campaignInputFromStore(stored({ dialMode: 'preview' }), leads), 0).pacer?.name).toBe('preview');
  });
});
