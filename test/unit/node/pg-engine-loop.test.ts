/**
 * `npm start` on PostgreSQL runs its engine node in a thread of its own (app/pg/node-thread.ts): the API's control
 * reads (agent state, live figures) are answered from the node's last status, a refusal made in the node's thread
 * reaches the API as the same ControlError; and bench:pg-loop's pure figures (ARI event lateness, percentiles, the
 * calls of a phase).
 */
import { describe, expect, it } from 'vitest';
import { ariEventDelayMs, isCallEvent } from '../../../app/pg/engine-loop-probe.js';
import { remoteNodeControl, type NodeThread } from '../../../app/pg/node-thread.js';
import type { NodeStatus } from '../../../app/pg/node-protocol.js';
import { delayFigures, phaseCalls } from '../../../app/pg-loop-bench/index.js';
import { ControlError, type CampaignLiveStats } from '../../../engine/control/index.js';

const stats = { campaignId: 'c1', state: 'running' } as unknown as CampaignLiveStats;

function fakeThread(status: Partial<NodeStatus>, commands: Array<[string, unknown[]]> = []): NodeThread {
  return {
    nodeId: 'node-1',
    status: () => ({ agents: [], liveStats: {}, ...status }) as NodeStatus,
    command: async (command: string, args: unknown[]) => {
      commands.push([command, args]);
      if (command === 'calls.hangup') throw new ControlError('not_found', 'call x is not live on node node-1');
      return null;
    },
  } as unknown as NodeThread;
}

describe('the PostgreSQL product’s control over its engine node’s thread', () => {
  it('answers reads from the last status, and a refusal made in the node’s thread is the same ControlError here', async () => {
    const commands: Array<[string, unknown[]]> = [];
    const c = remoteNodeControl(
      fakeThread(
        {
          agents: [{ id: 'agent-1001', status: 'READY' } as NodeStatus['agents'][number]],
          liveStats: { c1: { ok: true, value: stats }, c2: { ok: false, error: { kind: 'control', code: 'unavailable', message: 'the figures of campaign c2 are being read' } } },
        },
        commands,
      ),
    );
    expect(c.agents.state('agent-1001')?.status).toBe('READY');
    expect(c.agents.state('agent-9')).toBeNull();
    expect(c.campaigns.liveStats('c1')).toBe(stats);
    expect(() => c.campaigns.liveStats('c2')).toThrow(new ControlError('unavailable', 'the figures of campaign c2 are being read'));
    // A campaign the node has not loaded: refused as the node's own control refuses it.
    expect(() => c.campaigns.liveStats('c3')).toThrow(/campaign c3 is not loaded on node node-1/);
    await expect(c.agents.pause('agent-1001', 'break')).resolves.toBeUndefined();
    const hangup = c.calls!.hangup('x');
    await expect(hangup).rejects.toBeInstanceOf(ControlError);
    await expect(hangup).rejects.toMatchObject({ code: 'not_found' });
    expect(commands).toEqual([
      ['agents.pause', ['agent-1001', 'break']],
      ['calls.hangup', ['x']],
    ]);
  });
});

describe('bench:pg-loop figures', () => {
  it('measures how late the engine heard an ARI event from its stamp, and which events are a call’s', () => {
    const sent = Date.UTC(2026, 2, 3, 15, 0, 0, 120);
    expect(ariEventDelayMs({ timestamp: '2026-03-03T15:00:00.120+0000' }, sent + 37)).toBe(37);
    expect(ariEventDelayMs({ timestamp: '2026-03-03T10:00:00.120-0500' }, sent + 900)).toBe(900);
    expect(ariEventDelayMs({ timestamp: '2026-03-03T15:00:00.121+0000' }, sent)).toBe(0);
    expect(ariEventDelayMs({}, sent)).toBeNull();
    expect(ariEventDelayMs({ timestamp: 'yesterday' }, sent)).toBeNull();
    expect(isCallEvent({ type: 'StasisStart' })).toBe(true);
    expect(isCallEvent({ type: 'ChannelStateChange', channel: { state: 'Up' } })).toBe(true);
    expect(isCallEvent({ type: 'ChannelStateChange', channel: { state: 'Ringing' } })).toBe(false);
  });

  it('takes p50 / p99 / max by nearest rank, and counts the calls answered in a phase', () => {
    expect(delayFigures([])).toEqual({ n: 0, p50: 0, p99: 0, max: 0 });
    const xs = Array.from({ length: 100 }, (_, i) => 100 - i); // 1…100, unsorted
    expect(delayFigures(xs)).toEqual({ n: 100, p50: 50, p99: 99, max: 100 });
    const rows = [
      { answeredAt: 1000, amdAt: 2500, bridgedAt: 2600, disposition: null },
      { answeredAt: 1500, amdAt: 3000, bridgedAt: null, disposition: 'DROPPED' },
      { answeredAt: 1800, amdAt: 2000, bridgedAt: null, disposition: 'MACHINE' },
      { answeredAt: 5000, amdAt: 5100, bridgedAt: 5200, disposition: null }, // the next phase
      { answeredAt: null, amdAt: null, bridgedAt: null, disposition: 'NO_ANSWER' },
    ];
    const p = phaseCalls(rows, 1000, 5000);
    expect(p).toMatchObject({ answered: 3, humans: 2, dropped: 1 });
    expect(p.bridgeWaitMs).toEqual({ n: 1, p50: 1600, p99: 1600, max: 1600 });
    expect(p.amdWaitMs).toMatchObject({ n: 3, max: 1500 });
  });
});
