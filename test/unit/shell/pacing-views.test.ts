import { describe, expect, it } from 'vitest';
import { createAgent } from '../../../engine/agents/reducer.js';
import type { AgentState } from '../../../engine/agents/types.js';
import { createCall } from '../../../engine/calls/reducer.js';
import { defaultCallPolicy, type CallPhase, type CallState } from '../../../engine/calls/types.js';
import { modeLabel, pacerFor, pacingChanged, pacingLevel } from '../../../engine/pacing/index.js';
import { agentViews, callViews } from '../../../engine/shell/pacing-views.js';

function agent(id: string, patch: Partial<AgentState> = {}, kind: 'human' | 'bot' = 'human', maxConcurrent = 1): AgentState {
  return { ...createAgent({ id, kind, endpoint: `PJSIP/${id}`, maxConcurrent, wrapUpMs: 1000 }, 'p-'), ...patch };
}

function call(id: string, phase: CallPhase, campaignId = 'c', answeredAt: number | null = null, patch: Partial<CallState> = {}): CallState {
  return { ...createCall({ callId: id, campaignId, leadId: 'L', phone: '+1', endpoint: 'x', nodeId: 'n', policy: defaultCallPolicy }), phase, answeredAt, ...patch };
}

describe('dial pacing: which pacer, what it sees', () => {
  it('maps dial modes to pacers; preview never places', () => {
    expect(pacerFor({ dialMode: 'fixed' })).toBeNull();
    const preview = pacerFor({ dialMode: 'preview' })!;
    const obs = { agents: [{ phase: 'ready' as const, sinceMs: 0 }], calls: [], connected: 0, wrapUpMs: 0 };
    expect(preview.decide(preview.initial(0), obs, 0).decision.place).toBe(0);
    const prog = pacerFor({ dialMode: 'progressive' })!;
    expect(prog.decide(prog.initial(0), obs, 0).decision.place).toBe(1);
    const power = pacerFor({ dialMode: 'power', dialRatio: 3 })!;
    expect(power.decide(power.initial(0), obs, 0).decision.place).toBe(3);
    const pred = pacerFor({ dialMode: 'predictive', dropTarget: 0.02 })!;
    // Too few agents and no data yet: the predictive rule falls back to progressive.
    expect(pred.decide(pred.initial(0), obs, 0).decision).toMatchObject({ place: 1, mode: expect.stringMatching(/^progressive/) });
    expect(pacingLevel({ dialMode: 'power', dialRatio: 2.5 })).toBe(2.5);
    expect(pacingLevel({ dialMode: 'progressive' })).toBe(1);
    expect(pacingLevel({ dialMode: 'predictive' })).toBeNull();
    expect(modeLabel('progressive', 'progressive')).toBe('progressive');
    expect(modeLabel('predictive', 'progressive (little data)')).toBe('predictive/progressive (little data)');
    expect(modeLabel('predictive', 'predictive p*=0.031')).toBe('predictive');
    expect(modeLabel('predictive', 'predictive price=120s')).toBe('predictive');
  });

  it('agents: logged-out left out, reserved counts ready, a human without a leg is not ready, a bot is one seat per call', () => {
    const views = agentViews(
      [
        agent('out'),
        agent('r', { status: 'READY', legUp: true }),
        agent('res', { status: 'RESERVED', legUp: true, calls: ['x'] }),
        agent('noleg', { status: 'READY', legUp: false }),
        agent('t', { status: 'TALKING', legUp: true }),
        agent('w', { status: 'WRAP_UP', legUp: true }),
        agent('p', { status: 'PAUSED', legUp: true }),
        agent('bot', { status: 'READY', calls: ['y'], talking: ['y'] }, 'bot', 3),
      ],
      (id) => (id === 'w' ? 500 : 0),
    );
    expect(views.map((v) => v.phase)).toEqual(['ready', 'ready', 'paused', 'talk', 'wrap', 'paused', 'talk', 'ready', 'ready']);
    expect(views[4]).toEqual({ phase: 'wrap', sinceMs: 500 });
  });

  it("calls: one campaign's, by pacing phase; bridged ones are counted as connected; test and pacer-cut calls left out", () => {
    const v = callViews(
      [
        call('d', 'dialing', 'c', null, { placedAt: 10 }),
        call('r', 'ringing', 'c', null, { placedAt: 20 }),
        call('a', 'amd', 'c', 35, { placedAt: 30 }),
        call('w', 'agent-wait', 'c', 36, { placedAt: 40 }),
        call('b', 'bridged', 'c', 37),
        call('m', 'machine', 'c', 38),
        call('other', 'ringing', 'other'),
        call('test', 'ringing', 'c', null, { test: true, placedAt: 5 }),
        call('cut', 'ringing', 'c', null, { pacerCancelled: true, placedAt: 6 }),
      ],
      'c',
    );
    expect(v.connected).toBe(1);
    expect(v.calls).toEqual([
      { phase: 'ringing', placedAtMs: 10 },
      { phase: 'ringing', placedAtMs: 20 },
      { phase: 'amd', placedAtMs: 30, answeredAtMs: 35 },
      { phase: 'waiting', placedAtMs: 40, answeredAtMs: 36 },
    ]);
  });

  it('a campaign.pacing event only when mode, place or level change', () => {
    const s = { mode: 'power', place: 2, level: 2, at: 0 };
    expect(pacingChanged(null, s)).toBe(true);
    expect(pacingChanged(s, { ...s, at: 1000 })).toBe(false);
    expect(pacingChanged(s, { ...s, place: 3 })).toBe(true);
    expect(pacingChanged(s, { ...s, mode: 'power/x' })).toBe(true);
    expect(pacingChanged(s, { ...s, level: 3 })).toBe(true);
  });
});
