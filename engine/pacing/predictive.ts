/**
 * Centralita's predictive pacing.
 *
 * Each tick it builds, on a 1 s grid g = 0…H seconds ahead:
 * - supply S(g): agents free by now+g — ready agents (1), agents in wrap (free at a known time) and agents in
 *   talk, P(talk ≤ e + g − wrap | talk > e) from the online talk-time distribution (e = elapsed talk);
 * - demand D(g): calls that will need an agent by now+g — waiting calls (1), calls in AMD (P(human|answered))
 *   and ringing calls of age a, P(human and ready by a+g | unresolved at a) from the online distributions of
 *   "placement → handed to an agent" and "placement → outcome known".
 * Both are sums of independent Bernoullis: mean and variance (plus a common-mode term for the estimates' own
 * error). A new call k is placed only if the chance that it finds no free agent when it needs one,
 * Σ_g P(need at g) · P(S(g) − D(g) − (k−1 new calls) < 1) (normal approximation), stays under the allowed
 * overflow probability p* = base · governor gain · headroom. Summed over the calls placed, these chances
 * match the drops observed in the simulator (calibrated). The governor's headroom eases p* off as the last
 * hour's budget of drops runs out, goes "careful" when less than one drop is left and turns predictive off
 * (progressive) at the hour's, the day's or the 30 days' limit; its slow feedback trims the forecast's bias.
 *
 * Falls back to progressive when there are too few agents or too little data to trust the estimates.
 */
import {
  defaultGovernorConfig,
  governorCheck,
  governorControl,
  governorDisposition,
  governorInitial,
  governorRecord,
  type GovernorConfig,
  type GovernorState,
} from './abandon-governor.js';
import { histAdd, histCdf, histogram, histScale, normalCdf, type Histogram } from './estimators.js';
import { ratioDecision } from './ratio.js';
import type { Pacer, PacingObservation } from './types.js';

export interface PredictiveConfig {
  governor: GovernorConfig;
  /** Base allowed overflow probability of a marginal call, before the governor's gain. */
  baseOverflow: number;
  /** Below this many logged-in agents, progressive (the variance of a tiny team cannot be hedged). */
  minAgents: number;
  /** Dial results and talk segments needed before the estimates are trusted. */
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
}

export const defaultPredictiveConfig: PredictiveConfig = {
  governor: defaultGovernorConfig,
  baseOverflow: 0.03,
  minAgents: 3,
  minResults: 40,
  minTalks: 10,
  halfLifeResults: 4000,
  maxPerAgentPerTick: 0.5,
  feedback: true,
  connectSlackMs: 800,
  estimateCv: 0.2,
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
}

/** The supply/demand forecast of one tick. Exported for tests and the live board. */
export function forecast(
  s: PredictiveState,
  obs: PacingObservation,
  now: number,
  slackMs = 0,
  estimateCv = 0,
): PredictiveAnalysis {
  const H = horizonSteps(s);
  const supply = moments(H + 1);
  const demand = moments(H + 1);
  const pHuman = s.results > 0 ? s.humans / s.results : 0;
  const pHumanGivenAnswer = s.answered > 0 ? s.humans / s.answered : 0;
  const need = (ms: number): number => pHuman * histCdf(s.toAgent, ms);
  const newNeed: number[] = [];
  for (let g = 0; g <= H; g++) newNeed.push(need(g * GRID_S * 1000));

  let ready = 0;
  for (const a of obs.agents) {
    if (a.phase === 'ready') ready++;
    else if (a.phase === 'wrap') {
      const freeAt = a.sinceMs + obs.wrapUpMs;
      for (let g = 0; g <= H; g++) if (now + g * GRID_S * 1000 + slackMs >= freeAt) addBernoulli(supply, g, 1);
    } else if (a.phase === 'talk') {
      const e = now - a.sinceMs;
      const survE = 1 - histCdf(s.talk, e);
      if (survE <= 1e-9) continue; // longer than any call seen: assume nothing (the safe side)
      const cE = 1 - survE;
      for (let g = 0; g <= H; g++) {
        const x = e + g * GRID_S * 1000 + slackMs - obs.wrapUpMs;
        if (x <= e) continue;
        addBernoulli(supply, g, (histCdf(s.talk, x) - cE) / survE);
      }
    }
  }

  for (let g = 0; g <= H; g++) addBernoulli(supply, g, 1, ready);

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
  for (const [key, count] of ages) {
    const age = key * 250;
    const unresolved = 1 - histCdf(s.resolved, age);
    if (unresolved <= 1e-9) continue;
    const base = need(age);
    for (let g = 0; g <= H; g++) addBernoulli(demand, g, (need(age + g * GRID_S * 1000) - base) / unresolved, count);
  }
  return { supply, demand, newNeed, estimateCv };
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

      const f = forecast(s, obs, now, cfg.connectSlackMs, cfg.estimateCv);
      const allowed = cfg.baseOverflow * s.governor.gain * verdict.headroom;
      const cap = Math.max(1, Math.ceil(cfg.maxPerAgentPerTick * obs.agents.length));
      let place = 0;
      while (place < cap && marginalOverflow(f, place + 1) <= allowed) place++;
      // Never fewer than progressive would place: a ready agent with nothing in flight is pure loss.
      const progressive = ratioDecision(obs, 1, 'progressive').place;
      return { state: s, decision: { place: Math.max(place, progressive), mode: `predictive p*=${allowed.toFixed(3)}` } };
    },
  };
}
