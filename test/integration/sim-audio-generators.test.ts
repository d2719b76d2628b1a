/**
 * The simulator's synthetic callee audio: speech-like syllable bursts, the machine's 1 kHz beep, and the
 * human/machine scripts' energy timelines (what energy-based AMD listens to). Pure, seeded.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../engine/sim/audio/rng.js';
import { FRAME_SAMPLES, meanAbs, render } from '../../engine/sim/audio/source.js';
import { speech, speechSamples } from '../../engine/sim/audio/speech.js';
import { beep } from '../../engine/sim/audio/tone.js';
import { human, machine, type CalleePlan } from '../../engine/sim/scripts.js';

/** Mean |sample| per 20 ms frame. */
function energies(x: Int16Array): number[] {
  const out: number[] = [];
  for (let i = 0; i + FRAME_SAMPLES <= x.length; i += FRAME_SAMPLES) out.push(meanAbs(x.subarray(i, i + FRAME_SAMPLES)));
  return out;
}

/** Lengths (ms) of runs of frames above / below a threshold. */
function runs(e: number[], threshold: number): { loud: number[]; quiet: number[] } {
  const loud: number[] = [];
  const quiet: number[] = [];
  let cur = e[0]! > threshold;
  let len = 0;
  for (const v of e) {
    if (v > threshold === cur) len++;
    else {
      (cur ? loud : quiet).push(len * 20);
      cur = v > threshold;
      len = 1;
    }
  }
  (cur ? loud : quiet).push(len * 20);
  return { loud, quiet };
}

describe('synthetic speech', () => {
  it('is bursts of syllable length separated by pauses, reproducible from the seed', () => {
    const x = speechSamples({ ms: 6000, seed: 99 });
    const same = (a: Int16Array, b: Int16Array): boolean => Buffer.from(a.buffer).equals(Buffer.from(b.buffer));
    expect(same(speechSamples({ ms: 6000, seed: 99 }), x)).toBe(true);
    expect(same(speechSamples({ ms: 6000, seed: 100 }), x)).toBe(false);
    const e = energies(x);
    const { loud, quiet } = runs(e, 300);
    expect(loud.length).toBeGreaterThan(10);
    const median = [...loud].sort((a, b) => a - b)[Math.floor(loud.length / 2)]!;
    expect(median).toBeGreaterThanOrEqual(60);
    expect(median).toBeLessThanOrEqual(300);
    expect(quiet.length).toBeGreaterThan(5);
    // A noise floor, not digital silence, between words.
    expect(Math.min(...e)).toBeGreaterThan(0);
  });

  it('streams the same samples frame by frame', () => {
    const a = render(speech({ ms: 1000, seed: 4 }));
    const b = speechSamples({ ms: 1000, seed: 4 });
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
  });
});

describe('beep', () => {
  it('is 1 kHz for half a second', () => {
    const x = render(beep(500));
    expect(x.length).toBe(4000);
    let crossings = 0;
    for (let i = 1; i < x.length; i++) if ((x[i - 1]! < 0) !== (x[i]! < 0)) crossings++;
    expect(crossings).toBeGreaterThan(980);
    expect(crossings).toBeLessThan(1020);
  });
});

function answerAudio(plan: CalleePlan, ms: number): number[] {
  if (plan.outcome.kind !== 'answer') throw new Error('expected an answer');
  return energies(render(plan.outcome.audio(), ms));
}

describe('scripts', () => {
  it('human: a short "Hello?" (0.4–1.2 s) after answer, then seconds of silence', () => {
    for (let seed = 1; seed <= 5; seed++) {
      const plan = human({ rng: mulberry32(seed), seed, endpoint: 'PJSIP/+15550110001@trunk' });
      expect(plan.outcome.kind === 'answer' && plan.outcome.atMs >= 1000 && plan.outcome.atMs <= 8000).toBe(true);
      const e = answerAudio(plan, 5000);
      const firstLoud = e.findIndex((v) => v > 300);
      const lastLoudInOpener = e.slice(0, 100).map((v) => v > 300).lastIndexOf(true);
      expect(firstLoud).toBeGreaterThanOrEqual(0);
      expect((lastLoudInOpener - firstLoud + 1) * 20).toBeLessThanOrEqual(1200);
      // After the opener: at least 2 s without speech.
      expect(e.slice(lastLoudInOpener + 1, lastLoudInOpener + 1 + 100).every((v) => v < 300)).toBe(true);
    }
  });

  it('machine: a long greeting (5–20 s), then the beep, then silence', () => {
    const seed = 8;
    const plan = machine({ rng: mulberry32(seed), seed, endpoint: 'PJSIP/+15550120001@trunk' });
    const e = answerAudio(plan, 30_000);
    const loud = e.map((v) => v > 300);
    const lastLoud = loud.lastIndexOf(true);
    expect(lastLoud * 20).toBeGreaterThanOrEqual(5000);
    expect(lastLoud * 20).toBeLessThanOrEqual(21_000);
    // The beep: 25 frames of steady, high energy at the end of the greeting.
    const tail = e.slice(lastLoud - 24, lastLoud + 1);
    expect(Math.max(...tail) - Math.min(...tail)).toBeLessThan(50);
    expect(e.slice(lastLoud + 1).every((v) => v < 100)).toBe(true);
  });
});
