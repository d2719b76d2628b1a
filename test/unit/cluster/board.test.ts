/**
 * The cluster board's data (engine/cluster/board.ts), pure: a node's board from its engine's snapshot and pacing
 * observations; the cluster view sums each campaign's counts over the nodes that are up, lists expired nodes as
 * down without agents or calls, and keeps a node that is up even if it is also remembered as seen.
 */
import { describe, expect, it } from 'vitest';
import { boardOf, clusterView, type BoardSource, type NodeBoard } from '../../../engine/cluster/board.js';

const nb = (nodeId: string, metrics: Record<string, number>, agents = 1, calls = 1): NodeBoard => ({
  nodeId,
  at: 1000,
  agents: Array.from({ length: agents }, (_, i) => ({ id: `${nodeId}-a${i}`, status: 'READY' })),
  calls: Array.from({ length: calls }, (_, i) => ({ id: `${nodeId}-c${i}`, phase: 'ringing' })),
  campaigns: [{ id: 'camp', metrics }],
});

describe('cluster board data', () => {
  it('sums campaign counts over the nodes up and marks expired nodes down', () => {
    const v = clusterView(
      [nb('b', { agentsReady: 2, callsRinging: 5 }, 2, 5), nb('a', { agentsReady: 1, callsRinging: 1, onlyA: 3 })],
      [
        { nodeId: 'c', lastSeenAt: 500 },
        { nodeId: 'a', lastSeenAt: 900 }, // also up: up wins
      ],
      2000,
    );
    expect(v.nodes.map((n) => [n.nodeId, n.state])).toEqual([
      ['a', 'up'],
      ['b', 'up'],
      ['c', 'down'],
    ]);
    expect(v.nodes[2]).toMatchObject({ agents: [], calls: [], lastSeenAt: 500 });
    expect(v.campaigns).toEqual([{ id: 'camp', nodes: ['b', 'a'], metrics: { agentsReady: 3, callsRinging: 6, onlyA: 3 } }]);
    expect(v.totals).toEqual({ nodesUp: 2, nodesDown: 1, agents: 3, calls: 6 });
  });

  it("a node's board from its engine: agents, calls and per-campaign counts from the pacing observation", () => {
    const engine: BoardSource = {
      snapshot: () => ({
        agents: [{ id: '1001', status: 'TALKING', since: 4200, pauseReason: null, calls: ['c1'] }],
        calls: [{ id: 'c1', phase: 'bridged', agentId: '1001', campaignId: 'camp', phone: '+15550110001' }],
        campaigns: [
          { id: 'camp', state: 'running', pacing: { mode: 'predictive', place: 2 } },
          { id: 'gone', state: 'stopped', pacing: null },
        ],
      }),
      campaignObservation: (id) =>
        id === 'camp'
          ? { agents: [{ phase: 'talk', sinceMs: 0 }, { phase: 'ready', sinceMs: 0 }], calls: [{ phase: 'ringing', placedAtMs: 0 }], connected: 1, wrapUpMs: 0 }
          : null,
    };
    const b = boardOf('n1', engine, 5000);
    expect(b).toMatchObject({ nodeId: 'n1', at: 5000, agents: [{ id: '1001', status: 'TALKING', since: 4200, calls: ['c1'] }], calls: [{ id: 'c1', phase: 'bridged', agentId: '1001', campaignId: 'camp', phone: '+15550110001' }] });
    expect(b.campaigns[0]).toEqual({
      id: 'camp',
      state: 'running',
      mode: 'predictive',
      metrics: { agentsLoggedIn: 2, agentsReady: 1, agentsTalking: 1, agentsWrapUp: 0, agentsPaused: 0, callsRinging: 1, callsAmd: 0, callsWaiting: 0, callsConnected: 1, placing: 2 },
    });
    expect(b.campaigns[1]).toEqual({ id: 'gone', state: 'stopped', mode: null, metrics: {} });
  });
});
