/**
 * The 2 s rule in the call reducer (engine/calls): without a reserved agent a human is dropped at answer + 2 s
 * exactly (the pacing simulator's rule); an agent found in time gets the bridge round trip; a reserved agent is
 * bridged at once.
 */
import { describe, expect, it } from 'vitest';
import { agentDeadlineMs, callStep, createCall } from '../../../engine/calls/reducer.js';
import { defaultCallPolicy, type CallInput, type CallPolicy, type CallState } from '../../../engine/calls/types.js';
import type { AriEvent } from '../../../engine/ari/types.js';

const ID = 'cl-n1-c-9';
const ch = (id: string, state = 'Up') => ({ id, name: `PJSIP/${id}`, state });

function answeredCall(policy: Partial<CallPolicy>, answerAt: number, agent: { agentId: string; bridgeId: string } | null = null): CallState {
  let s = createCall({ callId: ID, campaignId: 'c', leadId: 'L', phone: '+1', endpoint: 'PJSIP/x', nodeId: 'n1', policy: { ...defaultCallPolicy, ...policy }, agent });
  const feed = (i: CallInput) => (s = callStep(s, i).state);
  feed({ type: 'dial', at: 0 });
  feed({ type: 'ari', event: { type: 'StasisStart', channel: ch(ID), args: [] } as AriEvent, at: answerAt });
  return s;
}

const human = (at: number): CallInput => ({
  type: 'amd-decision',
  at,
  decision: { status: 'HUMAN', cause: 'H', decisionMs: 1, trace: { frameEnergy: [], words: [], notes: [], decisionFrame: 0 } },
});

describe('the 2 s rule (agent-wait)', () => {
  it('no agent: the wait ends at answer + 2 s, whatever AMD took', () => {
    const s = answeredCall({}, 10_000);
    const step = callStep(s, human(11_200));
    expect(step.effects).toContainEqual({ kind: 'timer-set', timer: 'agent-wait', ms: 800 });
    expect(step.effects).toContainEqual({ kind: 'agent-request' });
    expect(agentDeadlineMs(s, 13_000)).toBe(0); // a verdict after the limit leaves no wait
  });

  it("'verdict' policy: 2 s from the HUMAN decision", () => {
    const s = answeredCall({ agentWaitFrom: 'verdict' }, 10_000);
    expect(callStep(s, human(11_200)).effects).toContainEqual({ kind: 'timer-set', timer: 'agent-wait', ms: 2000 });
  });

  it('an agent found in time: the timer becomes a bridge guard; the limit passing without one drops', () => {
    const s = answeredCall({}, 10_000);
    const waiting = callStep(s, human(11_200)).state;
    const assigned = callStep(waiting, { type: 'agent-assigned', agent: { agentId: 'a1', bridgeId: 'agb' }, at: 11_900 });
    expect(assigned.effects).toContainEqual({ kind: 'timer-set', timer: 'agent-wait', ms: 2000 });
    expect(assigned.state.phase).toBe('agent-wait');
    const dropped = callStep(waiting, { type: 'timer', timer: 'agent-wait', at: 12_000 });
    expect(dropped.state.phase).toBe('dropping');
    expect(dropped.events).toContainEqual({ type: 'call.dropped', callId: ID, at: 12_000, reason: 'no-agent' });
  });

  it('a reserved agent (progressive): bridged at once, 2 s guard for the round trip', () => {
    const s = answeredCall({}, 10_000, { agentId: 'a1', bridgeId: 'agb' });
    const step = callStep(s, human(12_500));
    expect(step.effects).toContainEqual({ kind: 'timer-set', timer: 'agent-wait', ms: 2000 });
    expect(step.effects).toContainEqual({ kind: 'ari', command: { op: 'addChannel', bridgeId: 'agb', channelIds: [ID] } });
  });
});
