import { describe, expect, it } from 'vitest';
import { forecast, marginalOverflow, predictivePacer, type PredictiveState } from '../../../engine/pacing/predictive.js';
import type { Pacer } from '../../../engine/pacing/types.js';
import { T0, obs, warmed } from './helpers.js';


describe('centralita predictive', () => {
  it('falls back to progressive with few agents', () => {
    const pacer = predictivePacer();
    const s = warmed(pacer, T0);
    const r = pacer.decide(s, obs({ ready: 2 }), T0);
    expect(r.decision).toEqual({ place: 2, mode: 'progressive (few agents)' });
  });

  it('falls back to progressive with little data', () => {
    const pacer = predictivePacer();
    const r = pacer.decide(pacer.initial(T0), obs({ ready: 5, talkSince: [T0 - 170_000] }), T0);
    expect(r.decision).toEqual({ place: 5, mode: 'progressive (little data)' });
  });

  it('dials ahead for agents about to finish, and not for agents who just started', () => {
    const pacer = predictivePacer();
    // ten agents a second from the end of wrap-up: progressive would wait for them, predictive dials now
    const ending = pacer.decide(warmed(pacer, T0), obs({ wrapSince: new Array<number>(10).fill(T0 - 9_000) }), T0);
    expect(ending.decision.mode).toMatch(/^predictive/);
    expect(ending.decision.place).toBeGreaterThan(0);
    const starting = pacer.decide(warmed(pacer, T0), obs({ talkSince: new Array<number>(10).fill(T0 - 1_000) }), T0);
    expect(starting.decision.place).toBe(0);
  });

  it('places fewer calls the more are already ringing', () => {
    const pacer = predictivePacer();
    const o = (ringing: number) => obs({ ready: 3, talkSince: new Array<number>(7).fill(T0 - 180_000), ringingAt: new Array<number>(ringing).fill(T0 - 3_000) });
    const few = pacer.decide(warmed(pacer, T0), o(0), T0).decision.place;
    const many = pacer.decide(warmed(pacer, T0), o(12), T0).decision.place;
    expect(few).toBeGreaterThan(many);
  });

  it('cuts dialing to progressive when the drop rate reaches the target', () => {
    const pacer = predictivePacer();
    let s = warmed(pacer, T0);
    const o = obs({ wrapSince: new Array<number>(10).fill(T0 - 9_000) });
    expect(pacer.decide(s, o, T0).decision.place).toBeGreaterThan(0);
    // the last hour: ~100 live answers from warming, plus 100 more of which 6 dropped (≈ 3 %), spread out so
    // that the one-minute guard stays quiet
    for (let i = 0; i < 100; i++) {
      const at = T0 - 3_500_000 + i * 34_000;
      s = pacer.observe(s, { type: 'human-outcome', atMs: at, answeredAtMs: at - 1_200, verdictAtMs: at, dropped: i % 16 === 15 });
    }
    const r = pacer.decide(s, o, T0);
    expect(r.decision.mode).toMatch(/^progressive/);
    expect(r.decision.place).toBe(0);
  });

  it('forecasts supply and demand from the observation', () => {
    const pacer = predictivePacer();
    const s = warmed(pacer, T0);
    const f = forecast(s, obs({ ready: 2, waiting: 1, wrapSince: [T0 - 5_000] }), T0);
    expect(f.supply.mean[0]).toBe(2);
    expect(f.supply.mean[5]).toBe(3); // the wrap-up ends 5 s from now
    expect(f.demand.mean[0]).toBe(1);
    expect(f.newNeed[3]).toBe(0); // nobody answers within 3 s
    expect(f.newNeed[f.newNeed.length - 1]).toBeCloseTo(s.humans / s.results, 6);
    // the more new calls, the likelier the last one finds nobody
    expect(marginalOverflow(f, 6)).toBeGreaterThan(marginalOverflow(f, 1));
  });
});

describe('talk-length estimate with running talks (Kaplan–Meier)', () => {
  /** Warmed dialing data, but only five talks have ended, all short (70–78 s): the start of a shift. */
  function earlyShift(pacer: Pacer<PredictiveState>): PredictiveState {
    const s = warmed(pacer, T0);
    s.talk.counts.fill(0);
    s.talk.total = 0;
    s.talk.cdf = null;
    for (const t of [70_000, 72_000, 74_000, 76_000, 78_000])
      pacer.observe(s, { type: 'talk-ended', atMs: T0 - 1_000, talkMs: t, live: true, answeredAtMs: 0, verdictAtMs: 1_200 });
    return s;
  }
  // fifteen agents have talked 100 s and go on; five have talked 60 s. No wrap-up, to read talk ends directly.
  const o = obs({ talkSince: [...new Array<number>(15).fill(T0 - 100_000), ...new Array<number>(5).fill(T0 - 60_000)], wrapUpMs: 0 });

  it('does not take the first, short talks to end as the talk length', () => {
    const pacer = predictivePacer();
    const s = earlyShift(pacer);
    const g = 20; // 80 s into the five 60 s talks
    const completedOnly = forecast(s, o, T0, 0, 0, false, false).supply.mean[g] as number;
    const censored = forecast(s, o, T0, 0, 0, false, true).supply.mean[g] as number;
    // completed talks alone: every talk ends by 78 s, so the five are surely free (the 100 s ones: no idea)
    expect(completedOnly).toBeCloseTo(5, 6);
    // with the 15 running past 100 s at risk, 5 of 20 talks ended between 70 and 80 s: 1/4 each
    expect(censored).toBeCloseTo(5 * 0.25, 6);
  });

  it('is the default, and dials fewer calls early in a shift than completed talks alone would', () => {
    const withKm = predictivePacer();
    const without = predictivePacer({ censoredTalks: false });
    // two ready agents, five 76 s into their talks (all past-due by the completed talks alone), fifteen at 100 s
    const early = obs({ ready: 2, talkSince: [...new Array<number>(15).fill(T0 - 100_000), ...new Array<number>(5).fill(T0 - 76_000)] });
    const km = withKm.decide(earlyShift(withKm), early, T0).decision.place;
    const naive = without.decide(earlyShift(without), early, T0).decision.place;
    expect(km).toBeGreaterThan(0);
    expect(km).toBeLessThan(naive);
  });

  it('runs predictive before any talk has ended, counting talking agents as not freeing', () => {
    const pacer = predictivePacer();
    const s = warmed(pacer, T0);
    s.talk.counts.fill(0);
    s.talk.total = 0;
    s.talk.cdf = null;
    const talking = obs({ talkSince: new Array<number>(10).fill(T0 - 170_000) });
    expect(pacer.decide(s, talking, T0).decision).toMatchObject({ place: 0, mode: expect.stringMatching(/^predictive/) as unknown });
    const f = forecast(s, talking, T0, 0, 0, false, true);
    expect(Math.max(...f.supply.mean)).toBe(0);
    const wrapping = obs({ wrapSince: new Array<number>(10).fill(T0 - 9_000) });
    expect(pacer.decide(s, wrapping, T0).decision.place).toBeGreaterThan(0);
  });
});
