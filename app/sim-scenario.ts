/**
 * SIM_SCENARIO (engine/config): the embedded PBX's `+1777nnnnnnn` numbers play lead n's fate drawn from a pacing
 * scenario (answer mix, ring and talk times), the draw the what-if simulator makes for the same index and seed
 * (engine/pacing `leadFate`), with audio the real AMD judges as that fate. Composed here because the PBX
 * (engine/sim) does not know pacing scenarios. Lets a node or the product on its embedded PBX run a campaign of any
 * density (short, dense calls for a test; the standard scenario for a demo) through configuration alone.
 */
import { leadFate, loadScenario, type Scenario } from '../engine/pacing/index.js';
import { pacingCalleeRule, type CalleeFate, type ScenarioRule } from '../engine/sim/index.js';

/** The rule for `scenario` and `seed`; a person hangs up AMD's listening time plus their talk after answering. */
export function scenarioCalleeRule(scenario: Scenario, seed: number): ScenarioRule {
  const fateOf = (i: number): CalleeFate => {
    const f = leadFate(scenario, seed, i);
    return { truth: f.truth, ringMs: f.ringMs, hangupAfterMs: Math.round(scenario.amd.humanDecisionS * 1000) + f.talkMs };
  };
  return pacingCalleeRule(fateOf, Math.round(scenario.busyAfterS * 1000), { voiced: true });
}

/** The simulator's extra rules for SIM_SCENARIO (none when unset); a missing or invalid scenario fails the start. */
export async function simScenarioRules(nameOrPath: string | undefined, seed: number): Promise<ScenarioRule[]> {
  if (!nameOrPath) return [];
  let scenario: Scenario;
  try {
    scenario = await loadScenario(nameOrPath);
  } catch (err) {
    throw new Error(`SIM_SCENARIO ${JSON.stringify(nameOrPath)}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return [scenarioCalleeRule(scenario, seed)];
}
