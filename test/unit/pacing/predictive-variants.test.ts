/**
 * The opt-in variants of centralita predictive: the exact (Poisson-binomial) shortfall distribution for small
 * teams and the marginal-cost rule that prices a drop in agent-seconds.
 */
import { describe, expect, it } from 'vitest';
import {
  defaultPredictiveConfig,
  forecast,
  marginalOverflow,
  marginalValue,
  poissonBinomial,
  predictivePacer,
  shortfall,
  type PredictiveAnalysis,
} from '../../../engine/pacing/predictive.js';
import { mulberry32 } from '../../../engine/pacing/simulate/rng.js';
import { T0, obs, warmed } from './helpers.js';


/** P(Σ Bernoulli(ps[i]) = j) by enumerating all 2^n outcomes. */
function bruteSum(ps: number[]): number[] {
  const pmf = new Array<number>(ps.length + 1).fill(0);
  for (let mask = 0; mask < 1 << ps.length; mask++) {
    let p = 1;
    let n = 0;
    for (let i = 0; i < ps.length; i++) {
      const on = (mask >> i) & 1;
      p *= on ? (ps[i] as number) : 1 - (ps[i] as number);
      n += on;
    }
    pmf[n] = (pmf[n] as number) + p;
  }
  return pmf;
}

describe('Poisson-binomial distribution', () => {
  it('matches brute-force enumeration, with and without repeated probabilities', () => {
    const rnd = mulberry32(11);
    for (let trial = 0; trial < 30; trial++) {
      const n = 1 + Math.floor(rnd() * 5);
      const ps = Array.from({ length: n }, () => (rnd() < 0.2 ? (rnd() < 0.5 ? 0 : 1) : rnd()));
      const counts = Array.from({ length: n }, () => 1 + Math.floor(rnd() * 3));
      const expanded = ps.flatMap((p, i) => new Array<number>(counts[i] as number).fill(p));
      const exact = Array.from(poissonBinomial(ps, counts));
      const brute = bruteSum(expanded);
      expect(exact).toHaveLength(brute.length);
      exact.forEach((v, j) => expect(v).toBeCloseTo(brute[j] as number, 12));
      Array.from(poissonBinomial(expanded)).forEach((v, j) => expect(v).toBeCloseTo(brute[j] as number, 12));
    }
  });

  it('P(S ≤ D) matches enumeration of both sums', () => {
    const sp = [1, 0.3, 0.8, 0.05];
    const dp = [0.4, 0.4, 0.9];
    const S = bruteSum(sp);
    const D = bruteSum(dp);
    let want = 0;
    S.forEach((ps, s) => D.forEach((pd, d) => (want += s <= d ? ps * pd : 0)));
    expect(shortfall(poissonBinomial(sp), poissonBinomial(dp))).toBeCloseTo(want, 12);
  });
});

describe('exact marginal overflow (small teams)', () => {
  const pacer = predictivePacer();
  const s = warmed(pacer, T0);
  const o = obs({
    ready: 0,
    wrapSince: [T0 - 4_000],
    talkSince: [T0 - 200_000, T0 - 120_000],
    ringingAt: [T0 - 2_000, T0 - 9_000, T0 - 16_000],
    amd: 1,
  });

  /** Σ_g density(g)/total · P(S(g) − D(g) − Bin(k − 1, cum(g)) < 1), every Bernoulli enumerated. */
  function brute(f: PredictiveAnalysis, k: number): number {
    const H = f.newNeed.length - 1;
    const total = f.newNeed[H] as number;
    let p = 0;
    let prev = 0;
    for (let g = 0; g <= H; g++) {
      const cum = f.newNeed[g] as number;
      const density = cum - prev;
      prev = cum;
      if (density <= 0) continue;
      const supply = (f.supplyRows ?? []).map((r) => r[g] as number);
      const demand = (f.demandRows ?? []).flatMap((r, i) => new Array<number>(f.demandCounts?.[i] ?? 1).fill(r[g] as number));
      for (let j = 1; j < k; j++) demand.push(cum);
      const S = bruteSum(supply);
      const D = bruteSum(demand);
      let short = 0;
      S.forEach((ps, si) => D.forEach((pd, di) => (short += si - di < 1 ? ps * pd : 0)));
      p += (density / total) * short;
    }
    return p;
  }

  it('equals brute-force enumeration of which agents free up and which calls need one, and when', () => {
    const f = forecast(s, o, T0, 800, 0, true);
    expect(f.supplyRows).toHaveLength(3);
    expect(f.demandRows).toHaveLength(4);
    for (const k of [1, 2, 3]) expect(marginalOverflow(f, k)).toBeCloseTo(brute(f, k), 10);
    expect(marginalOverflow(f, 3)).toBeGreaterThan(marginalOverflow(f, 1));
  });

  it('the normal forecast keeps no rows and agrees with the exact one on the moments', () => {
    const normal = forecast(s, o, T0, 800, 0, false);
    const exact = forecast(s, o, T0, 800, 0, true);
    expect(normal.supplyRows).toBeUndefined();
    expect(Array.from(normal.supply.mean)).toEqual(Array.from(exact.supply.mean));
    expect(Array.from(normal.demand.variance)).toEqual(Array.from(exact.demand.variance));
  });
});

describe('marginal-cost rule', () => {
  it('is off by default (the fixed overflow threshold stays the default policy)', () => {
    expect(defaultPredictiveConfig.dropPriceS).toBe(0);
    expect(defaultPredictiveConfig.exactMaxAgents).toBe(0);
    expect(defaultPredictiveConfig.headroomExponent).toBe(1);
  });

  it("values a call by the idle seconds it fills: less for each further call, and its overflow is marginalOverflow's", () => {
    const pacer = predictivePacer();
    const f = forecast(warmed(pacer, T0), obs({ ready: 2, talkSince: [T0 - 170_000, T0 - 60_000] }), T0, 800, 0.2);
    let last = Infinity;
    for (let k = 1; k <= 6; k++) {
      const v = marginalValue(f, k);
      expect(v.overflow).toBeCloseTo(marginalOverflow(f, k), 12);
      expect(v.idleS).toBeGreaterThanOrEqual(0);
      expect(v.idleS).toBeLessThanOrEqual(last);
      last = v.idleS;
    }
  });

  it('a dearer drop places fewer calls', () => {
    const o = obs({ wrapSince: [T0 - 9_000, T0 - 5_000], talkSince: new Array<number>(8).fill(T0 - 150_000), ringingAt: [T0 - 3_000, T0 - 3_000] });
    const placed = (price: number) => {
      const pacer = predictivePacer({ dropPriceS: price });
      return pacer.decide(warmed(pacer, T0), o, T0).decision;
    };
    const cheap = placed(400);
    const dear = placed(50_000);
    expect(cheap.mode).toMatch(/^predictive price=/);
    expect(cheap.place).toBeGreaterThan(dear.place);
    expect(cheap.place).toBeLessThan(5); // below the cap of 5 (0.5 per agent): the price decided
    expect(dear.place).toBe(0);
  });

  it("never dials beyond progressive when the hour's drop budget is spent", () => {
    const pacer = predictivePacer({ dropPriceS: 1 });
    let s = warmed(pacer, T0);
    const o = obs({ wrapSince: new Array<number>(10).fill(T0 - 9_000) });
    expect(pacer.decide(s, o, T0).decision.place).toBeGreaterThan(0);
    for (let i = 0; i < 100; i++) {
      const at = T0 - 3_500_000 + i * 34_000;
      s = pacer.observe(s, { type: 'human-outcome', atMs: at, answeredAtMs: at - 1_200, verdictAtMs: at, dropped: i % 16 === 15 });
    }
    const r = pacer.decide(s, o, T0);
    expect(r.decision.mode).toMatch(/^progressive/);
    expect(r.decision.place).toBe(0);
  });
});
