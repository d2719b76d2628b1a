/**
 * The abandon percentages the wallboard shows: no rate without a live answer (not 0 %, not the AMD allowance),
 * the Ofcom figure = counted · (1 − r) + r with r the assumed AMD false-positive rate, returned apart so a screen
 * can label it, and the same numbers the governor counts under each rule.
 */
import { describe, expect, it } from 'vitest';
import { defaultGovernorConfig, governorCheck, governorDisposition, governorInitial, governorRecord } from '../../../engine/pacing/abandon-governor.js';
import { abandonPercents } from '../../../engine/pacing/index.js';

const r = defaultGovernorConfig.amdHumanAsMachineRate;
const T0 = Date.UTC(2026, 0, 5, 10);

/** The governor's rate today after `humans` connected live answers and `dropped` drops (agents said: live). */
function governorRate(humans: number, dropped: number, rule: 'us' | 'ofcom'): number {
  const cfg = { ...defaultGovernorConfig, rule };
  const s = governorInitial(T0);
  // Dispositions first, so a drop weighs as a whole live person (the prior would make it 0.9…).
  for (let i = 0; i < 1000; i++) governorDisposition(s, T0, true, cfg);
  for (let i = 0; i < humans; i++) governorRecord(s, T0 + i, false, cfg);
  for (let i = 0; i < dropped; i++) governorRecord(s, T0 + humans + i, true, cfg);
  return governorCheck(s, T0 + 60_000, cfg).rateToday * 100;
}

describe('abandonPercents', () => {
  it('gives no rate at all before a live answer', () => {
    expect(abandonPercents({ humans: 0, dropped: 0 }, r)).toEqual({ us: null, ofcom: null, amdFpRatePct: 5 });
  });

  it('with no drop the counted figure is 0 and the Ofcom figure is the AMD allowance alone, returned apart', () => {
    const p = abandonPercents({ humans: 3, dropped: 0 }, r);
    expect(p.us).toBe(0);
    expect(p.ofcom).toBeCloseTo(5, 10);
    expect(p.amdFpRatePct).toBe(5);
  });

  it('Ofcom = counted · (1 − r) + r', () => {
    const p = abandonPercents({ humans: 2, dropped: 1 }, r);
    expect(p.us).toBeCloseTo(100 / 3, 10);
    expect(p.ofcom).toBeCloseTo((100 / 3) * (1 - r) + 100 * r, 10);
  });

  it('matches what the governor counts under each rule', () => {
    for (const [humans, dropped] of [[3, 0], [97, 3], [40, 2]] as const) {
      const p = abandonPercents({ humans, dropped }, r);
      expect(governorRate(humans, dropped, 'us')).toBeCloseTo(p.us!, 1);
      expect(governorRate(humans, dropped, 'ofcom')).toBeCloseTo(p.ofcom!, 1);
    }
  });
});
