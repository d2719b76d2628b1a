/**
 * The brake (issue 5): a pacer may cancel ringing calls that have rung at least the minimum ring time, longest
 * ringing first. The simulator honours it (no contact, not a drop, never before the minimum); the predictive
 * pacer asks for it only when the forecast overflows.
 */
import { describe, expect, it } from 'vitest';
import { cancelCount, forecast, predictivePacer } from '../../../engine/pacing/predictive.js';
import { figures } from '../../../engine/pacing/simulate/metrics.js';
import { loadScenario, parseScenario } from '../../../engine/pacing/simulate/scenario.js';
import { simulateShift } from '../../../engine/pacing/simulate/simulation.js';
import type { Pacer, PacingEvent } from '../../../engine/pacing/types.js';
import { T0, obs, warmed } from './helpers.js';

const standard = await loadScenario('standard');

/** Places `perTick` calls every tick and always asks to cancel `cancel` calls; records what it sees. */
function probe(perTick: number, cancel: number) {
  const seen = { maxRingingAgeMs: 0, events: [] as PacingEvent[] };
  const pacer: Pacer<null> = {
    name: 'probe',
    initial: () => null,
    observe: (s, e) => {
      seen.events.push(e);
      return s;
    },
    decide: (s, o, now) => {
      for (const c of o.calls) if (c.phase === 'ringing') seen.maxRingingAgeMs = Math.max(seen.maxRingingAgeMs, now - c.placedAtMs);
      return { state: s, decision: cancel > 0 ? { place: perTick, mode: 'probe', cancel } : { place: perTick, mode: 'probe' } };
    },
  };
  return { pacer: pacer as Pacer<unknown>, seen };
}

describe('simulator: cancel', () => {
  // Nobody answers: every call rings to the 25 s timeout unless cancelled.
  const silent = parseScenario({ ...standard, outcomes: { human: 0, machine: 0, busy: 0 } });

  it('cancels at the minimum ring time, never before, and a cancelled call is no result and no drop', () => {
    const never = probe(1, 0);
    const t0 = simulateShift({ scenario: silent, agents: 5, seed: 1, dialer: { kind: 'pacer', pacer: never.pacer }, shiftHours: 0.1 });
    expect(t0.cancelled).toBe(0);
    expect(never.seen.maxRingingAgeMs).toBe(24_000); // resolved by the timeout at 25 s
    expect(never.seen.events.length).toBeGreaterThan(0);

    const brake = probe(1, 100);
    const t = simulateShift({ scenario: silent, agents: 5, seed: 1, dialer: { kind: 'pacer', pacer: brake.pacer }, shiftHours: 0.1 });
    // One call a second, each cut at exactly 15 s (the tick that sees it at 15 s): 15 still ringing at the end.
    expect(brake.seen.maxRingingAgeMs).toBe(15_000);
    expect(t.cancelled).toBe(t.dials - 15);
    expect(brake.seen.events).toEqual([]); // nothing reported: a cancel is not a dial result
    const f = figures(t);
    expect(f.drops).toBe(0);
    expect(f.cancelledPerHour).toBeCloseTo(t.cancelled / 0.1, 6);

    const later = probe(1, 100);
    simulateShift({ scenario: silent, agents: 5, seed: 1, dialer: { kind: 'pacer', pacer: later.pacer }, shiftHours: 0.1, minRingBeforeCancelMs: 20_000 });
    expect(later.seen.maxRingingAgeMs).toBe(20_000);
  });

  it('cancels at most the number asked, longest ringing first, and never an answered call', () => {
    // 10 calls at the first tick, then ask for 3 cancels every tick: the batch is old enough at 15 s.
    let tick = 0;
    const ringingAt: number[][] = [];
    const pacer: Pacer<null> = {
      name: 'batch',
      initial: () => null,
      observe: (s) => s,
      decide: (s, o, now) => {
        ringingAt.push(o.calls.filter((c) => c.phase === 'ringing').map((c) => now - c.placedAtMs));
        const place = tick === 0 ? 10 : tick === 5 ? 4 : 0;
        tick++;
        return { state: s, decision: { place, mode: 'batch', cancel: 3 } };
      },
    };
    const t = simulateShift({ scenario: silent, agents: 5, seed: 2, dialer: { kind: 'pacer', pacer: pacer as Pacer<unknown> }, shiftHours: 0.02 });
    // At 15 s: 3 of the 10 oldest cut, at 16 s 3 more, at 17 s 3 more, at 18 s the last one; the 4 younger
    // calls (placed at 5 s) are only cut from 20 s on.
    expect(ringingAt[15]?.filter((a) => a === 15_000).length).toBe(10);
    expect(ringingAt[16]?.filter((a) => a === 16_000).length).toBe(7);
    expect(ringingAt[18]?.filter((a) => a === 18_000).length).toBe(1);
    expect(ringingAt[19]).toEqual([14_000, 14_000, 14_000, 14_000]);
    expect(ringingAt[21]?.length).toBe(1);
    expect(t.cancelled).toBe(14);

    // With people answering, answered calls (in AMD, waiting or talking) are never cut.
    const people = parseScenario({ ...standard, outcomes: { human: 1, machine: 0, busy: 0 }, ring: { minS: 5, maxS: 10, timeoutS: 25 } });
    const p = probe(1, 100);
    const tp = simulateShift({ scenario: people, agents: 50, seed: 3, dialer: { kind: 'pacer', pacer: p.pacer }, shiftHours: 0.1 });
    expect(tp.cancelled).toBe(0);
    expect(figures(tp).liveAnswers).toBeGreaterThan(0);
  });

  it('standard scenario: the predictive brake cancels some calls and holds 3 %', () => {
    const pacer = predictivePacer() as Pacer<unknown>;
    const f = figures(simulateShift({ scenario: standard, agents: 20, seed: 7, dialer: { kind: 'pacer', pacer }, shiftHours: 2 }));
    expect(f.cancelledPerHour).toBeGreaterThan(0);
    expect(f.abandonUs).toBeLessThanOrEqual(0.03);
    const off = predictivePacer({ cancelOverflow: 0 }) as Pacer<unknown>;
    expect(figures(simulateShift({ scenario: standard, agents: 20, seed: 7, dialer: { kind: 'pacer', pacer: off }, shiftHours: 2 })).cancelledPerHour).toBe(0);
  });
});


describe('centralita predictive: when to cancel', () => {
  const busy = new Array<number>(10).fill(T0 - 30_000); // ten agents who just started talking: none free soon

  it('cancels nothing when the forecast does not overflow', () => {
    const pacer = predictivePacer();
    // Plenty of ready agents for the few old calls ringing.
    const r = pacer.decide(warmed(pacer, T0), obs({ ready: 10, ringingAt: new Array<number>(4).fill(T0 - 16_000) }), T0);
    expect(r.decision.cancel ?? 0).toBe(0);
  });

  it('cancels old ringing calls when more people are about to answer than agents will be free', () => {
    const pacer = predictivePacer();
    const o = obs({ ready: 1, talkSince: busy, ringingAt: [...new Array<number>(12).fill(T0 - 16_000), ...new Array<number>(3).fill(T0 - 5_000)] });
    const r = pacer.decide(warmed(pacer, T0), o, T0);
    expect(r.decision.cancel ?? 0).toBeGreaterThan(0);
    expect(r.decision.cancel ?? 0).toBeLessThanOrEqual(12); // only the 12 calls past the minimum ring time
    expect(r.decision.place).toBe(0);
    // The same overflow from calls that rang less than 15 s: nothing may be cut.
    const young = obs({ ready: 1, talkSince: busy, ringingAt: new Array<number>(15).fill(T0 - 10_000) });
    expect(pacer.decide(warmed(pacer, T0), young, T0).decision.cancel ?? 0).toBe(0);
    // Brake off: never.
    const off = predictivePacer({ cancelOverflow: 0 });
    expect(off.decide(warmed(off, T0), o, T0).decision.cancel ?? 0).toBe(0);
  });

  it('cancelCount: longest ringing first, and takes the cancelled calls out of the demand', () => {
    const pacer = predictivePacer();
    const s = warmed(pacer, T0);
    const o = obs({ ready: 1, talkSince: busy, ringingAt: new Array<number>(12).fill(T0 - 16_000) });
    const f = forecast(s, o, T0, 800, 0.2, false, true);
    const H = f.newNeed.length - 1;
    const before = f.demand.mean[H] as number;
    const n = cancelCount(s, f, o, T0, 15_000, 0.1);
    expect(n).toBeGreaterThan(0);
    expect(f.demand.mean[H] as number).toBeLessThan(before);
    // A threshold no call reaches: nothing.
    const g = forecast(s, o, T0, 800, 0.2, false, true);
    expect(cancelCount(s, g, o, T0, 15_000, 1)).toBe(0);
    // A minimum longer than the calls have rung: nothing.
    expect(cancelCount(s, forecast(s, o, T0, 800, 0.2, false, true), o, T0, 20_000, 0.1)).toBe(0);
  });
});
