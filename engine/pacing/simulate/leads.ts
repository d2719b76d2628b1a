/**
 * The fate of lead number i in a seeded run, drawn all at once from its own stream so that every algorithm
 * meets the same list (and the oracle can read it ahead).
 */
import { gaussian, lognormal, mixSeed, mulberry32 } from './rng.js';
import type { Scenario } from './scenario.js';

export type Truth = 'human' | 'machine' | 'busy' | 'no-answer';

export interface LeadFate {
  readonly truth: Truth;
  /** Answer delay (human/machine); busy and no-answer use the scenario's fixed times. */
  readonly ringMs: number;
  /** AMD gets this one wrong (human judged machine, or machine passed to an agent). */
  readonly amdWrong: boolean;
  /** Talk time if a human reaches an agent. */
  readonly talkMs: number;
}

export function drawTalkMs(s: Scenario, u1: number, u2: number): number {
  const { distribution, meanS, sdS } = s.talk;
  const sec =
    distribution === 'fixed'
      ? meanS
      : distribution === 'exponential'
        ? -meanS * Math.log(Math.max(1 - u1, 1e-12))
        : sdS > 0
          ? lognormal(meanS, sdS, gaussian(u1, u2))
          : meanS;
  return Math.max(1_000, Math.round(sec * 1000));
}

export function leadFate(s: Scenario, seed: number, index: number): LeadFate {
  const r = mulberry32(mixSeed(seed, index));
  const u = r();
  const { human, machine, busy } = s.outcomes;
  let truth: Truth = u < human ? 'human' : u < human + machine ? 'machine' : u < human + machine + busy ? 'busy' : 'no-answer';
  const ringMs = Math.round((s.ring.minS + (s.ring.maxS - s.ring.minS) * r()) * 1000);
  if ((truth === 'human' || truth === 'machine') && ringMs > s.ring.timeoutS * 1000) truth = 'no-answer';
  const w = r();
  const amdWrong = truth === 'human' ? w < s.amd.humanAsMachine : truth === 'machine' ? w < s.amd.machineAsHuman : false;
  const talkMs = drawTalkMs(s, r(), r());
  return { truth, ringMs, amdWrong, talkMs };
}
