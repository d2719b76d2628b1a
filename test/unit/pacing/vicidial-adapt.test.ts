import { describe, expect, it } from 'vitest';
import {
  adaptCallsToPlace,
  defaultVicidialConfig,
  localHHMM,
  recalculateLevel,
  vicidialAdaptPacer,
  type AdaptStats,
  type VicidialAdaptConfig,
} from '../../../engine/pacing/vicidial-adapt.js';
import { T0, obs } from './helpers.js';

const noDrops: AdaptStats = { callsOneMin: 0, dropsOneMin: 0, callsToday: 0, answersToday: 0, dropsToday: 0 };
const cfg = (over: Partial<VicidialAdaptConfig> = {}): VicidialAdaptConfig => ({ ...defaultVicidialConfig, ...over });
const at = (hh: number, mm: number): number => Date.UTC(2026, 0, 5, hh, mm);

describe('VICIdial ADAPT level (AST_VDadapt.pl)', () => {
  it('moves the level by (avg R − avg W + diffTarget) / avg T', () => {
    // 5 ready, 1 waiting, 20 logged in: +20 % → 1.5 × 1.2 = 1.8
    expect(recalculateLevel(1.5, { ready: 5, waiting: 1, total: 20 }, noDrops, 1000, cfg())).toBeCloseTo(1.8, 9);
    // customers waiting: −25 % → 2 × 0.75
    expect(recalculateLevel(2, { ready: 0, waiting: 5, total: 20 }, noDrops, 1000, cfg())).toBeCloseTo(1.5, 9);
    // diffTarget −1 aims at one agent waiting
    expect(recalculateLevel(2, { ready: 1, waiting: 0, total: 10 }, noDrops, 1000, cfg({ diffTarget: -1 }))).toBe(2);
  });

  it('scales by intensity: up ×(1+i/100), down ×|i/100 − 1|', () => {
    const up = recalculateLevel(1, { ready: 2, waiting: 0, total: 10 }, noDrops, 1000, cfg({ intensity: 20 }));
    expect(up).toBeCloseTo(1 * (1 + 0.2 * 1.2), 9);
    const down = recalculateLevel(2, { ready: 0, waiting: 2, total: 10 }, noDrops, 1000, cfg({ intensity: 20 }));
    expect(down).toBeCloseTo(2 * (1 - 0.2 * 0.8), 9);
  });

  it('clamps to [1, maxLevel]', () => {
    expect(recalculateLevel(2.9, { ready: 10, waiting: 0, total: 10 }, noDrops, 1000, cfg())).toBe(3);
    expect(recalculateLevel(1.1, { ready: 0, waiting: 10, total: 10 }, noDrops, 1000, cfg())).toBe(1);
    expect(recalculateLevel(1.5, { ready: 0, waiting: 0, total: 0 }, noDrops, 1000, cfg())).toBe(1.5);
  });

  it('halves the level when over half of the last minute’s 20+ calls dropped', () => {
    const stats = { ...noDrops, callsOneMin: 30, dropsOneMin: 16 };
    expect(recalculateLevel(3, { ready: 0, waiting: 0, total: 10 }, stats, 1000, cfg())).toBe(1.5);
    expect(recalculateLevel(3, { ready: 0, waiting: 0, total: 10 }, { ...stats, callsOneMin: 20 }, 1000, cfg())).toBe(3);
  });

  it('applies HARD_LIMIT, AVERAGE and TAPERED when today is over the drop target', () => {
    const over: AdaptStats = { callsOneMin: 0, dropsOneMin: 0, callsToday: 200, answersToday: 60, dropsToday: 3 }; // 5 %
    const avg = { ready: 0, waiting: 0, total: 10 };
    expect(recalculateLevel(2.4, avg, over, 1200, cfg({ method: 'ADAPT_HARD_LIMIT' }))).toBe(1);
    expect(recalculateLevel(2.4, avg, over, 1200, cfg({ method: 'ADAPT_AVERAGE' }))).toBe(1.2);
    // TAPERED: HHMM arithmetic, 2100 − 1430 = 670 → × 0.67
    expect(recalculateLevel(3, avg, over, 1430, cfg())).toBeCloseTo(2.01, 9);
    // more than "1000" left (before 11:00): no taper at all
    expect(recalculateLevel(3, avg, over, 1030, cfg())).toBe(3);
    // near 21:00 the level collapses to the floor of 1; past it, 1.0
    expect(recalculateLevel(3, avg, over, 2050, cfg())).toBe(1);
    expect(recalculateLevel(3, avg, over, 2101, cfg())).toBe(1);
    // 50 calls or fewer today: no drop rule
    expect(recalculateLevel(3, avg, { ...over, callsToday: 50 }, 2101, cfg())).toBe(3);
    // under the target: no drop rule
    expect(recalculateLevel(3, avg, { ...over, dropsToday: 1 }, 2101, cfg())).toBe(3);
  });

  it('places goal − existing calls with both tally variants', () => {
    const o = obs({ ready: 4, talkSince: [T0, T0, T0, T0, T0, T0], wrapSince: [T0], ringingAt: [T0, T0], waiting: 1 });
    // all: round(2 × (4 + 6 + 1)) = 22 − (2 ringing + 1 waiting + 6 connected) = 13
    expect(adaptCallsToPlace(2, o, false)).toBe(13);
    // available only: round(2 × 4) = 8 − 9 → 0
    expect(adaptCallsToPlace(2, o, true)).toBe(0);
    expect(adaptCallsToPlace(3, obs({ ready: 5 }), true)).toBe(15);
  });

  it('recalculates every 15 one-second samples, from the samples’ averages', () => {
    const pacer = vicidialAdaptPacer({ initialLevel: 1 });
    let s = pacer.initial(T0);
    const levels: number[] = [];
    for (let sec = 1; sec <= 30; sec++) {
      const r = pacer.decide(s, obs({ ready: 2, talkSince: new Array<number>(8).fill(T0) }), T0 + sec * 1000);
      s = r.state;
      levels.push(s.level);
    }
    expect(levels.slice(0, 14).every((l) => l === 1)).toBe(true);
    expect(levels[14]).toBeCloseTo(1.2, 9); // 2 ready of 10
    expect(levels[28]).toBeCloseTo(1.2, 9);
    expect(levels[29]).toBeCloseTo(1.44, 9);
  });

  it('counts drops and calls from events for the drop rules', () => {
    const pacer = vicidialAdaptPacer({ method: 'ADAPT_HARD_LIMIT', initialLevel: 2.5 });
    let s = pacer.initial(at(12, 0));
    for (let i = 0; i < 60; i++) {
      s = pacer.observe(s, { type: 'dial-result', placedAtMs: at(12, 0), atMs: at(12, 0) + 20_000, result: 'human', answeredAtMs: at(12, 0) });
      s = pacer.observe(s, { type: 'human-outcome', atMs: at(12, 0) + 20_000, answeredAtMs: at(12, 0), verdictAtMs: at(12, 0), dropped: i % 10 === 0 });
    }
    for (let sec = 1; sec <= 15; sec++) s = pacer.decide(s, obs({ ready: 10 }), at(12, 0) + 20_000 + sec * 1000).state;
    expect(s.level).toBe(1);
  });

  it('reads local HHMM with the server offset', () => {
    expect(localHHMM(at(20, 45), 0)).toBe(2045);
    expect(localHHMM(at(2, 30), -360)).toBe(2030);
  });
});
