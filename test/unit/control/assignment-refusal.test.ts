/**
 * engine/control's assignmentRefusal: an agent may not be assigned so that it serves two or more running
 * power/predictive campaigns (the overlap startRefusal forbids at a start, made instead by editing an agent).
 */
import { describe, expect, it } from 'vitest';
import { assignmentRefusal, ControlError } from '../../../engine/control/index.js';
import { parseCampaignSettings } from '../../../engine/campaigns/index.js';
import type { Campaign } from '../../../engine/store/index.js';

const campaign = (id: string, dialMode: 'power' | 'predictive' | 'progressive' | 'preview', state: Campaign['state'] = 'running'): Campaign => ({
  ...parseCampaignSettings({ name: id, dialMode, ...(dialMode === 'power' && { dialRatio: 2 }) }),
  id,
  state,
  stateReason: null,
  createdAt: 0,
  updatedAt: 0,
});

describe('assignmentRefusal', () => {
  const power = campaign('camp-p', 'power');
  const predictive = campaign('camp-q', 'predictive');

  it('refuses an agent serving two running power/predictive campaigns: a conflict naming both and the agent', () => {
    const refusal = assignmentRefusal({ id: 'a1', campaignIds: ['camp-p', 'camp-q'] }, [power, predictive]);
    // By name when the agent has one (a screen shows the message; a new agent's id is generated).
    expect(assignmentRefusal({ id: 'a1', name: 'Marta Solís', campaignIds: null }, [power, predictive])?.message).toMatch(/^campaigns "camp-p" \(power\) and "camp-q" \(predictive\) are running and agent "Marta Solís" would serve both;/);
    expect(refusal).toBeInstanceOf(ControlError);
    expect(refusal?.code).toBe('conflict');
    expect(refusal?.message).toBe(
      'campaigns "camp-p" (power) and "camp-q" (predictive) are running and agent a1 would serve both; ' +
        'two power or predictive campaigns may run at once only with disjoint agents (assign campaign_ids)',
    );
    // About campaign_ids, with the names a client words it with (the agent by id when it has no name).
    expect(refusal?.problem).toEqual({ field: 'campaign_ids', rule: 'shared_overdial', params: { campaigns: ['camp-p', 'camp-q'], agent: 'a1' } });
  });

  it('no assignments (null or []) serve every campaign: refused too; three are all named', () => {
    for (const campaignIds of [null, []]) expect(assignmentRefusal({ id: 'a1', campaignIds }, [power, predictive])?.code).toBe('conflict');
    const third = campaign('camp-r', 'power');
    expect(assignmentRefusal({ id: 'a1', campaignIds: null }, [power, predictive, third])?.message).toMatch(/^campaigns "camp-p" \(power\), "camp-q" \(predictive\) and "camp-r" \(power\) are running and agent a1 would serve all of them;/);
  });

  it('allows serving one of them, or any with a single one running', () => {
    expect(assignmentRefusal({ id: 'a1', campaignIds: ['camp-p'] }, [power, predictive])).toBeNull();
    expect(assignmentRefusal({ id: 'a1', campaignIds: ['camp-p', 'camp-other'] }, [power, predictive])).toBeNull();
    expect(assignmentRefusal({ id: 'a1', campaignIds: null }, [power])).toBeNull();
    expect(assignmentRefusal({ id: 'a1', campaignIds: null }, [])).toBeNull();
  });

  it('progressive and preview campaigns never conflict; campaigns not running do not count', () => {
    const others = [campaign('camp-g', 'progressive'), campaign('camp-v', 'preview')];
    expect(assignmentRefusal({ id: 'a1', campaignIds: null }, [power, ...others])).toBeNull();
    expect(assignmentRefusal({ id: 'a1', campaignIds: null }, others)).toBeNull();
    expect(assignmentRefusal({ id: 'a1', campaignIds: null }, [power, campaign('camp-z', 'predictive', 'paused')])).toBeNull();
  });
});
