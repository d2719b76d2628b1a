/**
 * What one simulated shift produced, and the figures the report prints. Abandon rates use the truth the
 * simulator knows (the engine only estimates it):
 * - US: drops of live people / live people AMD passed (connected + dropped);
 * - Ofcom: (drops + live people AMD hung up on) / every live person who answered.
 * Windows: clock hours of the shift and the worst rolling 60 min (minute steps) inside the shift.
 */

export interface RunTally {
  agents: number;
  shiftMs: number;
  talkMs: number;
  busyMs: number;
  dials: number;
  /** Live people AMD passed, by minute of the shift (counted when connected or dropped). */
  liveByMinute: number[];
  dropsByMinute: number[];
  /** Live people AMD judged machine, by minute. */
  falsePositivesByMinute: number[];
  waitMsTotal: number;
  waitCount: number;
  /** Machines AMD passed that found no agent (hung up; not a live person, not a drop). */
  machineDrops: number;
  /** Ringing calls the pacer had cancelled (no contact; the lead is retried later). */
  cancelled: number;
}

export function emptyTally(agents: number, shiftMs: number): RunTally {
  const minutes = Math.ceil(shiftMs / 60_000);
  return {
    agents,
    shiftMs,
    talkMs: 0,
    busyMs: 0,
    dials: 0,
    liveByMinute: new Array<number>(minutes).fill(0),
    dropsByMinute: new Array<number>(minutes).fill(0),
    falsePositivesByMinute: new Array<number>(minutes).fill(0),
    waitMsTotal: 0,
    waitCount: 0,
    machineDrops: 0,
    cancelled: 0,
  };
}

export interface RunFigures {
  talkMinPerAgentHour: number;
  occupancy: number;
  abandonUs: number;
  abandonOfcom: number;
  worstHourUs: number;
  worstClockHourUs: number;
  /** US abandon rate of each clock hour of the shift. */
  hourlyUs: number[];
  callsPerHour: number;
  /** Ringing calls cancelled per hour (a pacer's `cancel`): dials that bought no contact. */
  cancelledPerHour: number;
  meanWaitS: number;
  drops: number;
  liveAnswers: number;
}

const sum = (a: readonly number[], from = 0, to = a.length): number => {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i] ?? 0;
  return s;
};

const rate = (num: number, den: number): number => (den > 0 ? num / den : 0);

export function figures(t: RunTally): RunFigures {
  const hours = t.shiftMs / 3_600_000;
  const drops = sum(t.dropsByMinute);
  const live = sum(t.liveByMinute);
  const fp = sum(t.falsePositivesByMinute);
  const minutes = t.liveByMinute.length;
  let worst = 0;
  if (minutes <= 60) worst = rate(drops, live);
  else
    for (let m = 0; m + 60 <= minutes; m++)
      worst = Math.max(worst, rate(sum(t.dropsByMinute, m, m + 60), sum(t.liveByMinute, m, m + 60)));
  const hourlyUs: number[] = [];
  for (let m = 0; m < minutes; m += 60) {
    const to = Math.min(minutes, m + 60);
    hourlyUs.push(rate(sum(t.dropsByMinute, m, to), sum(t.liveByMinute, m, to)));
  }
  const worstClock = Math.max(0, ...hourlyUs);
  return {
    talkMinPerAgentHour: t.talkMs / 60_000 / (t.agents * hours),
    occupancy: t.busyMs / (t.agents * t.shiftMs),
    abandonUs: rate(drops, live),
    abandonOfcom: rate(drops + fp, live + fp),
    worstHourUs: worst,
    worstClockHourUs: worstClock,
    hourlyUs,
    callsPerHour: t.dials / hours,
    cancelledPerHour: t.cancelled / hours,
    meanWaitS: rate(t.waitMsTotal, t.waitCount) / 1000,
    drops,
    liveAnswers: live,
  };
}
