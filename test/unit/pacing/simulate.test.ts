import { describe, expect, it } from 'vitest';
import { predictivePacer } from '../../../engine/pacing/predictive.js';
import { progressivePacer } from '../../../engine/pacing/ratio.js';
import { EventQueue } from '../../../engine/pacing/simulate/event-queue.js';
import { leadFate } from '../../../engine/pacing/simulate/leads.js';
import { figures } from '../../../engine/pacing/simulate/metrics.js';
import { runComparison } from '../../../engine/pacing/simulate/runner.js';
import { loadScenario, parseScenario, type Scenario } from '../../../engine/pacing/simulate/scenario.js';
import { simulateShift } from '../../../engine/pacing/simulate/simulation.js';
import type { Pacer } from '../../../engine/pacing/types.js';

const standard = await loadScenario('standard');

describe('simulator', () => {
  it('loads and validates scenarios', () => {
    expect(standard.agents).toBe(20);
    expect(standard.outcomes).toEqual({ human: 0.25, machine: 0.35, busy: 0.05 });
    expect(() => parseScenario({ ...standard, outcomes: { human: 0.6, machine: 0.5, busy: 0 } })).toThrow();
    expect(() => parseScenario({ ...standard, agents: 0 })).toThrow();
  });

  it('orders events by time, then by insertion', () => {
    const q = new EventQueue<string>();
    for (const [t, p] of [[5, 'a'], [1, 'b'], [5, 'c'], [3, 'd'], [1, 'e']] as const) q.push(t, p);
    const out: string[] = [];
    for (let e = q.pop(); e; e = q.pop()) out.push(e.payload);
    expect(out).toEqual(['b', 'e', 'd', 'a', 'c']);
  });

  it('draws lead fates with the scenario’s shares', () => {
    const n = 20_000;
    const count = { human: 0, machine: 0, busy: 0, 'no-answer': 0 };
    let talk = 0;
    for (let i = 0; i < n; i++) {
      const f = leadFate(standard, 9, i);
      count[f.truth]++;
      talk += f.talkMs;
      expect(f.ringMs).toBeGreaterThanOrEqual(5_000);
      expect(f.ringMs).toBeLessThanOrEqual(25_000);
    }
    expect(count.human / n).toBeCloseTo(0.25, 1);
    expect(count.machine / n).toBeCloseTo(0.35, 1);
    expect(count.busy / n).toBeCloseTo(0.05, 1);
    expect(talk / n / 1000).toBeGreaterThan(175);
    expect(talk / n / 1000).toBeLessThan(185);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const run = (seed: number) =>
      simulateShift({ scenario: standard, agents: 10, seed, shiftHours: 1, dialer: { kind: 'pacer', pacer: predictivePacer() as Pacer<unknown> } });
    expect(run(4)).toEqual(run(4));
    expect(run(4)).not.toEqual(run(5));
  });

  it('progressive never drops a call, and the oracle bounds everyone', () => {
    const sc: Scenario = standard;
    const prog = figures(simulateShift({ scenario: sc, agents: 10, seed: 2, shiftHours: 1, dialer: { kind: 'pacer', pacer: progressivePacer() as Pacer<unknown> } }));
    const oracle = figures(simulateShift({ scenario: sc, agents: 10, seed: 2, shiftHours: 1, dialer: { kind: 'oracle' } }));
    expect(prog.drops).toBe(0);
    expect(oracle.drops).toBe(0);
    expect(oracle.talkMinPerAgentHour).toBeGreaterThan(prog.talkMinPerAgentHour);
    expect(oracle.talkMinPerAgentHour).toBeLessThanOrEqual((60 * 180) / 190 + 1.5); // sampling noise of 1 h
  });

  it('standard scenario (2 h, 2 seeds): predictive holds 3 % and beats progressive', () => {
    const report = runComparison(standard, { seeds: 2, shiftHours: 2, only: ['progressive', 'centralita predictive'] });
    const prog = report.results.find((r) => r.name === 'progressive');
    const pred = report.results.find((r) => r.name === 'centralita predictive');
    expect(prog && pred).toBeTruthy();
    expect(pred!.maxAbandonUs).toBeLessThanOrEqual(0.03);
    expect(pred!.pass.shift).toBe(true);
    expect(pred!.talkMinPerAgentHour).toBeGreaterThan(prog!.talkMinPerAgentHour + 3);
  });
});
