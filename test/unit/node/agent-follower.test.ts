/**
 * AgentFollower (app/node): the engine's agents follow the agents table for this node — a new row joins and goes
 * READY, a changed row updates the configuration, a row removed or moved to another node leaves the engine.
 */
import { describe, expect, it } from 'vitest';
import { AgentFollower } from '../../../app/node/index.js';
import type { AgentConfig } from '../../../engine/agents/index.js';
import { VirtualClock } from '../../../engine/clock/index.js';
import { silentLogger } from '../../../engine/log/index.js';
import type { AgentRow } from '../../../engine/store/index.js';

const row = (id: string, over: Partial<AgentRow> = {}): AgentRow => ({
  id,
  kind: 'human',
  name: id,
  endpoint: `PJSIP/${id}`,
  concurrency: 1,
  team: null,
  userId: null,
  campaignIds: null,
  nodeId: 'node-2',
  createdAt: 0,
  ...over,
});

describe('AgentFollower', () => {
  it('adds, updates and removes the engine’s agents as the table changes', async () => {
    let rows: AgentRow[] = [row('a1')];
    const configs = new Map<string, AgentConfig>();
    const ready: string[] = [];
    const removed: string[] = [];
    const engine = {
      agentState: (id: string) => (configs.has(id) ? ({ config: configs.get(id)! } as never) : null),
      agentStates: () => [...configs.values()].map((config) => ({ config }) as never),
      upsertAgent: (c: AgentConfig) => void configs.set(c.id, c),
      removeAgent: (id: string) => (removed.push(id), configs.delete(id)),
      agentReady: (id: string) => void ready.push(id),
    };
    const f = new AgentFollower({ nodeId: 'node-2', engine, agents: { listForNode: async () => rows }, clock: new VirtualClock(), logger: silentLogger, pollMs: 1000 });
    await f.poll();
    expect([...configs.keys()]).toEqual(['a1']);
    expect(ready).toEqual(['a1']);

    rows = [row('a1', { campaignIds: ['c1'] }), row('a2')];
    await f.poll();
    expect(configs.get('a1')?.campaignIds).toEqual(['c1']);
    expect(ready).toEqual(['a1', 'a2']);

    rows = [row('a2')];
    await f.poll();
    expect(removed).toEqual(['a1']);
    expect([...configs.keys()]).toEqual(['a2']);
  });
});
