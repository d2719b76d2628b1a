import { describe, expect, it } from 'vitest';
import {
  defaultGovernorConfig,
  governorCheck,
  governorControl,
  governorDisposition,
  governorInitial,
  governorRecord,
  liveShare,
  type GovernorConfig,
} from '../../../engine/pacing/abandon-governor.js';
import { T0 } from './helpers.js';

const cfg: GovernorConfig = { ...defaultGovernorConfig };
const MIN = 60_000;

/** An hour of answers spread evenly, `drops` of them dropped, also spread evenly. */
function hour(answers: number, drops: number, c: GovernorConfig = cfg) {
  const s = governorInitial(T0);
  const every = drops > 0 ? Math.floor(answers / drops) : Infinity;
  for (let i = 0; i < answers; i++) governorRecord(s, T0 + (i * 60 * MIN) / answers, (i + 1) % every === 0, c);
  return s;
}
/** Before any disposition is known, a dropped call counts as 0.9 of a live person (the prior). */
const W = 0.9;

describe('abandon governor', () => {
  it('allows the most aggressiveness with no drops', () => {
    const v = governorCheck(hour(300, 0), T0 + 60 * MIN - 1, cfg);
    expect(v.allow).toBe(true);
    // 300 answers → 9 drops allowed; the ease-off spans 1.5 budgets: (9 − 1) / 13.5
    expect(v.headroom).toBeCloseTo(8 / 13.5, 6); // (the hour projects from T0 to 1 ms short of it)
    // the old shape (ease-off over the last 70 % of the budget) ran at full speed here
    expect(governorCheck(hour(300, 0), T0 + 60 * MIN - 1, { ...cfg, easeShare: 0.7 }).headroom).toBe(1);
  });

  it('eases off in proportion to the drops left in the hour', () => {
    const now = T0 + 60 * MIN - 1;
    // each drop counts 0.9 of a live person (the prior) and takes 0.9/13.5 off the headroom
    const heads = [0, 2, 4].map((d) => governorCheck(hour(300, d), now, cfg).headroom);
    expect((heads[0] as number) - (heads[1] as number)).toBeCloseTo((2 * W) / 13.5, 2);
    expect((heads[1] as number) - (heads[2] as number)).toBeCloseTo((2 * W) / 13.5, 2);
  });

  it('eases off as the hour’s drops approach the limit, then stops predictive', () => {
    const now = T0 + 60 * MIN - 1;
    const heads = [0, 4, 6, 7, 8, 9].map((d) => governorCheck(hour(300, d), now, cfg).headroom);
    for (let i = 1; i < heads.length; i++) expect(heads[i]).toBeLessThan(heads[i - 1] as number);
    expect(heads[4]).toBeCloseTo((9 - 8 * W - 1) / 13.5, 2); // (a dropped call counts 0.9 as an answer too)
    // 280 answers, 8 drops: 1.2 drops left, the ease-off would say 0.016; the floor holds it
    expect(governorCheck(hour(280, 8), now, cfg).headroom).toBe(cfg.headroomFloor);
    // ≈ 300 answers × 3 % = 9 allowed; 9 drops × 0.9 = 8.1: less than one more fits → careful
    expect(governorCheck(hour(300, 9), now, cfg)).toMatchObject({ allow: true, headroom: cfg.carefulHeadroom });
    expect(governorCheck(hour(300, 10), now, cfg).allow).toBe(false);
  });

  it('projects the hour’s answers before an hour has passed', () => {
    const s = governorInitial(T0);
    for (let i = 0; i < 50; i++) governorRecord(s, T0 + i * 12_000, i === 49, cfg); // 10 min, 1 drop
    // 50 answers in 10 min → 300 projected → 9 allowed: one drop leaves room
    expect(governorCheck(s, T0 + 10 * MIN, cfg).allow).toBe(true);
    for (let i = 0; i < 4; i++) governorRecord(s, T0 + 10 * MIN, true, cfg);
    expect(governorCheck(s, T0 + 10 * MIN, cfg)).toMatchObject({ allow: false, reason: 'drops in the last minute' });
    // 12 min, 5 drops of 54 answers: the hour projects to 270 answers (8.1 allowed) — room for more
    expect(governorCheck(s, T0 + 12 * MIN, cfg)).toMatchObject({ allow: true });
  });

  it('stops predictive when the day is over the limit', () => {
    const s = governorInitial(T0);
    for (let i = 0; i < 400; i++) governorRecord(s, T0 + i * 20_000, i % 25 === 0, cfg); // 4 %, over 2 h 13 min
    expect(governorCheck(s, T0 + 400 * 20_000, cfg).allow).toBe(false);
  });

  it('counts AMD false positives under Ofcom, and refuses when they alone break the target', () => {
    const ofcom: GovernorConfig = { ...cfg, rule: 'ofcom', amdHumanAsMachineRate: 0.05 };
    expect(governorCheck(hour(300, 0, ofcom), T0 + 60 * MIN - 1, ofcom)).toMatchObject({ allow: false });
    const good: GovernorConfig = { ...cfg, rule: 'ofcom', amdHumanAsMachineRate: 0.01 };
    const v = governorCheck(hour(300, 3, good), T0 + 60 * MIN - 1, good);
    const answers = 297 + 3 * W;
    const fp = answers * (0.01 / 0.99);
    expect(v.rateHour).toBeCloseTo((3 * W + fp) / (answers + fp), 9);
  });

  it('weights a dropped call by the live share learned from agents’ dispositions', () => {
    const s = governorInitial(T0);
    for (let i = 0; i < 40; i++) governorDisposition(s, T0, false, cfg, 2500); // late verdicts were machines
    expect(liveShare(s, 2500, cfg)).toBeCloseTo(9 / 50, 9);
    expect(liveShare(s, 1200, cfg)).toBeCloseTo(0.9, 9);
  });

  it('feedback lowers the gain when the hour runs over the setpoint and holds still while held back', () => {
    const s = hour(300, 24); // 7.2 % (counted 0.9 each: 6.5 %), over setpoint × target
    expect(cfg.setpoint * cfg.target).toBeLessThan(0.065);
    governorControl(s, T0 + 60 * MIN, cfg);
    expect(s.gain).toBeLessThan(1);
    const t = hour(300, 0);
    governorControl(t, T0 + 60 * MIN, cfg, false);
    expect(t.gain).toBe(1);
    governorControl(t, T0 + 62 * MIN, cfg, true);
    expect(t.gain).toBeGreaterThan(1);
  });
});
