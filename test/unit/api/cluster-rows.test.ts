/**
 * api/live ClusterRowsTracker (#18): the other nodes' agents and calls for the wallboard, from successive cluster views;
 * a team lead's share of them; agentsOnNodes, the merge with this node's agents the wallboard, agent list and dashboard read. Pure.
 */
import { describe, expect, it } from 'vitest';
import { agentsOnNodes, ClusterRowsTracker, countByState, rowsDelta, rowsForTeam, RowsStream, withClusterCounts, type ClusterRows } from '../../../api/live/index.js';
import { mulberry32 } from '../../../engine/random/index.js';
import { applyRowsDelta, type ClusterRowsHeld } from '../../../web/src/live/cluster-rows-delta.js';
import { clusterView, type NodeBoard } from '../../../engine/cluster/index.js';

const board = (nodeId: string, at: number, calls: NodeBoard['calls'], agents: NodeBoard['agents'] = []): NodeBoard => ({ nodeId, at, agents, calls, campaigns: [] });

describe('ClusterRowsTracker', () => {
  it('gives every other node up’s agents and calls with their node; its own node’s and a down node’s are not there', () => {
    const t = new ClusterRowsTracker('self');
    const rows = t.rows(
      clusterView(
        [
          board('self', 1000, [{ id: 'mine', phase: 'bridged' }], [{ id: 'm1', status: 'TALKING' }]),
          board('b', 1000, [{ id: 'c1', phase: 'bridged', agentId: 'b1', campaignId: 'k', phone: '+15550110001' }], [{ id: 'b1', status: 'TALKING', since: 400, calls: ['c1'] }, { id: 'b2', status: 'PAUSED', pauseReason: 'lunch' }]),
        ],
        [{ nodeId: 'gone', lastSeenAt: 500 }],
        1100,
      ),
    );
    expect(rows).toEqual({
      at: 1100,
      self: 'self',
      up: ['b'],
      down: ['gone'],
      agents: [
        { id: 'b1', node_id: 'b', status: 'TALKING', since: 400, pause_reason: null, call_id: 'c1' },
        { id: 'b2', node_id: 'b', status: 'PAUSED', since: null, pause_reason: 'lunch', call_id: null },
      ],
      calls: [{ id: 'c1', node_id: 'b', campaign_id: 'k', phone: '+15550110001', agent_id: 'b1', stage: 'talking', created_at: 1000, stage_since: 1000 }],
    });
  });

  it('keeps when a call was first seen and when its stage began across views; a call ending keeps its stage, an ended one leaves', () => {
    const t = new ClusterRowsTracker('self');
    const at = (n: number, calls: NodeBoard['calls']) => t.rows(clusterView([board('b', n, calls)], [], n));
    at(1000, [{ id: 'c', phase: 'ringing' }]);
    expect(at(2000, [{ id: 'c', phase: 'ringing' }]).calls[0]).toMatchObject({ stage: 'ringing', created_at: 1000, stage_since: 1000 });
    expect(at(3000, [{ id: 'c', phase: 'agent-wait' }]).calls[0]).toMatchObject({ stage: 'waiting', created_at: 1000, stage_since: 3000 });
    expect(at(4000, [{ id: 'c', phase: 'dropping' }]).calls[0]).toMatchObject({ stage: 'waiting', stage_since: 3000 });
    expect(at(5000, [{ id: 'c', phase: 'ended' }]).calls).toEqual([]);
    // Seen again later (another call with that id is not expected; a fresh start is what the board says).
    expect(at(6000, [{ id: 'c', phase: 'ringing' }]).calls[0]).toMatchObject({ created_at: 6000, stage_since: 6000 });
  });

  it('rowsDelta ignores the view’s time; withClusterCounts adds the other nodes’ agents and calls to the node’s metrics', () => {
    const t = new ClusterRowsTracker('self');
    const one = t.rows(clusterView([board('b', 1000, [{ id: 'c', phase: 'dialing' }], [{ id: 'b1', status: 'READY' }])], [], 1000));
    const two = t.rows(clusterView([board('b', 2000, [{ id: 'c', phase: 'dialing' }], [{ id: 'b1', status: 'READY' }])], [], 2000));
    expect(rowsDelta(one, two, 0)).toBeNull();
    expect(withClusterCounts({ activeCalls: 2, agentsByStatus: { READY: 1 }, connected: true }, two)).toEqual({ activeCalls: 3, agentsByStatus: { READY: 2 }, connected: true });
    expect(withClusterCounts({ activeCalls: 2, agentsByStatus: {} }, null)).toEqual({ activeCalls: 2, agentsByStatus: {} });
  });
});

describe('an agent on two nodes’ rosters (moved)', () => {
  it('is one row: the node it is logged in on, whichever of the two comes first', () => {
    const t = new ClusterRowsTracker('self');
    // The view lists nodes by id: b before c.
    const v = (liveOn: 'b' | 'c') =>
      clusterView([board(liveOn, 1000, [], [{ id: 'x', status: 'READY' }]), board(liveOn === 'b' ? 'c' : 'b', 1000, [], [{ id: 'x', status: 'LOGGED_OUT' }])], [], 1000);
    expect(t.rows(v('b')).agents).toEqual([expect.objectContaining({ id: 'x', node_id: 'b', status: 'READY' })]);
    expect(t.rows(v('c')).agents).toEqual([expect.objectContaining({ id: 'x', node_id: 'c', status: 'READY' })]);
  });
});

describe('agentsOnNodes and a team’s share', () => {
  const rows: ClusterRows = {
    at: 1000,
    self: 'a',
    up: ['b'],
    down: ['gone'],
    agents: [
      { id: 'moved', node_id: 'b', status: 'READY', since: 900, pause_reason: null, call_id: null },
      { id: 'b1', node_id: 'b', status: 'TALKING', since: 800, pause_reason: null, call_id: 'c1' },
      { id: 'stale', node_id: 'b', status: 'LOGGED_OUT', since: 700, pause_reason: null, call_id: null },
    ],
    calls: [
      { id: 'c1', node_id: 'b', campaign_id: null, phone: '+15550110001', agent_id: 'b1', stage: 'talking', created_at: 800, stage_since: 800 },
      { id: 'c2', node_id: 'b', campaign_id: null, phone: '+15550110002', agent_id: null, stage: 'ringing', created_at: 900, stage_since: 900 },
    ],
  };
  const local = [
    { id: 'a1', status: 'READY', since: 500, pauseReason: null, calls: [] },
    { id: 'moved', status: 'LOGGED_OUT', since: 600, pauseReason: null, calls: [] },
    { id: 'stale', status: 'PAUSED', since: 650, pauseReason: 'lunch', calls: [] },
  ];

  it('this node’s agents with its node, the other nodes’ with theirs; a moved agent is where it is logged in', () => {
    const m = agentsOnNodes(local, { nodeId: 'a', rows: () => rows });
    expect(m.get('a1')).toMatchObject({ status: 'READY', nodeId: 'a', local: local[0] });
    expect(m.get('moved')).toMatchObject({ status: 'READY', nodeId: 'b', since: 900, local: null });
    expect(m.get('b1')).toEqual({ id: 'b1', status: 'TALKING', since: 800, pauseReason: null, callId: 'c1', nodeId: 'b', local: null });
    expect(m.get('stale')).toMatchObject({ status: 'PAUSED', nodeId: 'a' });
    expect(countByState(m.values())).toEqual({ READY: 2, TALKING: 1, PAUSED: 1 });
  });

  it('without a cluster: the engine’s agents, no node; no engine and no rows: nobody', () => {
    expect([...agentsOnNodes(local).values()].map((a) => [a.id, a.nodeId])).toEqual([['a1', null], ['moved', null], ['stale', null]]);
    expect(agentsOnNodes(null, { nodeId: 'a', rows: () => null }).size).toBe(0);
  });

  it('a team lead gets its team’s agents and their calls, the nodes as they are', () => {
    const team = (id: string) => (id === 'b1' ? 'blue' : null);
    expect(rowsForTeam(rows, 'blue', team)).toEqual({ ...rows, agents: [rows.agents[1]], calls: [rows.calls[0]] });
    expect(rowsForTeam(rows, 'red', team)).toMatchObject({ up: ['b'], down: ['gone'], agents: [], calls: [] });
  });
});

describe('the rows as deltas (cluster.rows.delta)', () => {
  const t = () => new ClusterRowsTracker('self');
  it('sends the rows set and the ids gone, and the nodes whenever they change', () => {
    const tr = t();
    const one = tr.rows(clusterView([board('b', 1000, [{ id: 'c1', phase: 'dialing' }, { id: 'c2', phase: 'ringing' }], [{ id: 'b1', status: 'READY' }, { id: 'b2', status: 'PAUSED' }])], [], 1000));
    const two = tr.rows(clusterView([board('b', 2000, [{ id: 'c1', phase: 'ringing' }, { id: 'c3', phase: 'dialing' }], [{ id: 'b1', status: 'READY' }, { id: 'b2', status: 'READY' }])], [], 2000));
    const d = rowsDelta(one, two, 4)!;
    expect(d.seq).toBe(5);
    expect(d.base).toBe(4);
    expect(d.calls.set.map((c) => [c.id, c.stage])).toEqual([['c1', 'ringing'], ['c3', 'dialing']]);
    expect(d.calls.gone).toEqual(['c2']);
    expect(d.agents.set.map((a) => [a.id, a.status])).toEqual([['b2', 'READY']]);
    expect(d.agents.gone).toEqual([]);
    // Only a node going down: still a delta (its rows gone, `down` naming it).
    const three = tr.rows(clusterView([], [{ nodeId: 'b', lastSeenAt: 2000 }], 3000));
    const d3 = rowsDelta(two, three, 5)!;
    expect(d3.down).toEqual(['b']);
    expect(d3.agents.gone.sort()).toEqual(['b1', 'b2']);
    expect(rowsDelta(three, { ...three, at: 9000 }, 6)).toBeNull();
  });

  it('applied in order, the web app’s deltas rebuild every view exactly; a missed one is refused, not guessed', () => {
    const rnd = mulberry32(11);
    const tr = t();
    const phases = ['dialing', 'ringing', 'amd', 'agent-wait', 'bridged', 'machine', 'ended'];
    let calls = new Map<string, { id: string; phase: string; agentId: string | null }>();
    const agents = Array.from({ length: 30 }, (_, i) => ({ id: `a${i}`, status: 'READY', since: 0 as number | null }));
    let seq = 0;
    let stream: RowsStream | null = null;
    let held: ClusterRowsHeld | null = null;
    let missedOne = false;
    const byId = <R extends { id: string }>(rs: R[]) => [...rs].sort((a, b) => (a.id < b.id ? -1 : 1));
    for (let s = 0; s < 300; s++) {
      for (let k = 0; k < 3; k++) calls.set(`c${seq}`, { id: `c${seq++}`, phase: 'dialing', agentId: null });
      calls = new Map([...calls].filter(([, c]) => c.phase !== 'ended'));
      for (const c of calls.values()) if (rnd() < 0.3) c.phase = phases[Math.min(phases.length - 1, phases.indexOf(c.phase) + 1)]!;
      for (const a of agents) if (rnd() < 0.1) Object.assign(a, { status: rnd() < 0.5 ? 'TALKING' : 'READY', since: s });
      const nodeUp = s % 97 !== 50; // the node drops out once, and comes back
      const view = clusterView(nodeUp ? [board('b', s * 1000, [...calls.values()].map((c) => ({ ...c })), agents.map((a) => ({ ...a })))] : [], nodeUp ? [] : [{ nodeId: 'b', lastSeenAt: s }], s * 1000);
      const rows = tr.rows(view);
      if (stream === null) {
        stream = new RowsStream(rows);
        held = stream.full();
        continue;
      }
      const d = stream.advance(rows);
      if (d === null) continue;
      if (s === 200) {
        // This socket misses one delta: the next must be refused, and the whole rows start it again.
        missedOne = true;
        continue;
      }
      const next = applyRowsDelta(held, d);
      if (missedOne) {
        expect(next).toBeNull();
        held = stream.full();
        missedOne = false;
        continue;
      }
      expect(next).not.toBeNull();
      held = next!;
      expect(byId(held.agents)).toEqual(byId(rows.agents));
      expect(byId(held.calls)).toEqual(byId(rows.calls));
      expect([held.up, held.down]).toEqual([rows.up, rows.down]);
    }
    expect(held!.seq).toBe(stream!.full().seq);
  });
});
