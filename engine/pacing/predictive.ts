/**
 * Centralita's predictive pacing.
 *
 * Each tick it builds, on a 1 s grid g = 0…H seconds ahead:
 * - supply S(g): agents free by now+g — ready agents (1), agents in wrap (free at a known time) and agents in
 *   talk, P(talk ≤ e + g − wrap | talk > e) from the online talk-time distribution (e = elapsed talk). That
 *   distribution is a Kaplan–Meier estimate: the talks still running count as right-censored observations,
 *   so the first talks to end (the short ones) do not make the first minutes of a shift over-confident, and
 *   with no talk ended yet a talking agent simply counts as not freeing (no wait for ended talks);
 * - demand D(g): calls that will need an agent by now+g — waiting calls (1), calls in AMD (P(human|answered))
 *   and ringing calls of age a, P(human and ready by a+g | unresolved at a) from the online distributions of
 *   "placement → handed to an agent" and "placement → outcome known".
 * Both are sums of independent Bernoullis: mean and variance (plus a common-mode term for the estimates' own
 * error). A new call k is placed only if the chance that it finds no free agent when it needs one,
 * Σ_g P(need at g) · P(S(g) − D(g) − (k−1 new calls) < 1) (normal approximation), stays under the allowed
 * overflow probability p* = base · governor gain · headroom. These chances rank calls well but
 * under-predict the drops observed in the simulator by about 1.5–2× (a call placed a second later may be
 * answered sooner and take the agent this one counted on), most when few agents are ready; the governor
 * works on the realised drops, so only the scale of p* is affected. The governor's headroom eases p* off in
 * proportion to the last hour's budget of drops left, goes "careful" when less than one drop is left and
 * turns predictive off (progressive) at the hour's, the day's or the 30 days' limit.
 *
 * The brake (`cancelOverflow`, on by default): a ringing call that has rung the legal minimum (15 s) is
 * cancelled, longest ringing first, when the chance that it finds no free agent if a person answers exceeds
 * `cancelOverflow` × p* (the reverse of placing; the decision's `cancel`). Since part of a new call's answers
 * come after the minimum ring and can still be cut, placing takes more risk with the brake on: p* is divided by
 * 1 − `brakeEfficiency` · φ, φ the share of humans handed over after the minimum ring (0 when all answer sooner,
 * so nothing changes for such lists). A cancelled call is no contact and no drop; the engine retries its lead
 * like a no-answer and reports nothing to pacing, so the learned distributions lose some late answers (they
 * read a little early and φ a little low). Issue 5, standard scenario, seeds 1–5: talk
 * 42.99 → 44.08 (N = 5), 49.62 → 50.73 (N = 20), 52.49 → 53.04 (N = 50) min/agent-hour with US abandon down
 * from 1.1–1.9 % to 1.0–1.25 %, at the cost of 33/280/740 cancelled calls an hour; held-out seeds 100–104 alike.
 *
 * Falls back to progressive when there are too few agents or too little data to trust the estimates.
 *
 * Opt-in variants (off by default; tried to raise throughput at N = 5 and 20 and found within seed noise of
 * the default under the governor, see `PredictiveConfig`): the exact Poisson-binomial distribution of
 * S(g) − D(g) for small teams (`exactMaxAgents`), a marginal-cost rule that prices a drop in agent-seconds
 * against the idle time a call is expected to fill (`dropPriceS`), and a concave use of the governor's
 * headroom (`headroomExponent`). Also tried and dropped (no gain on the frontier of talk time against
 * drops): counting the calls the pacer itself will place over the next seconds as demand, adding the
 * contact rate's sampling error to `estimateCv`, crediting drops about to leave the rolling hour, and a
 * smaller reserve in the ease-off. The frontier itself is set by what cannot be known in advance (which
 * dials are people and when they answer, when talks end); see the pacing report in issue 5.
 */
import {
  defaultGovernorConfig,
  governorCheck,
  governorControl,
  governorDisposition,
  governorInitial,
  governorRecord,
  governorShared,
  type GovernorConfig,
  type GovernorState,
} from './abandon-governor.js';
import { histAdd, histCdf, histogram, histScale, kaplanMeier, normalCdf, survivalCdf, type Histogram } from './estimators.js';
import { ratioDecision } from './ratio.js';
import { DEFAULT_MIN_RING_BEFORE_CANCEL_MS, type Pacer, type PacingObservation } from './types.js';

export interface PredictiveConfig {
  governor: GovernorConfig;
  /** Base allowed overflow probability of a marginal call, before the governor's gain. */
  baseOverflow: number;
  /** Below this many logged-in agents, progressive (the variance of a tiny team cannot be hedged). */
  minAgents: number;
  /**
   * Dial results and talk segments needed before the estimates are trusted. With `censoredTalks` no ended
   * talk is needed (until one ends, talking agents count as not freeing).
   */
  minResults: number;
  minTalks: number;
  /** Forget half of the history each time this many dial results accumulate. */
  halfLifeResults: number;
  /** At most this many new calls per tick per logged-in agent (a safety cap for bad estimates). */
  maxPerAgentPerTick: number;
  /** Governor feedback on (off only to map the throughput/abandon frontier in experiments). */
  feedback: boolean;
  /**
   * How long an answered human may wait after AMD hands it over before it counts as a drop: the 2 s rule
   * minus AMD's decision time for humans. Supply is looked up that much later than demand.
   */
  connectSlackMs: number;
  /** Relative error of the demand estimate as a whole (common-mode variance). */
  estimateCv: number;
  /**
   * Teams up to this size use the exact distribution of S(g) − D(g) (a Poisson-binomial: a convolution of
   * the agents' and calls' own Bernoullis) instead of the normal approximation, whose tails are poor when
   * a handful of agents and calls decide the outcome. 0 = always normal. Used by the threshold rule (not by
   * `dropPriceS`); O(n²) per grid step, about 5–10× slower per tick than the normal approximation at N = 5.
   */
  exactMaxAgents: number;
  /**
   * How the governor's headroom h (0…1, the share of the hour's drop budget still free, eased) prices a drop:
   * allowed overflow ∝ h^exponent. 1 = linear. Careful mode (h ≤ the governor's carefulHeadroom) is kept as is.
   */
  headroomExponent: number;
  /**
   * Marginal-cost rule (0 = off: the fixed overflow threshold). The price of a drop in agent-seconds at full
   * headroom and gain 1: call k is placed when overflow_k · price ≤ the idle agent-seconds it is expected to
   * fill (given it is a live answer). The price rises as the governor's budget runs out (÷ gain · headroom).
   */
  dropPriceS: number;
  /**
   * Estimate the talk-length distribution with the talks still running as right-censored observations
   * (Kaplan–Meier) instead of from completed talks only, which are biased short while few have ended.
   */
  censoredTalks: boolean;
  /**
   * The brake: a ringing call that has rung at least `minRingBeforeCancelMs` is cancelled (longest ringing
   * first) when the chance that it finds no free agent if it turns out a live answer — the forecast of the
   * humans arriving before it against the agents expected free, as for a new call — exceeds
   * `cancelOverflow` × the allowed overflow p*. 0 = never cancel.
   */
  cancelOverflow: number;
  /** Legal minimum ring time before a call may be cancelled. */
  minRingBeforeCancelMs: number;
  /**
   * With the brake on, placing may take more risk: the share φ of a new call's chance of needing an agent that
   * comes after the minimum ring time can still be cut, so the allowed overflow is divided by
   * 1 − brakeEfficiency · φ (at most ×4). φ = 0 (every answer before the minimum ring) leaves p* as it is.
   */
  brakeEfficiency: number;
}

export const defaultPredictiveConfig: PredictiveConfig = {
  governor: defaultGovernorConfig,
  baseOverflow: 0.03,
  minAgents: 3,
  minResults: 40,
  minTalks: 0,
  halfLifeResults: 4000,
  maxPerAgentPerTick: 0.5,
  feedback: true,
  connectSlackMs: 800,
  estimateCv: 0.2,
  exactMaxAgents: 0,
  headroomExponent: 1,
  dropPriceS: 0,
  censoredTalks: true,
  cancelOverflow: 2,
  minRingBeforeCancelMs: DEFAULT_MIN_RING_BEFORE_CANCEL_MS,
  brakeEfficiency: 0.9,
};

export interface PredictiveState {
  /** Resolved dial attempts (weights, halved with forgetting). */
  results: number;
  answered: number;
  humans: number;
  /** Placement → handed to the agent queue, humans only. */
  toAgent: Histogram;
  /** Placement → outcome known, every attempt. */
  resolved: Histogram;
  /** Talk segment lengths. */
  talk: Histogram;
  governor: GovernorState;
}

const GRID_S = 1;
const MAX_RING_MS = 120_000;

export function predictiveInitial(now: number): PredictiveState {
  return {
    results: 0,
    answered: 0,
    humans: 0,
    toAgent: histogram(500, MAX_RING_MS),
    resolved: histogram(500, MAX_RING_MS),
    talk: histogram(5_000, 3_600_000),
    governor: governorInitial(now),
  };
}

interface Moments {
  mean: Float64Array;
  variance: Float64Array;
}

function moments(n: number): Moments {
  return { mean: new Float64Array(n), variance: new Float64Array(n) };
}

/** Adds `count` independent Bernoulli(p) variables at grid step g. */
function addBernoulli(m: Moments, g: number, p: number, count = 1): void {
  const q = p < 0 ? 0 : p > 1 ? 1 : p;
  m.mean[g] = (m.mean[g] as number) + count * q;
  m.variance[g] = (m.variance[g] as number) + count * q * (1 - q);
}

/** Horizon: the longest "placement → needs agent" time seen, in grid steps. */
function horizonSteps(s: PredictiveState): number {
  const counts = s.toAgent.counts;
  let last = 0;
  for (let i = 0; i < counts.length; i++) if ((counts[i] ?? 0) > 0) last = i;
  return Math.ceil(((last + 1) * s.toAgent.binMs) / 1000 / GRID_S) + 1;
}

export interface PredictiveAnalysis {
  supply: Moments;
  demand: Moments;
  /** P(a new call needs an agent by grid step g), unconditional. */
  newNeed: number[];
  /** Relative error assumed for the demand estimate as a whole. */
  estimateCv: number;
  /**
   * With `exact`: the Bernoulli rows themselves. `supplyRows[i][g]` = P(agent i free by g) and
   * `demandRows[j][g]` = P(call group j needs an agent by g), `demandCounts[j]` calls sharing that row.
   */
  supplyRows?: Float64Array[];
  demandRows?: Float64Array[];
  demandCounts?: number[];
}

/** The supply/demand forecast of one tick. Exported for tests and the live board. */
export function forecast(
  s: PredictiveState,
  obs: PacingObservation,
  now: number,
  slackMs = 0,
  estimateCv = 0,
  exact = false,
  censoredTalks = false,
): PredictiveAnalysis {
  const H = horizonSteps(s);
  const supply = moments(H + 1);
  const demand = moments(H + 1);
  const supplyRows: Float64Array[] = [];
  const demandRows: Float64Array[] = [];
  const demandCounts: number[] = [];
  // Without `exact` the rows are not kept: one scratch row takes the writes (no allocation per source).
  const scratch = new Float64Array(H + 1);
  const row = (rows: Float64Array[]): Float64Array => {
    if (!exact) return scratch;
    const r = new Float64Array(H + 1);
    rows.push(r);
    return r;
  };
  const clamp = (p: number): number => (p < 0 ? 0 : p > 1 ? 1 : p);
  const pHuman = s.results > 0 ? s.humans / s.results : 0;
  const pHumanGivenAnswer = s.answered > 0 ? s.humans / s.answered : 0;
  const need = (ms: number): number => pHuman * histCdf(s.toAgent, ms);
  const newNeed: number[] = [];
  for (let g = 0; g <= H; g++) newNeed.push(need(g * GRID_S * 1000));

  // The talk-length distribution: completed talks, plus (censoredTalks) the talks still running as
  // right-censored observations (Kaplan–Meier).
  let talkCdf = (x: number): number => histCdf(s.talk, x);
  if (censoredTalks) {
    const running: number[] = [];
    for (const a of obs.agents) if (a.phase === 'talk') running.push(now - a.sinceMs);
    const surv = kaplanMeier(s.talk, running);
    const bin = s.talk.binMs;
    talkCdf = (x: number): number => survivalCdf(surv, bin, x);
  }

  let ready = 0;
  for (const a of obs.agents) {
    if (a.phase === 'ready') ready++;
    else if (a.phase === 'wrap') {
      const freeAt = a.sinceMs + obs.wrapUpMs;
      const r = row(supplyRows);
      for (let g = 0; g <= H; g++)
        if (now + g * GRID_S * 1000 + slackMs >= freeAt) {
          addBernoulli(supply, g, 1);
          r[g] = 1;
        }
    } else if (a.phase === 'talk') {
      const e = now - a.sinceMs;
      const survE = 1 - talkCdf(e);
      if (survE <= 1e-9) continue; // longer than any call seen: assume nothing (the safe side)
      const cE = 1 - survE;
      const r = row(supplyRows);
      for (let g = 0; g <= H; g++) {
        const x = e + g * GRID_S * 1000 + slackMs - obs.wrapUpMs;
        if (x <= e) continue;
        const p = clamp((talkCdf(x) - cE) / survE);
        addBernoulli(supply, g, p);
        r[g] = p;
      }
    }
  }

  for (let g = 0; g <= H; g++) addBernoulli(supply, g, 1, ready);
  if (exact) for (let i = 0; i < ready; i++) row(supplyRows).fill(1);

  // Ringing calls are grouped by age (to 250 ms): calls of one age share their chance, and a sum of c equal
  // Bernoullis has mean c·p and variance c·p(1−p). Keeps a 50-agent tick cheap.
  const ages = new Map<number, number>();
  let waiting = 0;
  let inAmd = 0;
  for (const c of obs.calls) {
    if (c.phase === 'waiting') waiting++;
    else if (c.phase === 'amd') inAmd++;
    else {
      const key = Math.round((now - c.placedAtMs) / 250);
      ages.set(key, (ages.get(key) ?? 0) + 1);
    }
  }
  for (let g = 0; g <= H; g++) {
    addBernoulli(demand, g, 1, waiting);
    if (g >= 1) addBernoulli(demand, g, pHumanGivenAnswer, inAmd);
  }
  if (exact && waiting > 0) {
    row(demandRows).fill(1);
    demandCounts.push(waiting);
  }
  if (exact && inAmd > 0) {
    const r = row(demandRows).fill(clamp(pHumanGivenAnswer));
    r[0] = 0;
    demandCounts.push(inAmd);
  }
  for (const [key, count] of ages) {
    const age = key * 250;
    const unresolved = 1 - histCdf(s.resolved, age);
    if (unresolved <= 1e-9) continue;
    const base = need(age);
    const r = row(demandRows);
    if (exact) demandCounts.push(count);
    for (let g = 0; g <= H; g++) {
      const p = clamp((need(age + g * GRID_S * 1000) - base) / unresolved);
      addBernoulli(demand, g, p, count);
      r[g] = p;
    }
  }
  const f: PredictiveAnalysis = { supply, demand, newNeed, estimateCv };
  if (exact) Object.assign(f, { supplyRows, demandRows, demandCounts });
  return f;
}

/**
 * P(the k-th new call placed now (k ≥ 1) finds no free agent when it needs one): Σ over its need time g of
 * P(need at g) · P(S(g) − D(g) − (k − 1)·newNeed(g) < 1), normal approximation with continuity correction.
 * (Also charging the call for shortfalls after its own need time — it may take the agent a later call
 * needed — was tried: it is calibrated too, but gives a slightly worse throughput/abandon frontier.)
 */
export function marginalOverflow(f: PredictiveAnalysis, k: number): number {
  const H = f.newNeed.length - 1;
  const total = f.newNeed[H] as number;
  if (total <= 0) return 0;
  if (f.supplyRows && f.demandRows && f.demandCounts) return exactMarginalOverflow(f, k);
  let p = 0;
  let prev = 0;
  for (let g = 0; g <= H; g++) {
    const cum = f.newNeed[g] as number;
    const density = cum - prev;
    prev = cum;
    if (density <= 0) continue;
    const demand = (f.demand.mean[g] as number) + (k - 1) * cum;
    const mean = (f.supply.mean[g] as number) - demand;
    // Bernoulli variances, plus a common-mode term for the estimates' own error (a contact rate off by
    // 10 % shifts every call's chance together), which independent sums cannot see.
    const common = f.estimateCv * demand;
    const variance =
      (f.supply.variance[g] as number) + (f.demand.variance[g] as number) + (k - 1) * cum * (1 - cum) + common * common + 0.05;
    p += (density / total) * normalCdf((0.5 - mean) / Math.sqrt(variance));
  }
  return p;
}

/**
 * The distribution of a sum of independent Bernoullis (a Poisson-binomial): pmf[j] = P(Σ = j). `counts[i]`
 * (default 1) Bernoullis share probability `ps[i]`. Exact, O(n²).
 */
export function poissonBinomial(ps: ArrayLike<number>, counts?: ArrayLike<number>): Float64Array {
  let n = 0;
  for (let i = 0; i < ps.length; i++) n += counts ? (counts[i] as number) : 1;
  const pmf = new Float64Array(n + 1);
  pmf[0] = 1;
  let size = 0;
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i] as number;
    const c = counts ? (counts[i] as number) : 1;
    for (let r = 0; r < c; r++) {
      if (p <= 0) continue; // a zero adds nothing (the pmf keeps its length for the count)
      size++;
      const q = 1 - p;
      for (let j = size; j >= 1; j--) pmf[j] = (pmf[j] as number) * q + (pmf[j - 1] as number) * p;
      pmf[0] = (pmf[0] as number) * q;
    }
  }
  return pmf;
}

/** P(S − D < 1) = P(S ≤ D) for independent S, D given by their pmfs. */
export function shortfall(supplyPmf: ArrayLike<number>, demandPmf: ArrayLike<number>): number {
  let p = 0;
  let sCdf = 0;
  for (let t = 0; t < demandPmf.length; t++) {
    if (t < supplyPmf.length) sCdf += supplyPmf[t] as number;
    p += (demandPmf[t] as number) * Math.min(1, sCdf);
  }
  return p;
}

interface ExactCache {
  supply: Float64Array[];
  demand: Float64Array[];
}
const exactCaches = new WeakMap<PredictiveAnalysis, ExactCache>();

/** `marginalOverflow` on the exact distributions (small teams). */
function exactMarginalOverflow(f: PredictiveAnalysis, k: number): number {
  const H = f.newNeed.length - 1;
  const total = f.newNeed[H] as number;
  let cache = exactCaches.get(f);
  if (!cache) {
    cache = { supply: [], demand: [] };
    const sRows = f.supplyRows as Float64Array[];
    const dRows = f.demandRows as Float64Array[];
    const counts = f.demandCounts as number[];
    const sp = new Float64Array(sRows.length);
    const dp = new Float64Array(dRows.length);
    for (let g = 0; g <= H; g++) {
      for (let i = 0; i < sRows.length; i++) sp[i] = (sRows[i] as Float64Array)[g] as number;
      for (let i = 0; i < dRows.length; i++) dp[i] = (dRows[i] as Float64Array)[g] as number;
      cache.supply.push(poissonBinomial(sp));
      cache.demand.push(poissonBinomial(dp, counts));
    }
    exactCaches.set(f, cache);
  }
  let p = 0;
  let prev = 0;
  for (let g = 0; g <= H; g++) {
    const cum = f.newNeed[g] as number;
    const density = cum - prev;
    prev = cum;
    if (density <= 0) continue;
    let demand = cache.demand[g] as Float64Array;
    if (k > 1) {
      // Plus the k − 1 new calls placed before this one, each needing an agent by g with chance cum.
      const more = new Float64Array(k).fill(cum);
      demand = convolve(demand, poissonBinomial(more.subarray(0, k - 1)));
    }
    p += (density / total) * shortfall(cache.supply[g] as Float64Array, demand);
  }
  return p;
}

function convolve(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length - 1);
  for (let i = 0; i < a.length; i++) {
    const ai = a[i] as number;
    if (ai === 0) continue;
    for (let j = 0; j < b.length; j++) out[i + j] = (out[i + j] as number) + ai * (b[j] as number);
  }
  return out;
}

/**
 * The marginal value of the k-th new call: `overflow` as in `marginalOverflow` (normal approximation), and
 * `idleS`, the agent-seconds it is expected to fill given it turns out a live answer: for each need time g
 * (weighted by its density), the seconds g…H during which an agent would be free without it,
 * Σ_{g' ≥ g} P(S(g') − D(g') − (k − 1)·newNeed(g') ≥ 1).
 */
export function marginalValue(f: PredictiveAnalysis, k: number): { overflow: number; idleS: number } {
  const H = f.newNeed.length - 1;
  const total = f.newNeed[H] as number;
  if (total <= 0) return { overflow: 0, idleS: 0 };
  const short = new Float64Array(H + 1);
  for (let g = 0; g <= H; g++) {
    const cum = f.newNeed[g] as number;
    const demand = (f.demand.mean[g] as number) + (k - 1) * cum;
    const mean = (f.supply.mean[g] as number) - demand;
    const common = f.estimateCv * demand;
    const variance =
      (f.supply.variance[g] as number) + (f.demand.variance[g] as number) + (k - 1) * cum * (1 - cum) + common * common + 0.05;
    short[g] = normalCdf((0.5 - mean) / Math.sqrt(variance));
  }
  let overflow = 0;
  let idle = 0;
  let after = 0;
  // Walk backwards to accumulate the idle seconds after each g.
  for (let g = H; g >= 0; g--) {
    after += (1 - (short[g] as number)) * GRID_S;
    const density = (f.newNeed[g] as number) - (g > 0 ? (f.newNeed[g - 1] as number) : 0);
    if (density <= 0) continue;
    overflow += (density / total) * (short[g] as number);
    idle += (density / total) * after;
  }
  return { overflow, idleS: idle };
}

/**
 * How many ringing calls to cancel now: the calls that have rung at least `minRingMs`, longest ringing first,
 * while the next one's overflow — P(it finds no free agent | it needs one), Σ_g P(need at g) · P(S(g) − D'(g)
 * < 1) with D' the demand without it and without the calls already cancelled — exceeds `threshold`. The
 * demand of the cancelled calls is taken out of `f` (so a placement decided after sees it gone).
 */
export function cancelCount(
  s: PredictiveState,
  f: PredictiveAnalysis,
  obs: PacingObservation,
  now: number,
  minRingMs: number,
  threshold: number,
): number {
  const ages: number[] = [];
  for (const c of obs.calls) if (c.phase === 'ringing' && now - c.placedAtMs >= minRingMs) ages.push(now - c.placedAtMs);
  if (ages.length === 0) return 0;
  ages.sort((a, b) => b - a);
  const H = f.newNeed.length - 1;
  const pHuman = s.results > 0 ? s.humans / s.results : 0;
  const need = (ms: number): number => pHuman * histCdf(s.toAgent, ms);
  const p = new Float64Array(H + 1);
  let cancel = 0;
  for (const age of ages) {
    const unresolved = 1 - histCdf(s.resolved, age);
    if (unresolved <= 1e-9) break;
    const base = need(age);
    for (let g = 0; g <= H; g++) {
      const q = (need(age + g * GRID_S * 1000) - base) / unresolved;
      p[g] = q < 0 ? 0 : q > 1 ? 1 : q;
    }
    const total = p[H] as number;
    if (total <= 1e-9) break; // no chance it is a person needing an agent: nothing to gain by cancelling
    let risk = 0;
    let prev = 0;
    for (let g = 0; g <= H; g++) {
      const cum = p[g] as number;
      const density = cum - prev;
      prev = cum;
      if (density <= 0) continue;
      const demand = (f.demand.mean[g] as number) - cum;
      const mean = (f.supply.mean[g] as number) - demand;
      const common = f.estimateCv * demand;
      const variance = Math.max(0, (f.supply.variance[g] as number) + (f.demand.variance[g] as number) - cum * (1 - cum)) + common * common + 0.05;
      risk += (density / total) * normalCdf((0.5 - mean) / Math.sqrt(variance));
    }
    if (risk <= threshold) break;
    cancel++;
    for (let g = 0; g <= H; g++) {
      const q = p[g] as number;
      f.demand.mean[g] = (f.demand.mean[g] as number) - q;
      f.demand.variance[g] = Math.max(0, (f.demand.variance[g] as number) - q * (1 - q));
    }
  }
  return cancel;
}

export function predictivePacer(partial: Partial<PredictiveConfig> = {}, name = 'centralita predictive'): Pacer<PredictiveState> {
  const cfg: PredictiveConfig = { ...defaultPredictiveConfig, ...partial };

  return {
    name,
    initial: predictiveInitial,

    observe(s, event) {
      if (event.type === 'dial-result') {
        s.results++;
        histAdd(s.resolved, event.atMs - event.placedAtMs);
        if (event.answeredAtMs !== undefined) s.answered++;
        if (event.result === 'human') {
          s.humans++;
          histAdd(s.toAgent, event.atMs - event.placedAtMs);
        }
        if (s.results >= cfg.halfLifeResults) {
          s.results /= 2;
          s.answered /= 2;
          s.humans /= 2;
          histScale(s.resolved, 0.5);
          histScale(s.toAgent, 0.5);
        }
      } else if (event.type === 'human-outcome') {
        governorRecord(s.governor, event.atMs, event.dropped, cfg.governor, event.verdictAtMs - event.answeredAtMs);
      } else if (event.type === 'campaign-abandon') {
        governorShared(s.governor, event.others);
      } else {
        if (event.live !== undefined) {
          const delay = (event.verdictAtMs ?? 0) - (event.answeredAtMs ?? 0);
          governorDisposition(s.governor, event.atMs, event.live, cfg.governor, delay);
        }
        histAdd(s.talk, event.talkMs);
        if (s.talk.total >= cfg.halfLifeResults) histScale(s.talk, 0.5);
      }
      return s;
    },

    decide(s, obs, now) {
      const fallback = (why: string) => ({ state: s, decision: ratioDecision(obs, 1, `progressive (${why})`) });
      if (obs.agents.length < cfg.minAgents) return fallback('few agents');
      if (s.results < cfg.minResults || s.talk.total < cfg.minTalks || s.humans < 1) return fallback('little data');
      const verdict = governorCheck(s.governor, now, cfg.governor);
      if (cfg.feedback) governorControl(s.governor, now, cfg.governor, verdict.allow && verdict.headroom > cfg.governor.carefulHeadroom);
      if (!verdict.allow) return fallback(verdict.reason);

      const exact = obs.agents.length <= cfg.exactMaxAgents;
      const f = forecast(s, obs, now, cfg.connectSlackMs, cfg.estimateCv, exact, cfg.censoredTalks);
      const h = verdict.headroom;
      const priced = h <= cfg.governor.carefulHeadroom ? h : Math.pow(h, cfg.headroomExponent);
      let allowed = cfg.baseOverflow * s.governor.gain * priced;
      if (cfg.cancelOverflow > 0 && cfg.brakeEfficiency > 0) {
        const phi = s.toAgent.total > 0 ? 1 - histCdf(s.toAgent, cfg.minRingBeforeCancelMs) : 0;
        allowed /= Math.max(0.25, 1 - cfg.brakeEfficiency * phi);
      }
      const cap = Math.max(1, Math.ceil(cfg.maxPerAgentPerTick * obs.agents.length));
      const cancel =
        cfg.cancelOverflow > 0 ? cancelCount(s, f, obs, now, cfg.minRingBeforeCancelMs, cfg.cancelOverflow * allowed) : 0;
      let place = 0;
      let mode = `predictive p*=${allowed.toFixed(3)}`;
      if (cfg.dropPriceS > 0) {
        // The Lagrange price of a drop, in agent-seconds: dearer as the governor's budget runs out.
        const price = cfg.dropPriceS / Math.max(1e-6, s.governor.gain * priced);
        mode = `predictive price=${Math.round(price)}s`;
        for (;;) {
          if (place >= cap) break;
          const v = marginalValue(f, place + 1);
          if (v.overflow * price > v.idleS) break;
          place++;
        }
      } else while (place < cap && marginalOverflow(f, place + 1) <= allowed) place++;
      // Never fewer than progressive would place: a ready agent with nothing in flight is pure loss.
      const progressive = ratioDecision(obs, 1, 'progressive').place;
      const decision = { place: Math.max(place, progressive), mode };
      return { state: s, decision: cancel > 0 ? { ...decision, cancel } : decision };
    },
  };
}
