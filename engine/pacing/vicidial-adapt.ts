/**
 * VICIdial's adaptive predictive dial methods (ADAPT_HARD_LIMIT, ADAPT_AVERAGE, ADAPT_TAPERED), reproduced
 * from AST_VDadapt.pl (level) and AST_VDauto_dial.pl (calls to place) so that Centralita can be compared
 * with the dialer most call centers know:
 *
 * 1. Every second a sample of R (READY agents), W (answered calls waiting for an agent) and T (logged-in
 *    agents). The averages are over the last 15 samples (fewer at start).
 * 2. Every 15 s: m = (avgR − avgW + diffTarget) / avgT (0 when either is 0); pct = 100·m, scaled by the
 *    intensity: ×(1 + i/100) when positive, ×|i/100 − 1| when negative; level ← level·(1 + pct/100),
 *    capped at maxLevel and raised to 1.
 * 3. Drop rules: last minute > 20 calls and > 50 % of them dropped → level/2. Today > 50 calls and drops as
 *    a share of answered calls over the target → HARD_LIMIT: 1.0; AVERAGE: level/2; TAPERED: 1.0 after the
 *    latest time, else level × min(1, (latestHHMM − nowHHMM)/1000) — VICIdial subtracts HHMM numbers, so
 *    "1000" is ten clock hours only roughly (14:30 → 670/1000). Then anything below 1 is raised to 1.
 * 4. Each tick: goal = round(level × tally) with tally = READY + INCALL agents, or READY only with
 *    "available only ratio tally"; place = goal − existing calls (ringing + AMD + waiting + connected).
 *
 * Agents in wrap-up count as INCALL: in VICIdial the agent stays INCALL on the disposition screen.
 */
import { countObservation, type Pacer, type PacingEvent, type PacingObservation } from './types.js';

export type AdaptMethod = 'ADAPT_HARD_LIMIT' | 'ADAPT_AVERAGE' | 'ADAPT_TAPERED';

export interface VicidialAdaptConfig {
  method: AdaptMethod;
  /** adaptive_dropped_percentage (%). */
  dropPercent: number;
  /** adaptive_maximum_level. */
  maxLevel: number;
  /** adaptive_intensity, −40…+40 in the admin UI. */
  intensity: number;
  /** adaptive_dl_diff_target: −1 targets one agent waiting, +1 one customer waiting. */
  diffTarget: number;
  /** adaptive_latest_server_time as HHMM (2100). */
  latestHHMM: number;
  /** available_only_ratio_tally. */
  availableOnly: boolean;
  /** Starting auto_dial_level. */
  initialLevel: number;
  /** Offset of the server's local time from UTC, minutes (for HHMM). */
  utcOffsetMinutes: number;
}

export const defaultVicidialConfig: VicidialAdaptConfig = {
  method: 'ADAPT_TAPERED',
  dropPercent: 3,
  maxLevel: 3,
  intensity: 0,
  diffTarget: 0,
  latestHHMM: 2100,
  availableOnly: false,
  initialLevel: 1,
  utcOffsetMinutes: 0,
};

export interface AdaptSample {
  ready: number;
  waiting: number;
  total: number;
}

export interface VicidialAdaptState {
  level: number;
  /** Last 15 one-second samples, oldest first. */
  samples: AdaptSample[];
  lastSampleSec: number;
  samplesSinceRecalc: number;
  /** Dial attempts of the last minute: placement times (ms). VICIdial's "calls" are vicidial_log rows. */
  callTimes: number[];
  dropTimes: number[];
  callsToday: number;
  answersToday: number;
  dropsToday: number;
  /** Local day number the "today" counters belong to. */
  day: number;
}

export interface AdaptStats {
  callsOneMin: number;
  dropsOneMin: number;
  callsToday: number;
  answersToday: number;
  dropsToday: number;
}

const DAY_MS = 86_400_000;

export function localHHMM(now: number, utcOffsetMinutes: number): number {
  const local = now + utcOffsetMinutes * 60_000;
  const minutes = Math.floor((((local % DAY_MS) + DAY_MS) % DAY_MS) / 60_000);
  return Math.floor(minutes / 60) * 100 + (minutes % 60);
}

function localDay(now: number, utcOffsetMinutes: number): number {
  return Math.floor((now + utcOffsetMinutes * 60_000) / DAY_MS);
}

/** Step 2 and 3: the new level from the sample averages and drop statistics. Pure, exported for tests. */
export function recalculateLevel(
  level: number,
  avg: AdaptSample,
  stats: AdaptStats,
  hhmm: number,
  cfg: VicidialAdaptConfig,
): number {
  const differential = avg.ready - avg.waiting + cfg.diffTarget;
  const mul = differential !== 0 && avg.total !== 0 ? differential / avg.total : 0;
  const pctRaw = mul * 100;
  const intensityMul = cfg.intensity / 100;
  const intensityDiff = pctRaw < 0 ? pctRaw * Math.abs(intensityMul - 1) : pctRaw * (intensityMul + 1);
  let next = level * (intensityDiff / 100 + 1);
  if (next > cfg.maxLevel) next = cfg.maxLevel;
  if (next < 1) next = 1;

  const dropsOnePct = stats.callsOneMin > 0 ? (stats.dropsOneMin / stats.callsOneMin) * 100 : 0;
  if (stats.callsOneMin > 20 && dropsOnePct > 50) next /= 2;
  // VICIdial counts answers ≥ 1 to avoid dividing by zero.
  const dropsAnswersPct = (stats.dropsToday / Math.max(1, stats.answersToday)) * 100;
  if (stats.callsToday > 50 && dropsAnswersPct > cfg.dropPercent) {
    if (cfg.method === 'ADAPT_HARD_LIMIT') next = 1;
    else if (cfg.method === 'ADAPT_AVERAGE') next /= 2;
    else {
      const left = cfg.latestHHMM - hhmm;
      if (left < 0) next = 1;
      else next *= left > 1000 ? 1 : left / 1000;
    }
  }
  if (next < 1) next = 1;
  return next;
}

/** Step 4 (AST_VDauto_dial.pl). */
export function adaptCallsToPlace(level: number, obs: PacingObservation, availableOnly: boolean): number {
  const c = countObservation(obs);
  const tally = availableOnly ? c.ready : c.ready + c.talk + c.wrap;
  const goal = Math.round(level * tally);
  const existing = c.ringing + c.amd + c.waiting + c.connected;
  return Math.max(0, goal - existing);
}

/** Keeps the times after `from`; calls resolve out of placement order, so filter rather than shift. */
function prune(times: number[], from: number): number[] {
  return times.filter((t) => t > from);
}

export function vicidialAdaptPacer(
  partial: Partial<VicidialAdaptConfig> = {},
  name?: string,
): Pacer<VicidialAdaptState> {
  const cfg: VicidialAdaptConfig = { ...defaultVicidialConfig, ...partial };
  const label = name ?? `vicidial ${cfg.method}${cfg.availableOnly ? ' (available only)' : ''}`;

  const rollDay = (s: VicidialAdaptState, now: number): void => {
    const day = localDay(now, cfg.utcOffsetMinutes);
    if (day !== s.day) {
      s.day = day;
      s.callsToday = 0;
      s.answersToday = 0;
      s.dropsToday = 0;
    }
  };

  return {
    name: label,
    initial: (now) => ({
      level: cfg.initialLevel,
      samples: [],
      lastSampleSec: Math.floor(now / 1000),
      samplesSinceRecalc: 0,
      callTimes: [],
      dropTimes: [],
      callsToday: 0,
      answersToday: 0,
      dropsToday: 0,
      day: localDay(now, cfg.utcOffsetMinutes),
    }),

    observe(s, event: PacingEvent) {
      rollDay(s, event.atMs);
      if (event.type === 'dial-result') {
        // vicidial_log gets its row when the call is placed; we learn of it when it resolves. Counting by
        // placement time keeps the one-minute window faithful.
        s.callTimes.push(event.placedAtMs);
        s.callsToday++;
      } else if (event.type === 'human-outcome') {
        s.answersToday++;
        if (event.dropped) {
          s.dropsToday++;
          s.dropTimes.push(event.atMs);
        }
      }
      return s;
    },

    decide(s, obs, now) {
      rollDay(s, now);
      const sec = Math.floor(now / 1000);
      const c = countObservation(obs);
      // One sample per elapsed second; if ticks are sparser, the same snapshot stands for the gap (at most
      // a window's worth, so a long pause does not replay hours of seconds).
      if (sec - s.lastSampleSec > 15) s.lastSampleSec = sec - 15;
      while (s.lastSampleSec < sec) {
        s.lastSampleSec++;
        s.samples.push({ ready: c.ready, waiting: c.waiting, total: c.loggedIn });
        if (s.samples.length > 15) s.samples.shift();
        s.samplesSinceRecalc++;
        if (s.samplesSinceRecalc >= 15) {
          s.samplesSinceRecalc = 0;
          s.callTimes = prune(s.callTimes, now - 60_000);
          s.dropTimes = prune(s.dropTimes, now - 60_000);
          const n = s.samples.length;
          const avg = s.samples.reduce(
            (a, x) => ({ ready: a.ready + x.ready / n, waiting: a.waiting + x.waiting / n, total: a.total + x.total / n }),
            { ready: 0, waiting: 0, total: 0 },
          );
          s.level = recalculateLevel(
            s.level,
            avg,
            {
              callsOneMin: s.callTimes.length,
              dropsOneMin: s.dropTimes.length,
              callsToday: s.callsToday,
              answersToday: s.answersToday,
              dropsToday: s.dropsToday,
            },
            localHHMM(now, cfg.utcOffsetMinutes),
            cfg,
          );
        }
      }
      return {
        state: s,
        decision: { place: adaptCallsToPlace(s.level, obs, cfg.availableOnly), mode: `${label} L=${s.level.toFixed(2)}` },
      };
    },
  };
}
