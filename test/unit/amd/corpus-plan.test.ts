import { describe, expect, it } from 'vitest';
import { planCorpus } from '../../../engine/amd/corpus/plan.js';
import { mixItem, trimSilence } from '../../../engine/amd/corpus/mix.js';
import { median, summarize, truthFromName, type LabelledResult } from '../../../engine/amd/eval/summary.js';

describe('corpus plan', () => {
  const plan = planCorpus({ humans: 64, machines: 64, seed: 7 });

  it('is deterministic for a seed and changes with it', () => {
    expect(planCorpus({ humans: 64, machines: 64, seed: 7 })).toEqual(plan);
    expect(planCorpus({ humans: 64, machines: 64, seed: 8 })).not.toEqual(plan);
  });

  it('covers both languages, several voices, speeds and noise levels, short and multi-word openers', () => {
    const humans = plan.filter((p) => p.kind === 'human');
    const machines = plan.filter((p) => p.kind === 'machine');
    expect(humans).toHaveLength(64);
    expect(machines).toHaveLength(64);
    for (const group of [humans, machines]) {
      expect(group.filter((p) => p.lang === 'en').length).toBe(32);
      expect(new Set(group.map((p) => p.voice)).size).toBeGreaterThanOrEqual(8);
      expect(new Set(group.map((p) => Math.round(p.speedWpm / 20))).size).toBeGreaterThanOrEqual(3);
      expect(group.some((p) => p.noise.level > 150)).toBe(true);
      expect(group.some((p) => p.noise.level < 5)).toBe(true);
    }
    expect(humans.filter((p) => p.multiWord)).toHaveLength(32);
    expect(plan.some((p) => p.noise.level > 256)).toBe(true); // louder than app_amd's fixed threshold
    expect(plan.filter((p) => p.noise.startMs > 0 && p.noise.level > 20).length).toBeGreaterThan(10);
    expect(machines.filter((p) => p.beep).length).toBeGreaterThan(48);
    expect(new Set(plan.map((p) => p.file)).size).toBe(plan.length);
    for (const p of plan) expect(p.file).toMatch(new RegExp(`^${p.kind}-(en|es)-\\d{3}-[a-z]+\\.wav$`));
  });

  it('a smaller corpus is the first files of the full one', () => {
    const small = planCorpus({ humans: 3, machines: 2, seed: 7 });
    expect(small).toEqual([...plan.slice(0, 3), ...plan.slice(64, 66)]);
  });

  it('any prefix is balanced: the first 4 humans hold 2 multi-word openers, both languages', () => {
    const small = planCorpus({ humans: 4, machines: 2, seed: 7 });
    const h = small.filter((p) => p.kind === 'human');
    expect(h.filter((p) => p.multiWord)).toHaveLength(2);
    expect(new Set(h.map((p) => p.lang))).toEqual(new Set(['en', 'es']));
  });
});

describe('corpus mixing', () => {
  const speech = Int16Array.from({ length: 4000 }, (_, i) => (i < 400 || i > 3600 ? 0 : Math.round(3000 * Math.sin(i / 5))));

  it('trims the synthesiser silence and places speech, pause and beep where planned', () => {
    expect(trimSilence(speech).length).toBeLessThan(3300);
    const [item] = planCorpus({ humans: 0, machines: 1, seed: 7 });
    const beeping = { ...item!, beep: { freqHz: 1000, durationMs: 300, gapMs: 400, level: 2000 }, noise: { kind: 'white' as const, level: 0, startMs: 0 } };
    const mixed = mixItem(beeping, speech);
    expect(mixed.speechStartMs).toBe(beeping.leadMs);
    expect(mixed.beepStartMs).toBe(mixed.speechEndMs + 400);
    expect(mixed.beepEndMs! - mixed.beepStartMs!).toBe(300);
    const lead = mixed.samples.subarray(0, Math.floor(beeping.leadMs * 8) - 8);
    expect(Math.max(...Array.from(lead, Math.abs))).toBe(0);
    expect(mixItem(beeping, speech).samples).toEqual(mixed.samples); // seeded
  });
});

describe('eval summary', () => {
  it('takes the truth from the name prefix', () => {
    expect(truthFromName('human-en-001.wav')).toBe('human');
    expect(truthFromName('Machine_x.wav')).toBe('machine');
    expect(truthFromName('fax.wav')).toBeNull();
  });

  it('counts NOTSURE as wrong and takes medians over each class', () => {
    const rs: LabelledResult[] = [
      { file: 'human-1', truth: 'human', status: 'HUMAN', decisionMs: 1000 },
      { file: 'human-2', truth: 'human', status: 'NOTSURE', decisionMs: 5000 },
      { file: 'human-3', truth: 'human', status: 'MACHINE', decisionMs: 1200 },
      { file: 'machine-1', truth: 'machine', status: 'MACHINE', decisionMs: 3000, beepAtMs: 9000, hasBeep: true },
      { file: 'machine-2', truth: 'machine', status: 'MACHINE', decisionMs: 2000, hasBeep: true },
    ];
    const s = summarize('centralita', rs);
    expect(s).toMatchObject({ mode: 'centralita', n: 5, accuracy: 0.6, beep: { files: 2, found: 1 } });
    expect(s.human).toEqual({ n: 3, correct: 1, medianDecisionMs: 1200, medianCorrectDecisionMs: 1000, notsure: 1 });
    expect(s.machine).toMatchObject({ n: 2, correct: 2, medianDecisionMs: 2500 });
    expect(median([])).toBeNull();
  });
});
