import { describe, expect, it } from 'vitest';
import { histAdd, histCdf, histogram, kaplanMeier, survivalCdf } from '../../../engine/pacing/estimators.js';

describe('Kaplan–Meier survival', () => {
  it('equals the histogram’s own distribution when nothing is censored', () => {
    const h = histogram(1_000, 10_000);
    for (const v of [500, 1_500, 1_700, 4_200, 4_900, 8_000]) histAdd(h, v);
    const s = kaplanMeier(h, []);
    for (const x of [0, 700, 1_000, 2_500, 4_500, 7_000, 9_999, 20_000]) expect(survivalCdf(s, h.binMs, x)).toBeCloseTo(histCdf(h, x), 12);
  });

  it('counts durations still running as at risk up to where they have got', () => {
    const h = histogram(1_000, 10_000);
    histAdd(h, 1_500);
    histAdd(h, 3_500);
    // two running: one at 2.2 s (at risk through bin 2), one at 9 s
    const s = kaplanMeier(h, [2_200, 9_000]);
    // bin 1: 4 at risk, 1 ends → 3/4; bin 2: the 2.2 s one leaves; bin 3: 2 at risk, 1 ends → 3/4 · 1/2
    expect(1 - survivalCdf(s, h.binMs, 2_000)).toBeCloseTo(0.75, 12);
    expect(1 - survivalCdf(s, h.binMs, 4_000)).toBeCloseTo(0.375, 12);
    // completed ones only: both ended by 4 s
    expect(histCdf(h, 4_000)).toBe(1);
  });
});
