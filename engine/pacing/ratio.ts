/**
 * The two fixed baselines. Both keep no statistics, so their state is empty.
 *
 * - Progressive (1:1): one call in flight per ready agent. Calls not yet bridged (ringing, in AMD, waiting)
 *   already claim a ready agent, so `place = ready − pending` and the dialer never has more unbridged calls
 *   than ready agents: it can only drop a call when two answered calls race for one agent that logs out.
 * - Power (fixed ratio r): `ratio` calls in flight per ready agent, `place = floor(r · ready) − pending`.
 */
import { countObservation, type Pacer, type PacingDecision, type PacingObservation } from './types.js';

export type RatioState = Record<string, never>;

export function ratioDecision(obs: PacingObservation, ratio: number, mode: string): PacingDecision {
  const c = countObservation(obs);
  const pending = c.ringing + c.amd + c.waiting;
  const target = Math.floor(ratio * c.ready + 1e-9);
  return { place: Math.max(0, target - pending), mode };
}

export function progressivePacer(): Pacer<RatioState> {
  return powerPacer(1, 'progressive');
}

export function powerPacer(ratio: number, name = `power ${ratio}:1`): Pacer<RatioState> {
  if (!(ratio >= 1)) throw new RangeError(`power ratio must be ≥ 1, got ${ratio}`);
  return {
    name,
    initial: () => ({}),
    observe: (state) => state,
    decide: (state, obs) => ({ state, decision: ratioDecision(obs, ratio, name) }),
  };
}
