/** api/live summarizeCluster (#18): what the wallboard's Nodes panel gets from the cluster's view and the registry. Pure. */
import { describe, expect, it } from 'vitest';
import { summarizeCluster, withoutCredentials } from '../../../api/live/index.js';
import { clusterView } from '../../../engine/cluster/index.js';

describe('summarizeCluster', () => {
  const view = clusterView(
    [
      {
        nodeId: 'n1',
        at: 5000,
        agents: [
          { id: 'a', status: 'READY' },
          { id: 'b', status: 'LOGGED_OUT' },
        ],
        calls: [
          { id: 'c1', phase: 'agent-wait' },
          { id: 'c2', phase: 'hanging-up' },
          { id: 'c3', phase: 'ended' },
        ],
        campaigns: [],
      },
    ],
    [{ nodeId: 'n2', lastSeenAt: 3000 }],
    6000,
  );

  it('counts agents by state and calls by wallboard stage; a call ending counts in the total only, an ended one not at all', () => {
    const b = summarizeCluster(view, [{ id: 'n1', ariUrl: 'http://u:p@pbx:8088/', startedAt: 1000 }]);
    expect(b.nodes[0]).toEqual({ nodeId: 'n1', state: 'up', since: 1000, lastSeenAt: 5000, asterisk: 'http://pbx:8088/', agents: { READY: 1, LOGGED_OUT: 1 }, agentsLoggedIn: 1, calls: { waiting: 1 }, callsTotal: 2 });
    expect(b.totals).toEqual({ nodesUp: 1, nodesDown: 1, agents: { READY: 1, LOGGED_OUT: 1 }, agentsLoggedIn: 1, calls: { waiting: 1 }, callsTotal: 2 });
  });

  it('a down node is down since its last board, without Asterisk when the registry does not know it, and out of the totals', () => {
    const b = summarizeCluster(view, []);
    expect(b.nodes[1]).toEqual({ nodeId: 'n2', state: 'down', since: 3000, lastSeenAt: 3000, asterisk: null, agents: {}, agentsLoggedIn: 0, calls: {}, callsTotal: 0 });
    expect(b.nodes[0]!.since).toBeNull();
  });

  it('an Asterisk URL never carries its user or password', () => {
    expect(withoutCredentials('https://ari:s3cret@pbx.example:8089/ari')).toBe('https://pbx.example:8089/ari');
    expect(withoutCredentials('embedded')).toBe('embedded');
    expect(withoutCredentials('not a url user:pw@pbx')).toBe('pbx');
  });
});
