/** Agents assigned to campaigns: which agents routing may give a campaign's call (engine/agents/reducer.ts). */
import { describe, expect, it } from 'vitest';
import { agentStep, createAgent, pickAgent, servesCampaign } from '../../../engine/agents/reducer.js';
import type { AgentConfig, AgentState } from '../../../engine/agents/types.js';

const human = (id: string, campaignIds?: string[]): AgentConfig => ({
  id,
  kind: 'human',
  endpoint: `PJSIP/${id}`,
  maxConcurrent: 1,
  wrapUpMs: 0,
  ...(campaignIds ? { campaignIds } : {}),
});

/** A human READY with its leg parked in its bridge since `readySince`. */
const online = (cfg: AgentConfig, readySince: number): AgentState => ({
  ...createAgent(cfg, 'p-'),
  status: 'READY',
  legId: `p-ag-${cfg.id}-1`,
  legUp: true,
  bridgeUp: true,
  bridgeRequested: true,
  readySince,
});

describe('campaign eligibility', () => {
  it('an agent without assignments (none or empty) serves every campaign; an assigned one only its campaigns', () => {
    expect(servesCampaign(human('a'), 'X')).toBe(true);
    expect(servesCampaign(human('a', []), 'X')).toBe(true);
    expect(servesCampaign(human('a', ['X', 'Y']), 'Y')).toBe(true);
    expect(servesCampaign(human('a', ['X']), 'Y')).toBe(false);
  });

  it('routing for a campaign picks the longest-idle agent among those serving it', () => {
    const x1 = online(human('x1', ['X']), 100);
    const y1 = online(human('y1', ['Y']), 50); // longest idle, but not X's
    const x2 = online(human('x2', ['X', 'Z']), 200);
    const all = online(human('all'), 300);
    expect(pickAgent([x1, y1, x2, all], 'X')?.config.id).toBe('x1');
    expect(pickAgent([x1, y1, x2, all], 'Y')?.config.id).toBe('y1');
    expect(pickAgent([x1, y1, x2, all], 'Z')?.config.id).toBe('x2');
    // Nobody assigned to W: only the agent serving every campaign.
    expect(pickAgent([x1, y1, x2, all], 'W')?.config.id).toBe('all');
    expect(pickAgent([x1, y1, x2], 'W')).toBeNull();
    // Without a campaign: any agent, as before.
    expect(pickAgent([x1, y1, x2, all])?.config.id).toBe('y1');
  });

  it('a busy agent of the campaign is skipped even when agents of other campaigns are free', () => {
    const x1 = agentStep(online(human('x1', ['X']), 10), { type: 'reserve', callId: 'c1', at: 20 }).state;
    const y1 = online(human('y1', ['Y']), 5);
    expect(pickAgent([x1, y1], 'X')).toBeNull();
    expect(pickAgent([x1, y1], 'Y')?.config.id).toBe('y1');
  });

  it('assignments are kept through the state machine (config is carried, not rebuilt)', () => {
    const cfg = human('x1', ['X']);
    let s = createAgent(cfg, 'p-');
    s = agentStep(s, { type: 'ready', at: 1 }).state;
    expect(s.config.campaignIds).toEqual(['X']);
  });
});
