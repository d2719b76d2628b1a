/**
 * Runs every algorithm of the comparison over several seeds and averages the figures. Pure apart from CPU:
 * the command prints what this returns.
 */
import { defaultGovernorConfig } from '../abandon-governor.js';
import { predictivePacer } from '../predictive.js';
import { powerPacer, progressivePacer } from '../ratio.js';
import type { Pacer } from '../types.js';
import { vicidialAdaptPacer } from '../vicidial-adapt.js';
import { figures, type RunFigures } from './metrics.js';
import type { Scenario } from './scenario.js';
import { simulateShift, type Dialer } from './simulation.js';

export interface AlgorithmSpec {
  name: string;
  make: () => Dialer;
}

export function algorithms(sc: Scenario): AlgorithmSpec[] {
  const pacer = (p: Pacer<unknown>): Dialer => ({ kind: 'pacer', pacer: p });
  const latest = 2100;
  const vici = (availableOnly: boolean) =>
    vicidialAdaptPacer({
      method: 'ADAPT_TAPERED',
      availableOnly,
      dropPercent: sc.abandon.target * 100,
      latestHHMM: latest,
      utcOffsetMinutes: sc.shift.utcOffsetMinutes,
    }) as Pacer<unknown>;
  return [
    { name: 'progressive', make: () => pacer(progressivePacer() as Pacer<unknown>) },
    ...sc.powerRatios.map((r) => ({ name: `power ${r}:1`, make: () => pacer(powerPacer(r) as Pacer<unknown>) })),
    { name: 'vicidial ADAPT_TAPERED', make: () => pacer(vici(false)) },
    { name: 'vicidial ADAPT_TAPERED avail-only', make: () => pacer(vici(true)) },
    {
      name: 'centralita predictive',
      make: () =>
        pacer(
          predictivePacer({
            governor: {
              ...defaultGovernorConfig,
              target: sc.abandon.target,
              rule: sc.abandon.rule,
              amdHumanAsMachineRate: sc.amd.humanAsMachine,
            },
          }) as Pacer<unknown>,
        ),
    },
    { name: 'oracle', make: () => ({ kind: 'oracle' }) },
  ];
}

export interface AlgorithmResult extends RunFigures {
  name: string;
  seeds: number;
  /** Per clock hour, the mean over seeds of that hour's US abandon rate; and the worst of those means. */
  hourlyUs: number[];
  worstHourMeanUs: number;
  /** Worst figures of any single seed. */
  maxAbandonUs: number;
  maxWorstHourUs: number;
  /**
   * The test, on the mean of the seeds: shift ≤ target and every clock hour ≤ target. `everySeed`
   * is the stricter reading: every seed's shift and every seed's every hour.
   */
  pass: { shift: boolean; everyHour: boolean; everySeed: boolean };
}

export interface SimulationReport {
  scenario: string;
  agents: number;
  seeds: number;
  /** Seeds firstSeed … firstSeed + seeds − 1. */
  firstSeed: number;
  shiftHours: number;
  target: number;
  /** E[talk]/(E[talk]+wrap) of the hour, in talk minutes per agent-hour. */
  upperBoundTalkMin: number;
  results: AlgorithmResult[];
}

export interface RunOptions {
  agents?: number;
  seeds?: number;
  firstSeed?: number;
  shiftHours?: number;
  only?: readonly string[];
}

export function runComparison(sc: Scenario, opts: RunOptions = {}): SimulationReport {
  const agents = opts.agents ?? sc.agents;
  const seeds = opts.seeds ?? 5;
  const firstSeed = opts.firstSeed ?? 1;
  const shiftHours = opts.shiftHours ?? sc.shift.hours;
  const results: AlgorithmResult[] = [];
  for (const alg of algorithms(sc)) {
    if (opts.only && !opts.only.includes(alg.name)) continue;
    const runs: RunFigures[] = [];
    for (let k = 0; k < seeds; k++) {
      runs.push(figures(simulateShift({ scenario: sc, agents, seed: firstSeed + k, dialer: alg.make(), shiftHours })));
    }
    const mean = (f: (r: RunFigures) => number): number => runs.reduce((a, r) => a + f(r), 0) / runs.length;
    const max = (f: (r: RunFigures) => number): number => Math.max(...runs.map(f));
    const target = sc.abandon.target;
    const avg: RunFigures = {
      talkMinPerAgentHour: mean((r) => r.talkMinPerAgentHour),
      occupancy: mean((r) => r.occupancy),
      abandonUs: mean((r) => r.abandonUs),
      abandonOfcom: mean((r) => r.abandonOfcom),
      worstHourUs: mean((r) => r.worstHourUs),
      worstClockHourUs: mean((r) => r.worstClockHourUs),
      hourlyUs: (runs[0]?.hourlyUs ?? []).map((_, h) => mean((r) => r.hourlyUs[h] ?? 0)),
      callsPerHour: mean((r) => r.callsPerHour),
      cancelledPerHour: mean((r) => r.cancelledPerHour),
      meanWaitS: mean((r) => r.meanWaitS),
      drops: mean((r) => r.drops),
      liveAnswers: mean((r) => r.liveAnswers),
    };
    const maxAbandonUs = max((r) => r.abandonUs);
    const maxWorstHourUs = max((r) => r.worstClockHourUs);
    const worstHourMeanUs = Math.max(0, ...avg.hourlyUs);
    const ok = (x: number): boolean => x <= target + 1e-12;
    results.push({
      name: alg.name,
      seeds,
      ...avg,
      worstHourMeanUs,
      maxAbandonUs,
      maxWorstHourUs,
      pass: { shift: ok(avg.abandonUs), everyHour: ok(worstHourMeanUs), everySeed: ok(maxAbandonUs) && ok(maxWorstHourUs) },
    });
  }
  const talk = sc.talk.meanS;
  return {
    scenario: sc.name,
    agents,
    seeds,
    firstSeed,
    shiftHours,
    target: sc.abandon.target,
    upperBoundTalkMin: (60 * talk) / (talk + sc.wrapS),
    results,
  };
}
