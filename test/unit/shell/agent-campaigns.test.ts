/** A campaign's pacing observation holds only the agents serving it; store rows map to engine configs. */
import { describe, expect, it } from 'vitest';
import { createAgent } from '../../../engine/agents/reducer.js';
import type { AgentState } from '../../../engine/agents/types.js';
import { agentViews } from '../../../engine/shell/pacing-views.js';
import { agentConfigFromRow } from '../../../app/engine-control.js';
import type { AgentRow } from '../../../engine/store/schema/agents.js';

function agent(id: string, campaignIds: string[] | undefined, patch: Partial<AgentState> = {}, kind: 'human' | 'bot' = 'human', maxConcurrent = 1): AgentState {
  const cfg = { id, kind, endpoint: `PJSIP/${id}`, maxConcurrent, wrapUpMs: 0, ...(campaignIds ? { campaignIds } : {}) };
  return { ...createAgent(cfg, 'p-'), ...patch };
}

describe('pacing observation per campaign', () => {
  const agents = [
    agent('x-ready', ['X'], { status: 'READY', legUp: true }),
    agent('x-talk', ['X'], { status: 'TALKING', legUp: true }),
    agent('y-ready', ['Y'], { status: 'READY', legUp: true }),
    agent('xy-wrap', ['X', 'Y'], { status: 'WRAP_UP', legUp: true }),
    agent('all-paused', [], { status: 'PAUSED', legUp: true }),
    agent('y-bot', ['Y'], { status: 'READY' }, 'bot', 2),
  ];

  it('holds only the agents serving the campaign (unassigned agents serve all)', () => {
    const phases = (campaignId: string) => agentViews(agents, () => 0, campaignId).map((v) => v.phase);
    expect(phases('X')).toEqual(['ready', 'talk', 'wrap', 'paused']);
    expect(phases('Y')).toEqual(['ready', 'wrap', 'paused', 'ready', 'ready']);
    expect(phases('Z')).toEqual(['paused']);
  });

  it('without a campaign, every logged-in agent as before', () => {
    expect(agentViews(agents, () => 0)).toHaveLength(7);
  });
});

describe('agentConfigFromRow', () => {
  const row = (campaignIds: string[] | null): AgentRow => ({
    id: 'a1',
    kind: 'human',
    name: 'A',
    endpoint: 'PJSIP/1001',
    concurrency: 1,
    team: null,
    userId: null,
    campaignIds,
    nodeId: null,
    createdAt: 0,
  });

  it('maps campaign_ids; null or empty means every campaign (no campaignIds)', () => {
    expect(agentConfigFromRow(row(['X', 'Y']), 2000)).toEqual({ id: 'a1', kind: 'human', endpoint: 'PJSIP/1001', maxConcurrent: 1, wrapUpMs: 2000, campaignIds: ['X', 'Y'] });
    expect(agentConfigFromRow(row(null))).not.toHaveProperty('campaignIds');
    expect(agentConfigFromRow(row([]))).not.toHaveProperty('campaignIds');
  });
});
