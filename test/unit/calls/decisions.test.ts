/**
 * The call's decisions that used to live in the shell (Engine.callMeta, Engine.publish, cancelRinging,
 * serveWaiting), now in the reducer and engine/calls' pure choices.
 */
import { describe, expect, it } from 'vitest';
import { createCall, leadDisposition, nextWaitingCall, pacerCancelChoice } from '../../../engine/calls/index.js';
import { defaultCallPolicy, type CallEffect, type CallPhase, type CallState } from '../../../engine/calls/types.js';
import { CALL, CallDriver, decision, ev } from './helpers.js';

const leadOutcomes = (effects: CallEffect[]) => effects.filter((e) => e.kind === 'lead-outcome');

describe('call reducer: placed-at, test call, cancelled by its pacer', () => {
  it('placedAt is the dial input’s time; null before', () => {
    const d = new CallDriver();
    expect(d.state.placedAt).toBeNull();
    d.at(500).dial();
    expect(d.state.placedAt).toBe(1500);
    d.at(2000).dial(); // a second dial is ignored, and so is its time
    expect(d.state.placedAt).toBe(1500);
  });

  it("a pacer's cancel while ringing: CallLog CANCELLED, the lead told NO_ANSWER", () => {
    const d = new CallDriver(undefined, null).dial().ari(ev.dial(CALL, 'RINGING')).at(16_000).feed({ type: 'cancel', by: 'pacer', at: 17_000 });
    expect(d.state.pacerCancelled).toBe(true);
    expect(d.lastCommands()).toEqual([{ op: 'hangup', channelId: CALL, reason: 'normal' }]);
    d.ari(ev.dial(CALL, 'NOANSWER')).ari(ev.destroyed(CALL, 16));
    expect(d.ended()).toMatchObject({ disposition: 'CANCELLED' });
    expect(leadOutcomes(d.effects)).toEqual([{ kind: 'lead-outcome', leadId: 'lead-1', disposition: 'NO_ANSWER', at: d.t }]);
  });

  it('any other cancel while ringing: the lead is told CANCELLED', () => {
    const d = new CallDriver(undefined, null).dial().ari(ev.dial(CALL, 'RINGING')).feed({ type: 'cancel', at: 1000 });
    expect(d.state.pacerCancelled).toBe(false);
    d.ari(ev.destroyed(CALL, 16));
    expect(leadOutcomes(d.effects)).toEqual([{ kind: 'lead-outcome', leadId: 'lead-1', disposition: 'CANCELLED', at: d.t }]);
  });

  it("a pacer's cancel of an answered call marks nothing (only ringing calls are a pacer's to cut)", () => {
    const d = new CallDriver(undefined, null).answer().feed({ type: 'cancel', by: 'pacer', at: 5000 });
    expect(d.state.pacerCancelled).toBe(false);
    d.ari(ev.destroyed(CALL, 16));
    expect(d.ended()?.disposition).toBe('CANCELLED');
    expect(leadOutcomes(d.effects).map((e) => e.disposition)).toEqual(['CANCELLED']);
  });

  it('a test call has no lead: no lead outcome, and a pacer never marks it', () => {
    const state = createCall({ callId: CALL, campaignId: 'camp', leadId: null, phone: '+1', endpoint: 'x', nodeId: 'n1', policy: defaultCallPolicy, test: true });
    const d = new CallDriver();
    d.state = state;
    d.dial().feed({ type: 'cancel', by: 'pacer', at: 20_000 }).ari(ev.destroyed(CALL, 16));
    expect(d.state.test).toBe(true);
    expect(d.state.pacerCancelled).toBe(false);
    expect(d.ended()?.disposition).toBe('CANCELLED');
    expect(leadOutcomes(d.effects)).toEqual([]);
  });

  it('the lead outcome is the disposition, once, at the end time (interrupted calls: when last known alive)', () => {
    const d = new CallDriver().inAmd().decide(decision('MACHINE')).ari(ev.destroyed(CALL, 16)).settle();
    expect(leadOutcomes(d.effects)).toEqual([{ kind: 'lead-outcome', leadId: 'lead-1', disposition: 'MACHINE', at: d.t }]);
    const lost = new CallDriver().dial().ari(ev.dial(CALL, 'RINGING')).feed({
      type: 'reconcile',
      channels: new Map(),
      bridges: new Map(),
      lost: { cause: 'asterisk_restart', at: 900 },
      at: 9000,
    });
    expect(lost.ended()).toMatchObject({ disposition: 'INTERRUPTED', at: 900 });
    expect(leadOutcomes(lost.effects)).toEqual([{ kind: 'lead-outcome', leadId: 'lead-1', disposition: 'INTERRUPTED', at: 900 }]);
  });

  it('leadDisposition: only a pacer-cancelled CANCELLED becomes NO_ANSWER', () => {
    expect(leadDisposition('CANCELLED', true)).toBe('NO_ANSWER');
    expect(leadDisposition('CANCELLED', false)).toBe('CANCELLED');
    expect(leadDisposition('BUSY', true)).toBe('BUSY');
  });

  it("the detector's trace goes out as an effect; the reducer's own timeout NOTSURE has none", () => {
    const trace = { frameEnergy: [3, 400, 380, 2], words: [{ startMs: 20, endMs: 60 }], notes: ['x'], decisionFrame: 3 };
    const d = new CallDriver().inAmd().decide(decision('HUMAN', { trace }));
    expect(d.last.effects.filter((e) => e.kind === 'amd-trace')).toEqual([{ kind: 'amd-trace', trace }]);
    const t = new CallDriver().inAmd().at(10_000).timer('amd');
    expect(t.state.amd?.cause).toBe('TIMEOUT');
    expect(t.effects.filter((e) => e.kind === 'amd-trace')).toEqual([]);
  });
});


function call(id: string, phase: CallPhase, patch: Partial<CallState> = {}): CallState {
  return { ...createCall({ callId: id, campaignId: 'c', leadId: id, phone: '+1', endpoint: 'x', nodeId: 'n', policy: defaultCallPolicy }), phase, ...patch };
}

describe("pacerCancelChoice: which ringing calls a pacer's cancel cuts", () => {
  const now = 100_000;
  const calls = [
    call('young', 'ringing', { placedAt: now - 5_000 }),
    call('old', 'ringing', { placedAt: now - 40_000 }),
    call('mid', 'dialing', { placedAt: now - 20_000 }),
    call('answered', 'amd', { placedAt: now - 60_000 }),
    call('test', 'ringing', { placedAt: now - 90_000, test: true }),
    call('cut', 'ringing', { placedAt: now - 80_000, pacerCancelled: true }),
    call('other', 'ringing', { placedAt: now - 70_000, campaignId: 'other' }),
    call('undialled', 'created'),
  ];

  it('longest ringing first, only those past the minimum ring, never test or already cut calls', () => {
    expect(pacerCancelChoice(calls, 'c', 5, 15_000, now)).toEqual(['old', 'mid']);
    expect(pacerCancelChoice(calls, 'c', 1, 15_000, now)).toEqual(['old']);
    expect(pacerCancelChoice(calls, 'c', 5, 0, now)).toEqual(['old', 'mid', 'young']);
    expect(pacerCancelChoice(calls, 'c', 0, 0, now)).toEqual([]);
    expect(pacerCancelChoice(calls, 'c', -2, 0, now)).toEqual([]);
  });
});

describe('nextWaitingCall: which waiting human an agent takes', () => {
  const calls = new Map<string, Pick<CallState, 'phase' | 'campaignId'>>([
    ['gone', { phase: 'ended', campaignId: 'a' }],
    ['w1', { phase: 'agent-wait', campaignId: 'a' }],
    ['w2', { phase: 'agent-wait', campaignId: 'b' }],
    ['served', { phase: 'bridged', campaignId: 'b' }],
  ]);

  it('longest waiting first, skipping calls no free agent serves; stale entries reported', () => {
    const agents: Record<string, string | null> = { a: null, b: 'agent-b' };
    const r = nextWaitingCall(['gone', 'w1', 'w2', 'served'], (id) => calls.get(id), (c) => agents[c] ?? null);
    expect(r).toEqual({ stale: ['gone'], next: { callId: 'w2', agent: 'agent-b' } });
  });

  it('nobody to serve: every stale entry reported, no next', () => {
    const r = nextWaitingCall(['gone', 'w1', 'served', 'missing'], (id) => calls.get(id), () => null);
    expect(r).toEqual({ stale: ['gone', 'served', 'missing'], next: null });
  });
});
