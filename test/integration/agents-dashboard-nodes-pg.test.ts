/**
 * The agent list and the dashboard cover every engine node that is up (#18): the PostgreSQL product in this process
 * as node-a (its agent a1 logged in on the embedded PBX) and node-b publishing its board to the same Redis as a
 * `centralita node` does (b1 talking, b2 paused). GET /api/agents gives each agent its live state and the node it
 * is on, GET /api/agents/{id} too, and names the nodes up; GET /api/dashboard counts both nodes' agents and calls.
 * node-b stopping: its agents are live nowhere (no stale state), the counts are node-a's again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BoardPublisher } from '../../engine/cluster/index.js';
import { systemClock } from '../../engine/clock/index.js';
import { nodeBBoard, startPgNodesRig, type PgNodesRig } from '../support/pg-nodes-rig.js';
import { until } from '../support/until.js';

let rig: PgNodesRig;
let nodeB: BoardPublisher;
const t0 = systemClock.now();
/** node-b: b1 talking on cb1, b2 paused for lunch (nodeBBoard). */
const boardB = () => nodeBBoard(t0, [{ id: 'cb1', phase: 'bridged', agentId: 'b1', campaignId: null, phone: '+15550110042' }]);

beforeAll(async () => {
  rig = await startPgNodesRig('agents-nodes-api');
  const admin = await rig.login('admin', rig.adminPassword);
  expect((await rig.call('POST', '/api/users', admin, { username: 'sofia', password: 'agents-nodes-password', role: 'supervisor' })).status).toBe(201);
  // (The embedded PBX answers a PJSIP/<digits> endpoint as an agent's phone: a1's leg comes up.)
  await rig.addAgents(admin, [
    { id: 'a1', name: 'Ana A', node: 'node-a', ext: '1001' },
    { id: 'b1', name: 'Bea B', node: 'node-b', ext: '2001' },
    { id: 'b2', name: 'Blas B', node: 'node-b', ext: '2002' },
  ]);
}, 90_000);

afterAll(async () => {
  await rig?.close();
}, 60_000);

type Listed = { id: string; live: Record<string, unknown> | null };

describe('agent list and dashboard over several nodes (PostgreSQL + Redis)', () => {
  it('show node-b’s agents with their state and node, its call in the counts, and not once node-b stops', async () => {
    const sofia = await rig.login('sofia', 'agents-nodes-password');
    await until(async () => ((await rig.call('GET', '/api/agents/a1/state', sofia)).body.status === 'READY' ? true : undefined), 15_000, 200);
    nodeB = rig.startNodeB(boardB);

    const list = await until(async () => {
      const b = (await rig.call('GET', '/api/agents', sofia)).body;
      return (b.items as Listed[]).some((a) => a.id === 'b1' && a.live !== null) ? b : undefined;
    }, 10_000, 100);
    expect(list.nodesUp).toEqual(['node-a', 'node-b']);
    const byId = Object.fromEntries((list.items as Listed[]).map((a) => [a.id, a.live]));
    expect(byId['a1']).toMatchObject({ status: 'READY', nodeId: 'node-a' });
    expect(byId['b1']).toEqual({ id: 'b1', kind: 'human', status: 'TALKING', pauseReason: null, legUp: true, calls: ['cb1'], since: t0 - 4000, nodeId: 'node-b' });
    expect(byId['b2']).toMatchObject({ status: 'PAUSED', pauseReason: 'lunch', since: t0 - 9000, nodeId: 'node-b' });
    expect((await rig.call('GET', '/api/agents/b2', sofia)).body.live).toMatchObject({ status: 'PAUSED', nodeId: 'node-b' });

    const dash = (await rig.call('GET', '/api/dashboard', sofia)).body;
    expect(dash).toMatchObject({ agents_source: 'engine', agents_by_state: { READY: 1, TALKING: 1, PAUSED: 1 }, active_calls: 1 });

    // node-b stops (its board key deleted): its agents are on no node up any more.
    await nodeB.close();
    const after = await until(async () => {
      const b = (await rig.call('GET', '/api/agents', sofia)).body;
      return (b.items as Listed[]).every((a) => a.id === 'a1' || a.live === null) ? b : undefined;
    }, 5000, 100);
    expect(after.nodesUp).toEqual(['node-a']);
    expect(Object.fromEntries((after.items as Listed[]).map((a) => [a.id, a.live?.['nodeId'] ?? null]))).toEqual({ a1: 'node-a', b1: null, b2: null });
    expect((await rig.call('GET', '/api/agents/b1', sofia)).body.live).toBeNull();
    const dashAfter = (await rig.call('GET', '/api/dashboard', sofia)).body;
    expect(dashAfter).toMatchObject({ agents_by_state: { READY: 1 }, active_calls: 0 });
    expect(dashAfter.agents_by_state).toEqual({ READY: 1 });
  }, 60_000);
});
