/**
 * The abandon governor: counts live answers and drops over rolling windows (1 min, 1 h, today, 30 days) and
 * says whether predictive dialing may go on, plus how aggressive it may be.
 *
 * A drop is an answered live person not connected to an agent within 2 s (the engine decides that and
 * reports `human-outcome` with `dropped`). Two ways to count:
 * - `us`    (FTC TSR / FCC): drops / live answers.
 * - `ofcom` (UK): AMD false positives — live people hung up on because AMD said "machine" — are abandoned
 *   calls too. The engine cannot see them, so it uses the Ofcom "reasoned estimate": a measured rate
 *   `amdHumanAsMachineRate` of humans misjudged, i.e. fp ≈ humansDetected · r / (1 − r), added to both
 *   numerator and denominator.
 *
 * The engine cannot tell whether a dropped call was a person: AMD passes some machines, and their verdict
 * tends to come late. A drop is weighted by the share of live people among the connected calls of the same
 * verdict class (on time / late), learned from agents' dispositions, with a prior of 90 % live.
 *
 * Guarantee, not just average: the 1 h window is checked against a projection of the hour's answers, and
 * predictive eases off as the hour's budget of drops runs out and is refused when one more drop could
 * break the hour, or when the day or the 30 days are at the limit. The ease-off spans the whole budget
 * (aggressiveness ∝ drops left, `easeShare` > 1): throughput grows only with the logarithm of the allowed
 * overflow while drops grow in proportion and come in bursts, so an even, early ease-off that rarely lets the
 * hour reach its limit beats full speed followed by careful or progressive spells (which cost far more). When the AMD false
 * positives alone exceed the target (Ofcom counting with a poor AMD) no pacing can comply: the governor
 * says so and holds dialing to progressive.
 */

export type AbandonRule = 'us' | 'ofcom';

export interface GovernorConfig {
  /** Drop target as a fraction (0.03). */
  target: number;
  rule: AbandonRule;
  /** Share of live humans AMD misjudges as machines (from AMD evaluation); used by `ofcom`. */
  amdHumanAsMachineRate: number;
  /**
   * Aim of the feedback loop, as a share of the target. Well above 1 on purpose: the hour's budget (ease-off,
   * careful mode, hard stop) is what holds the limit. The gain starts at 1 and climbs at most 5 % a minute
   * to `maxGain` (a cautious first half hour while the estimates are young); the loop cuts it only on a
   * gross overshoot, which in practice means the first minutes of a campaign, before the estimates settle
   * (tuned on the standard scenario, N = 5…50, seeds 1…6; checked on seeds 100…).
   */
  setpoint: number;
  /** Days of history kept for the 30-day window. */
  days: number;
  /**
   * Share of the hour's drop budget over which pacing eases off (at least `minEaseDrops` drops). Above 1 the
   * headroom never reaches 1: it is (drops left − 1) / (easeShare · budget), proportional to what is left.
   */
  easeShare: number;
  minEaseDrops: number;
  /** A verdict at least this long after answer is "late" (the drop rule's 2 s). */
  lateVerdictMs: number;
  /** Bounds of the feedback gain. */
  minGain: number;
  maxGain: number;
  /** Remaining drops in the hour's budget below which dialing is progressive only. */
  hardStopDrops: number;
  /** Headroom while less than one drop is left in the hour's budget. */
  carefulHeadroom: number;
  /**
   * Least headroom while one more drop still fits in the hour (very careful predictive beats progressive).
   * Times `maxGain` it is the least overflow scale once the budget is nearly spent: 0.05 · 4 keeps the 0.1 · 2
   * of the former defaults (a higher one let a small team's second and third drop of the hour come sooner).
   */
  headroomFloor: number;
}

export const defaultGovernorConfig: GovernorConfig = {
  target: 0.03,
  rule: 'us',
  amdHumanAsMachineRate: 0.05,
  setpoint: 2,
  days: 30,
  lateVerdictMs: 2000,
  hardStopDrops: 0.3,
  carefulHeadroom: 0.05,
  minGain: 0.5,
  maxGain: 4,
  easeShare: 1.5,
  minEaseDrops: 1.5,
  headroomFloor: 0.05,
};

interface Tally {
  answers: number;
  drops: number;
}

/**
 * The campaign's counts on the other engine nodes (#18), as read from the counters they share (engine/cluster):
 * live answers and drops, unweighted (a drop counts as a whole live answer: the other node's verdict classes are
 * not known here, and counting a possible machine as a person only errs on the safe side). With them the hour,
 * today and 30-day checks and the gain loop decide on the campaign's figures, own + others, so the target holds
 * for the campaign and not per node. The one-minute burst guard stays on the node's own drops: it reacts to the
 * node's own bursts, and a campaign-wide "3 drops a minute" would stop a large campaign for its normal rate.
 */
export interface OtherNodesCounts {
  /** The minutes the hour window holds (the current one and the 59 before). */
  hour: Tally;
  /**
   * Start of the earliest of those minutes with a count: the others' share of the hour is projected over the span
   * they were seen, as the node's own is over its own. Null when they counted nothing in the hour.
   */
  hourSinceMs: number | null;
  /** Since the start of the (UTC) day. */
  today: Tally;
  /** Today and the days before it, `days` in all. */
  month: Tally;
  /**
   * How many other nodes are dialling the campaign now (counts in the last minutes). Each keeps calls in flight
   * that can still drop, so near the hour's limit the campaign keeps one drop in reserve per node, not one in all
   * (absent: 0, as when the reader does not know).
   */
  nodes?: number;
}

export interface GovernorState {
  /** Per-minute tallies of the last 60 minutes, indexed by minute number mod 60. */
  minutes: Tally[];
  minuteIds: number[];
  today: Tally;
  day: number;
  /** Completed days, most recent last (at most `days − 1`). */
  history: Tally[];
  /** First time the governor saw anything (start of the projection of the first hour). */
  startedMs: number;
  /** Feedback multiplier of the allowed overflow probability. */
  gain: number;
  lastControlMs: number;
  /** Connected calls and how many agents dispositioned as live, per verdict class. */
  onTime: { connected: number; live: number };
  late: { connected: number; live: number };
  /** The other nodes' counts of the campaign, last fed by `governorShared`; null / absent = own counts only. */
  others?: OtherNodesCounts | null;
}

export interface GovernorVerdict {
  allow: boolean;
  /**
   * 0…1: how much of the usual aggressiveness the budget left in the last hour allows. It falls smoothly to
   * 0 as the hour's drops approach the limit, so pacing eases off before the hard stop instead of
   * alternating between full speed and progressive. With the default `easeShare` (1.5) it is about 0.6 with
   * no drop in the hour and falls in proportion to the drops left.
   */
  headroom: number;
  reason: string;
  /** Current rates (for logs and the live board). */
  rateHour: number;
  rateToday: number;
}

const MIN = 60_000;
const DAY = 86_400_000;

export function governorInitial(now: number, history: Tally[] = []): GovernorState {
  return {
    minutes: Array.from({ length: 60 }, () => ({ answers: 0, drops: 0 })),
    minuteIds: new Array<number>(60).fill(-1),
    today: { answers: 0, drops: 0 },
    day: Math.floor(now / DAY),
    history: history.map((t) => ({ ...t })),
    startedMs: now,
    gain: 1,
    lastControlMs: now,
    onTime: { connected: 0, live: 0 },
    late: { connected: 0, live: 0 },
  };
}

function rollDay(s: GovernorState, now: number, cfg: GovernorConfig): void {
  const day = Math.floor(now / DAY);
  if (day === s.day) return;
  s.history.push(s.today);
  while (s.history.length > cfg.days - 1) s.history.shift();
  s.today = { answers: 0, drops: 0 };
  s.day = day;
}

function minuteSlot(s: GovernorState, now: number): Tally {
  const id = Math.floor(now / MIN);
  const i = id % 60;
  if (s.minuteIds[i] !== id) {
    s.minuteIds[i] = id;
    s.minutes[i] = { answers: 0, drops: 0 };
  }
  return s.minutes[i] as Tally;
}

const PRIOR_LIVE = 0.9;
const PRIOR_WEIGHT = 10;

function verdictClass(s: GovernorState, verdictDelayMs: number, cfg: GovernorConfig) {
  return verdictDelayMs >= cfg.lateVerdictMs ? s.late : s.onTime;
}

/** Estimated share of live people among calls AMD passed with this verdict delay. */
export function liveShare(s: GovernorState, verdictDelayMs: number, cfg: GovernorConfig): number {
  const c = verdictClass(s, verdictDelayMs, cfg);
  return (c.live + PRIOR_LIVE * PRIOR_WEIGHT) / (c.connected + PRIOR_WEIGHT);
}

/** Records a call AMD passed as human that was connected or dropped. */
export function governorRecord(
  s: GovernorState,
  atMs: number,
  dropped: boolean,
  cfg: GovernorConfig,
  verdictDelayMs = 0,
): void {
  rollDay(s, atMs, cfg);
  const w = dropped ? liveShare(s, verdictDelayMs, cfg) : 1;
  const m = minuteSlot(s, atMs);
  m.answers += w;
  s.today.answers += w;
  if (dropped) {
    m.drops += w;
    s.today.drops += w;
  }
}

/** An agent's disposition: a connected call that turned out to be a machine is no live answer. */
export function governorDisposition(
  s: GovernorState,
  atMs: number,
  live: boolean,
  cfg: GovernorConfig,
  verdictDelayMs = 0,
): void {
  rollDay(s, atMs, cfg);
  const c = verdictClass(s, verdictDelayMs, cfg);
  c.connected++;
  if (live) c.live++;
  else {
    const m = minuteSlot(s, atMs);
    m.answers = Math.max(0, m.answers - 1);
    s.today.answers = Math.max(0, s.today.answers - 1);
  }
}

/**
 * The other nodes' counts of the campaign (engine/cluster reads them about once a second); null when they are not
 * known (Redis unreachable, nothing read lately): the governor then decides on the node's own counts — which
 * keeps the campaign within the target too, as every node holding its own rate within it does.
 */
export function governorShared(s: GovernorState, others: OtherNodesCounts | null): void {
  s.others = others;
}

function plus(a: Tally, b: Tally | undefined): Tally {
  return b ? { answers: a.answers + b.answers, drops: a.drops + b.drops } : a;
}

function windowTally(s: GovernorState, now: number, minutes: number): Tally {
  const id = Math.floor(now / MIN);
  const t = { answers: 0, drops: 0 };
  for (let i = 0; i < 60; i++) {
    const mid = s.minuteIds[i] as number;
    if (mid > id - minutes && mid <= id) {
      t.answers += (s.minutes[i] as Tally).answers;
      t.drops += (s.minutes[i] as Tally).drops;
    }
  }
  return t;
}

/** Abandoned and answered as the rule counts them. */
function counted(t: Tally, cfg: GovernorConfig): { num: number; den: number } {
  if (cfg.rule === 'us') return { num: t.drops, den: t.answers };
  const r = cfg.amdHumanAsMachineRate;
  const fp = r < 1 ? (t.answers * r) / (1 - r) : 0;
  return { num: t.drops + fp, den: t.answers + fp };
}

export function governorCheck(s: GovernorState, now: number, cfg: GovernorConfig): GovernorVerdict {
  rollDay(s, now, cfg);
  const others = s.others ?? null;
  const ownHour = counted(windowTally(s, now, 60), cfg);
  const othersHour = others ? counted(others.hour, cfg) : { num: 0, den: 0 };
  const hour = { num: ownHour.num + othersHour.num, den: ownHour.den + othersHour.den };
  const today = counted(plus(s.today, others?.today), cfg);
  const rateHour = hour.den > 0 ? hour.num / hour.den : 0;
  const rateToday = today.den > 0 ? today.num / today.den : 0;
  let headroom = 1;
  const verdict = (allow: boolean, reason: string): GovernorVerdict => ({
    allow,
    headroom: allow ? headroom : 0,
    reason,
    rateHour,
    rateToday,
  });

  if (cfg.rule === 'ofcom') {
    const r = cfg.amdHumanAsMachineRate;
    if (r >= cfg.target) return verdict(false, 'AMD false positives alone exceed the target');
  }
  // Burst guard (VICIdial has the same idea): several drops in the last minute stop predictive at once.
  const minute = windowTally(s, now, 1);
  if (minute.drops >= 3) return verdict(false, 'drops in the last minute');

  // 1 h: project the window's answers when less than an hour has been observed (the other nodes' over the span
  // they have counts in: a node joining a running campaign must not project their full hour as if it were young).
  const span = (since: number) => Math.min(60 * MIN, Math.max(MIN, now - since));
  const projectedDen =
    (ownHour.den * (60 * MIN)) / span(s.startedMs) + (others ? (othersHour.den * (60 * MIN)) / span(others.hourSinceMs ?? now - 60 * MIN) : 0);
  const budget = cfg.target * projectedDen;
  const left = budget - hour.num;
  if (left < cfg.hardStopDrops) return verdict(false, 'the hour is at its limit');
  // One drop in reserve for this node's calls in flight, and one for each other node dialling the campaign: each
  // node alone would keep one, and N nodes near the limit at once must not spend N − 1 of the campaign's last.
  const reserve = 1 + Math.max(0, Math.floor(others?.nodes ?? 0));
  if (left < reserve) {
    // One more drop would break the hour: only the most careful predictive (still far better than
    // progressive, and its calls' drop chance is a fraction of a percent) until drops age out.
    headroom = cfg.carefulHeadroom;
    return verdict(true, 'careful: the hour is near its limit');
  }
  // Ease off in proportion to the drops left, keeping the reserve (calls in flight can still drop). With
  // easeShare > 1 this spans the whole budget: the rate settles well inside the limit instead of running
  // into it (a careful or progressive spell costs far more than an even, slightly lower pace).
  const ease = Math.max(cfg.minEaseDrops, cfg.easeShare * budget);
  headroom = Math.max(cfg.headroomFloor, Math.min(1, (left - reserve) / ease));

  // Today and 30 days: the limit itself (with one drop of margin) once there is a meaningful sample.
  // (The hour guard covers the first hours; a day's rate on a few dozen answers says little.)
  if (today.den >= 10 / cfg.target && today.num > cfg.target * today.den) {
    return verdict(false, 'at the daily limit');
  }
  // The others' month already holds their today; the node's own is its history plus today.
  const ownToday = counted(s.today, cfg);
  const othersMonth = others ? counted(others.month, cfg) : { num: 0, den: 0 };
  const month = s.history.reduce(
    (a, t) => {
      const c = counted(t, cfg);
      return { num: a.num + c.num, den: a.den + c.den };
    },
    { num: ownToday.num + othersMonth.num, den: ownToday.den + othersMonth.den },
  );
  if (month.den >= 10 / cfg.target && month.num > cfg.target * month.den) {
    return verdict(false, 'at the 30-day limit');
  }
  return verdict(true, 'ok');
}

/**
 * Feedback once a minute: nudges `gain` up while the last hour runs under `setpoint·target` and down when
 * above. The forecast is calibrated (expected drops match observed ones), so the loop only trims a bias:
 * small steps and narrow bounds. It holds still while pacing is held back (`active` false), so that an hour
 * of progressive dialing does not wind the gain up into a burst of drops afterwards.
 */
export function governorControl(s: GovernorState, now: number, cfg: GovernorConfig, active = true): void {
  if (now - s.lastControlMs < MIN) return;
  s.lastControlMs = now;
  // The campaign's hour (own + the other nodes'): the gain trims toward the campaign's setpoint.
  const hour = counted(plus(windowTally(s, now, 60), s.others?.hour), cfg);
  if (hour.den < 20) return;
  const rate = hour.num / hour.den;
  // Clamped: one unlucky minute at a tiny team (1 drop of 30 answers) must not swing the gain wildly.
  const err = Math.max(-1, Math.min(1, (cfg.setpoint * cfg.target - rate) / cfg.target));
  if (err > 0 && !active) return;
  s.gain = Math.min(cfg.maxGain, Math.max(cfg.minGain, s.gain * Math.exp(0.05 * err)));
}
