/** The agents screen's filters (web/src/screens/admin/agent-filter.ts). */
import { describe, expect, it } from 'vitest';
import { filterAgents, isFiltered, NO_AGENT_FILTER, teamsOf, type FilterableAgent } from '../../../web/src/screens/admin/agent-filter.js';

const AGENTS: Array<FilterableAgent & { id: string }> = [
  { id: 'marta', name: 'Marta Solís', endpoint: 'PJSIP/1001', team: 'Norte', campaignIds: ['c-norte'], live: { status: 'READY' } },
  { id: 'jose', name: 'José Núñez', endpoint: 'PJSIP/1002', team: 'Sur', campaignIds: ['c-sur'], live: { status: 'TALKING' } },
  { id: 'ana', name: 'Ana Ruiz', endpoint: 'PJSIP/1003', team: 'Norte', campaignIds: null, live: null },
  { id: 'bot', name: 'Survey bot', endpoint: 'Local/7001@bots', team: null, campaignIds: [], live: { status: 'READY' } },
];
const ids = (f: Partial<typeof NO_AGENT_FILTER>) => filterAgents(AGENTS, { ...NO_AGENT_FILTER, ...f }).map((a) => a.id);

describe('filterAgents', () => {
  it('keeps every agent with no filter', () => {
    expect(ids({})).toEqual(['marta', 'jose', 'ana', 'bot']);
    expect(isFiltered(NO_AGENT_FILTER)).toBe(false);
    expect(isFiltered({ ...NO_AGENT_FILTER, text: '  ' })).toBe(false);
  });

  it('finds by words of the name or the endpoint, ignoring case and accents', () => {
    expect(ids({ text: 'solis' })).toEqual(['marta']);
    expect(ids({ text: 'NUÑEZ' })).toEqual(['jose']);
    expect(ids({ text: 'jose nunez' })).toEqual(['jose']);
    expect(ids({ text: 'marta 1002' })).toEqual([]);
    expect(ids({ text: '1003' })).toEqual(['ana']);
    expect(ids({ text: 'local/' })).toEqual(['bot']);
  });

  it('a campaign keeps the agents assigned to it and those assigned to none (they serve every campaign)', () => {
    expect(ids({ campaignId: 'c-norte' })).toEqual(['marta', 'ana', 'bot']);
    expect(ids({ campaignId: 'c-sur' })).toEqual(['jose', 'ana', 'bot']);
  });

  it('filters by team and by live state; an agent with no live state is logged out', () => {
    expect(ids({ team: 'Norte' })).toEqual(['marta', 'ana']);
    expect(ids({ state: 'READY' })).toEqual(['marta', 'bot']);
    expect(ids({ state: 'LOGGED_OUT' })).toEqual(['ana']);
    expect(ids({ team: 'Norte', state: 'READY', text: 'marta' })).toEqual(['marta']);
  });

  it('lists the teams once each, sorted in the language given', () => {
    const more = [...AGENTS, { name: 'Eva', endpoint: 'PJSIP/1004', team: 'Éste' }, { name: 'Luis', endpoint: 'PJSIP/1005', team: 'Sur' }];
    expect(teamsOf(more, 'es')).toEqual(['Éste', 'Norte', 'Sur']);
  });
});
