/**
 * The governor on a campaign run by several nodes (#18): the other nodes' counts (read from the shared counters)
 * join the node's own in the hour, today and 30-day checks and in the gain loop, so the target holds for the
 * campaign; the hour's projection treats each node's share over its own span; without them (null) the governor is
 * exactly the single-node one. Pure, virtual time.
 */
import { describe, expect, it } from 'vitest';
import {
  defaultGovernorConfig,
  governorCheck,
  governorControl,
  governorInitial,
  governorRecord,
  governorShared,
  type OtherNodesCounts,
} from '../../../engine/pacing/abandon-governor.js';
import { predictivePacer } from '../../../engine/pacing/predictive.js';
import { T0 } from './helpers.js';

const cfg = { ...defaultGovernorConfig };
const MIN = 60_000;
const tally = (answers: number, drops: number) => ({ answers, drops });
const others = (answers: number, drops: number, hourSinceMs: number | null = T0): OtherNodesCounts => ({
  hour: tally(answers, drops),
  hourSinceMs,
  today: tally(answers, drops),
  month: tally(answers, drops),
});

/** A node that saw `answers` live answers over the hour and no drop. */
function cleanHour(answers: number) {
  const s = governorInitial(T0);
  for (let i = 0; i < answers; i++) governorRecord(s, T0 + (i * 60 * MIN) / answers, false, cfg);
  return s;
}

describe('abandon governor: the campaign across nodes', () => {
  const now = T0 + 60 * MIN - 1;

  it("a clean node stops predictive when the other nodes' drops spend the campaign's hour", () => {
    const s = cleanHour(300);
    expect(governorCheck(s, now, cfg)).toMatchObject({ allow: true, reason: 'ok' });
    // Other nodes: 290 answers, 17 drops. The campaign's hour: 590 answers → 17.7 drops allowed, 17 spent.
    governorShared(s, others(290, 17));
    const v = governorCheck(s, now, cfg);
    expect(v.allow).toBe(true);
    expect(v.reason).toBe('careful: the hour is near its limit');
    expect(v.rateHour).toBeCloseTo(17 / 590, 6);
    governorShared(s, others(290, 18));
    expect(governorCheck(s, now, cfg)).toMatchObject({ allow: false, reason: 'the hour is at its limit' });
    // Null (Redis unreachable, nothing fresh): the node's own counts, as a single node.
    governorShared(s, null);
    expect(governorCheck(s, now, cfg)).toMatchObject({ allow: true, reason: 'ok' });
  });

  it('keeps one drop in reserve per node dialling the campaign, not one in all', () => {
    const s = cleanHour(300);
    // The campaign's hour: 590 answers → 17.7 drops allowed, 16 spent, 1.7 left.
    governorShared(s, others(290, 16));
    const alone = governorCheck(s, now, cfg);
    expect(alone).toMatchObject({ allow: true, reason: 'ok' });
    // Two other nodes dial it too: three nodes' calls in flight may drop, 1.7 left is within the reserve of 3.
    governorShared(s, { ...others(290, 16), nodes: 2 });
    expect(governorCheck(s, now, cfg)).toMatchObject({ allow: true, reason: 'careful: the hour is near its limit', headroom: cfg.carefulHeadroom });
    // Further from the limit the reserve still takes its share of the headroom: less than with one node.
    governorShared(s, others(290, 10));
    const oneNode = governorCheck(s, now, cfg).headroom;
    governorShared(s, { ...others(290, 10), nodes: 2 });
    const threeNodes = governorCheck(s, now, cfg).headroom;
    expect(threeNodes).toBeLessThan(oneNode);
    expect(threeNodes).toBeGreaterThan(cfg.carefulHeadroom);
  });

  it("the other nodes' clean answers widen the campaign's budget (the headroom grows)", () => {
    const s = cleanHour(100);
    const alone = governorCheck(s, now, cfg).headroom;
    governorShared(s, others(500, 0));
    expect(governorCheck(s, now, cfg).headroom).toBeGreaterThan(alone);
  });

  it("a node that joins a running campaign does not project the others' full hour as if it were young", () => {
    // This node started 5 minutes ago and has seen 10 answers; the others have counted a full hour: 300, 9 drops.
    const start = now - 5 * MIN;
    const s = governorInitial(start);
    for (let i = 0; i < 10; i++) governorRecord(s, start + i * 20_000, false, cfg);
    governorShared(s, others(300, 9, now - 60 * MIN));
    // Own 10 projected ×12 = 120, the others' 300 as they are: 420 → 12.6 allowed, 9 spent: still predictive.
    expect(governorCheck(s, now, cfg).allow).toBe(true);
    // Were the others' hour projected over this node's 5 minutes (×12), 9 drops would look like a tiny share.
    governorShared(s, others(300, 12, now - 60 * MIN));
    // 420 answers → 12.6 allowed, 12 spent: less than one drop left.
    expect(governorCheck(s, now, cfg).reason).toBe('careful: the hour is near its limit');
  });

  it('the daily and 30-day limits count the campaign; the minute burst guard stays per node', () => {
    const s = cleanHour(200);
    // Others: the hour is fine (1 drop in 2,000) but the day is over the limit (60 drops in 1,500 today).
    governorShared(s, { hour: tally(2000, 1), hourSinceMs: T0, today: tally(1500, 60), month: tally(1500, 60) });
    expect(governorCheck(s, now, cfg)).toMatchObject({ allow: false, reason: 'at the daily limit' });
    governorShared(s, { hour: tally(2000, 1), hourSinceMs: T0, today: tally(100, 0), month: tally(5000, 200) });
    expect(governorCheck(s, now, cfg)).toMatchObject({ allow: false, reason: 'at the 30-day limit' });
    // The others' 3 drops in the last minute are theirs to react to: this node's burst guard does not fire.
    governorShared(s, others(2000, 3));
    expect(governorCheck(s, now, cfg).reason).not.toBe('drops in the last minute');
  });

  it("the gain loop trims toward the campaign's rate", () => {
    const a = cleanHour(300);
    const b = cleanHour(300);
    governorShared(b, others(300, 40)); // the campaign runs far above the setpoint (6 %)
    governorControl(a, T0 + 61 * MIN, cfg);
    governorControl(b, T0 + 61 * MIN, cfg);
    expect(a.gain).toBeGreaterThan(1);
    expect(b.gain).toBeLessThan(1);
  });

  it("the predictive pacer takes the others' counts from a 'campaign-abandon' event", () => {
    const p = predictivePacer();
    let s = p.initial(T0);
    s = p.observe(s, { type: 'campaign-abandon', atMs: T0, others: others(300, 18) });
    expect(s.governor.others?.hour).toEqual(tally(300, 18));
    s = p.observe(s, { type: 'campaign-abandon', atMs: T0 + 1000, others: null });
    expect(s.governor.others).toBeNull();
    // Nothing else moved: the event is no dial result and no talk.
    expect(s.results).toBe(0);
    expect(s.talk.total).toBe(0);
  });
});
