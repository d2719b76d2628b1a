/**
 * The what-if simulator hands a pacer the `Pacer` contract's views and nothing more: not its own call objects
 * (which carry each lead's fate — the truth a real dialer never knows) nor its agents (free times, reservations).
 */
import { describe, expect, it } from 'vitest';
import { predictivePacer } from '../../../engine/pacing/predictive.js';
import { powerPacer } from '../../../engine/pacing/ratio.js';
import { loadScenario } from '../../../engine/pacing/simulate/scenario.js';
import { simulateShift } from '../../../engine/pacing/simulate/simulation.js';
import { PACING_VIEW_KEYS, type Pacer, type PacingObservation } from '../../../engine/pacing/types.js';
import { agentViews, callViews, observation } from '../../../engine/shell/pacing-views.js';
import { createAgent } from '../../../engine/agents/index.js';
import { createCall, defaultCallPolicy } from '../../../engine/calls/index.js';

const standard = await loadScenario('standard');
const sorted = (keys: readonly string[]) => [...keys].sort();

/** Wraps a pacer: every observation it is given goes to `see` once the pacer has decided from it. */
function watching<S>(inner: Pacer<S>, see: (obs: PacingObservation) => void): Pacer<S> {
  return {
    name: inner.name,
    initial: (now) => inner.initial(now),
    observe: (s, e) => inner.observe(s, e),
    decide: (s, obs, now) => {
      const r = inner.decide(s, obs, now);
      see(obs);
      return r;
    },
  };
}

function expectContractKeys(obs: PacingObservation): void {
  expect(sorted(Object.keys(obs))).toEqual(sorted(PACING_VIEW_KEYS.observation));
  for (const a of obs.agents) expect(sorted(Object.keys(a))).toEqual(sorted(PACING_VIEW_KEYS.agent));
  for (const c of obs.calls) {
    // answeredAtMs is the one optional key: present exactly when the call was answered.
    const expected = c.phase === 'ringing' ? PACING_VIEW_KEYS.call.filter((k) => k !== 'answeredAtMs') : PACING_VIEW_KEYS.call;
    expect(sorted(Object.keys(c))).toEqual(sorted(expected));
  }
}

describe('simulator → pacer: projected views only', () => {
  it("every observation's keys are exactly the Pacer contract's (observation, agents, calls)", () => {
    const seen: PacingObservation[] = [];
    // Power 3:1 over-dials, so humans wait for an agent too; predictive cancels ringing calls.
    for (const pacer of [powerPacer(3), predictivePacer()] as Pacer<unknown>[]) {
      simulateShift({ scenario: standard, agents: 8, seed: 3, shiftHours: 0.25, dialer: { kind: 'pacer', pacer: watching(pacer, (o) => seen.push(o)) } });
    }
    expect(seen.length).toBeGreaterThan(1800); // one a second for 15 min, twice
    const phases = new Set(seen.flatMap((o) => o.calls.map((c) => c.phase)));
    expect([...phases].sort()).toEqual(['amd', 'ringing', 'waiting']); // every kind of call view was checked
    for (const o of seen) expectContractKeys(o);
  });

  it('a pacer that scribbles on what it is given changes nothing in the simulation', () => {
    const run = (pacer: Pacer<unknown>) =>
      simulateShift({ scenario: standard, agents: 8, seed: 5, shiftHours: 0.25, dialer: { kind: 'pacer', pacer } });
    const clean = run(predictivePacer() as Pacer<unknown>);
    const vandal = run(
      watching(predictivePacer() as Pacer<unknown>, (o) => {
        for (const c of o.calls) Object.assign(c, { phase: 'waiting', placedAtMs: 0, done: true, fate: null });
        for (const a of o.agents) Object.assign(a, { phase: 'paused', sinceMs: 0, reserved: true, freeAtMs: 0 });
      }),
    );
    expect(vandal).toEqual(clean);
    expect(clean.dials).toBeGreaterThan(0);
  });

  it("the engine's observation has the same keys (pacing-views.ts)", () => {
    const call = (id: string, phase: 'ringing' | 'agent-wait') => ({
      ...createCall({ callId: id, campaignId: 'c', leadId: id, phone: '+1', endpoint: 'x', nodeId: 'n', policy: defaultCallPolicy }),
      phase,
      placedAt: 1,
      answeredAt: phase === 'ringing' ? null : 2,
    });
    const agent = { ...createAgent({ id: 'a', kind: 'human', endpoint: 'PJSIP/a', maxConcurrent: 1, wrapUpMs: 0 }, 'p-'), status: 'READY' as const, legUp: true };
    const obs = observation(agentViews([agent], () => 0, 'c'), callViews([call('r', 'ringing'), call('w', 'agent-wait')], 'c'), 0);
    expect(obs.calls).toHaveLength(2);
    expect(obs.agents).toHaveLength(1);
    expectContractKeys(obs);
  });
});
