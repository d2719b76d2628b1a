import { describe, expect, it } from 'vitest';
import { planCorpus, type CorpusItem } from '../../../engine/amd-lab/corpus/plan.js';
import { activeLevel, renderItem, trimSilence } from '../../../engine/amd-lab/corpus/render.js';
import { HELDOUT_FAMILIES, phraseHalf, splitOf } from '../../../engine/amd-lab/corpus/split.js';
import { VOICE_FAMILIES } from '../../../engine/amd-lab/corpus/voices.js';
import { finalVerdict, median, summarize, truthFromName, type LabelledResult } from '../../../engine/amd-lab/eval/summary.js';

describe('corpus plan', () => {
  const plan = planCorpus({ humans: 600, machines: 600, seed: 7 });

  it('is deterministic for a seed and changes with it; a smaller corpus is a prefix of a larger one', () => {
    expect(planCorpus({ humans: 600, machines: 600, seed: 7 })).toEqual(plan);
    expect(planCorpus({ humans: 600, machines: 600, seed: 8 })).not.toEqual(plan);
    expect(planCorpus({ humans: 20, machines: 20, seed: 7 })).toEqual(plan.slice(0, 40));
  });

  it('holds ≥ 1,000 files from three synthesisers, both languages, every structure and noise', () => {
    expect(plan.length).toBeGreaterThanOrEqual(1000);
    expect(new Set(plan.map((p) => p.file)).size).toBe(plan.length);
    const count = (f: (p: CorpusItem) => string) => {
      const m = new Map<string, number>();
      for (const p of plan) m.set(f(p), (m.get(f(p)) ?? 0) + 1);
      return m;
    };
    expect([...count((p) => p.generator).keys()].sort()).toEqual(['espeak', 'festival', 'flite']);
    for (const [, n] of count((p) => p.generator)) expect(n).toBeGreaterThan(150);
    expect(count((p) => p.family).size).toBeGreaterThanOrEqual(18);
    expect(count((p) => p.voice).size).toBeGreaterThan(100);
    for (const [, n] of count((p) => `${p.kind}-${p.lang}`)) expect(n).toBe(300);
    expect(count((p) => p.structure).size).toBe(19);
    expect(count((p) => p.channel.noise).size).toBe(10);
    expect(plan.some((p) => p.channel.leadingZerosMs >= 600)).toBe(true);
    expect(plan.filter((p) => p.steps.some((s) => s.k === 'say' && s.clipMs)).length).toBeGreaterThan(50);
    expect(new Set(plan.map((p) => Math.round(p.stretch * 10))).size).toBeGreaterThanOrEqual(5);
  });

  it('splits by voice family: no family in both halves, each half large, and phrase lists split in two', () => {
    const bySplit = { tuning: new Set<string>(), heldout: new Set<string>() };
    for (const p of plan) {
      bySplit[p.split].add(p.family);
      expect(p.split).toBe(splitOf(VOICE_FAMILIES.find((f) => f.id === p.family)!));
    }
    expect([...bySplit.tuning].filter((f) => bySplit.heldout.has(f))).toEqual([]);
    expect([...bySplit.heldout].every((f) => f.startsWith('flite:') || HELDOUT_FAMILIES.has(f))).toBe(true);
    const held = plan.filter((p) => p.split === 'heldout');
    expect(held.length).toBeGreaterThan(400);
    expect(plan.length - held.length).toBeGreaterThan(400);
    for (const split of ['tuning', 'heldout'] as const) {
      for (const kind of ['human', 'machine']) for (const lang of ['en', 'es']) expect(plan.some((p) => p.split === split && p.kind === kind && p.lang === lang)).toBe(true);
    }
    expect(phraseHalf(['a', 'b', 'c', 'd'], 'tuning')).toEqual(['a', 'c']);
    expect(phraseHalf(['a', 'b', 'c', 'd'], 'heldout')).toEqual(['b', 'd']);
    // Openers said in held-out files are never said in tuning files.
    const openers = (split: string) => new Set(plan.filter((p) => p.split === split && p.kind === 'human').map((p) => (p.steps.find((s) => s.k === 'say') as { text: string }).text));
    const tuning = openers('tuning');
    expect([...openers('heldout')].filter((t) => tuning.has(t))).toEqual([]);
  });
});

describe('corpus rendering', () => {
  const speech = Int16Array.from({ length: 4000 }, (_, i) => (i < 400 || i > 3600 ? 0 : Math.round(3000 * Math.sin(i / 5))));
  const base = planCorpus({ humans: 0, machines: 1, seed: 7 })[0]!;
  const item: CorpusItem = {
    ...base,
    steps: [
      { k: 'gap', ms: 500 },
      { k: 'say', text: 'x', role: 'greeting' },
      { k: 'gap', ms: 400 },
      { k: 'beep', tones: [{ hz: 1000, ms: 300, gapMs: 0 }], level: 2000 },
      { k: 'gap', ms: 1000 },
    ],
    channel: { noise: 'clean', snrDb: 50, ulaw: true, lossPct: 0, leadingZerosMs: 240, bandLowHz: 300, bandHighHz: 3400 },
  };

  it('trims the synthesiser silence, places speech, pause and beep where planned, after the leading zeros', () => {
    expect(trimSilence(speech).length).toBeLessThan(3300);
    const { samples, times } = renderItem(item, new Map([[1, speech]]), []);
    expect(times.speechStartMs).toBe(240 + 500);
    expect(times.beepStartMs).toBe(times.greetingEndMs! + 400);
    expect(times.beepEndMs! - times.beepStartMs!).toBe(300);
    // Exact zeros before the line opens, and none right after.
    expect(Math.max(...Array.from(samples.subarray(0, 240 * 8), Math.abs))).toBe(0);
    expect(Math.round(activeLevel(samples.subarray((240 + 500) * 8, times.greetingEndMs! * 8)) / item.speechLevel)).toBe(1);
    expect(renderItem(item, new Map([[1, speech]]), []).samples).toEqual(samples); // seeded
  });

  it('adds the planned background at the planned signal-to-noise ratio', () => {
    const noisy: CorpusItem = { ...item, channel: { ...item.channel, noise: 'hiss', snrDb: 20, ulaw: false } };
    const { samples } = renderItem(noisy, new Map([[1, speech]]), []);
    const pause = samples.subarray((240 + 100) * 8, (240 + 400) * 8);
    const level = pause.reduce((a, x) => a + Math.abs(x), 0) / pause.length;
    // 20 dB under the speech level, less what the band-pass takes off white noise.
    expect(level).toBeGreaterThan((item.speechLevel / 10) * 0.6);
    expect(level).toBeLessThan((item.speechLevel / 10) * 1.1);
  });
});

describe('eval summary', () => {
  it('takes the truth from the name prefix', () => {
    expect(truthFromName('human-en-001.wav')).toBe('human');
    expect(truthFromName('Machine_x.wav')).toBe('machine');
    expect(truthFromName('fax.wav')).toBeNull();
  });

  it('counts NOTSURE as wrong for `correct`, by policy for `correctWithLate`, and a late MACHINE over the first verdict', () => {
    const rs: LabelledResult[] = [
      { file: 'human-1', truth: 'human', status: 'HUMAN', decisionMs: 1000 },
      { file: 'human-2', truth: 'human', status: 'NOTSURE', decisionMs: 5000 },
      { file: 'human-3', truth: 'human', status: 'MACHINE', decisionMs: 1200 },
      { file: 'human-4', truth: 'human', status: 'HUMAN', decisionMs: 1400, lateMs: 4000, lateCause: 'MONOLOGUE-4000-4000' },
      { file: 'machine-1', truth: 'machine', status: 'MACHINE', decisionMs: 3000, beepAtMs: 9000, hasBeep: true },
      { file: 'machine-2', truth: 'machine', status: 'MACHINE', decisionMs: 2000, hasBeep: true },
      { file: 'machine-3', truth: 'machine', status: 'HUMAN', decisionMs: 1500, lateMs: 3500, lateCause: 'LATEBEEP-1000-300' },
    ];
    const s = summarize('centralita', rs, 'human');
    expect(s).toMatchObject({ mode: 'centralita', n: 7, beep: { files: 2, found: 1 } });
    expect(s.human).toEqual({ n: 4, correct: 2, correctWithLate: 2, medianDecisionMs: 1300, medianCorrectDecisionMs: 1200, notsure: 1, late: 1 });
    expect(s.machine).toMatchObject({ n: 3, correct: 2, correctWithLate: 3, late: 1, medianDecisionMs: 2000 });
    expect(summarize('centralita', rs, 'machine').human.correctWithLate).toBe(1);
    expect(finalVerdict(rs[1]!, 'machine')).toBe('MACHINE');
    expect(median([])).toBeNull();
  });
});
