/**
 * The what-if for one campaign: the reference scenario with this campaign's own settings (ring timeout, wrap-up,
 * drop target, power ratio) and the team size and call mix the manager asks about, every algorithm side by side.
 * Pure apart from CPU; `what-if-worker.ts` runs it off the event loop.
 */
import { runComparison, type SimulationReport } from './runner.js';
import type { Scenario } from './scenario.js';

export interface WhatIfInput {
  agents: number;
  /** Simulated shift length (h). */
  hours: number;
  seeds: number;
  /** Shares of dials answered by a person / a machine (the rest: busy and no answer as in the scenario). */
  humanRate?: number;
  machineRate?: number;
  talkMeanS?: number;
}

export interface CampaignPacingSettings {
  ringTimeoutS: number;
  wrapUpS: number;
  dropTarget: number;
  dialRatio: number;
}

export function whatIfScenario(base: Scenario, c: CampaignPacingSettings, input: WhatIfInput): Scenario {
  const human = input.humanRate ?? base.outcomes.human;
  const machine = Math.min(input.machineRate ?? base.outcomes.machine, 1 - human);
  return {
    ...base,
    name: `${base.name} (what-if)`,
    agents: input.agents,
    shift: { ...base.shift, hours: input.hours },
    outcomes: { ...base.outcomes, human, machine, busy: Math.min(base.outcomes.busy, 1 - human - machine) },
    ring: { ...base.ring, timeoutS: c.ringTimeoutS, maxS: Math.max(base.ring.minS, Math.min(base.ring.maxS, c.ringTimeoutS)) },
    talk: { ...base.talk, meanS: input.talkMeanS ?? base.talk.meanS, sdS: ((input.talkMeanS ?? base.talk.meanS) / base.talk.meanS) * base.talk.sdS },
    wrapS: c.wrapUpS,
    abandon: { ...base.abandon, target: c.dropTarget },
    powerRatios: c.dialRatio > 1 ? [c.dialRatio] : base.powerRatios.slice(0, 1),
  };
}

export function runWhatIf(scenario: Scenario, input: WhatIfInput): SimulationReport {
  return runComparison(scenario, { agents: input.agents, seeds: input.seeds, shiftHours: input.hours });
}
