import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../engine/random/index.js';
import { frameCues, frameFlatness, framePitch, openerVoiceCues, VOICE_CUE_NAMES, type FrameCues } from '../../../engine/amd-lab/train/voice-cues.js';

const RATE = 8000;

/** A tone at `hz`, 20 ms frames from sample `from`. */
function tone(hz: number, samples: number, amp = 3000): Int16Array {
  return Int16Array.from({ length: samples }, (_, n) => Math.round(amp * Math.sin((2 * Math.PI * hz * n) / RATE)));
}

/**
 * A voice-like vowel: a glottal pulse train at f0(t) (Hz, may glide) through two formant resonators (700 and 1 200 Hz),
 * as a source–filter model of an "a". Periodic like a voice, with a spectrum of many harmonics (not one line).
 */
function vowel(samples: number, f0: (n: number) => number, amp = 3000): Int16Array {
  const out = new Int16Array(samples);
  const res = (fc: number, bw: number) => {
    const r = Math.exp((-Math.PI * bw) / RATE);
    return { a1: 2 * r * Math.cos((2 * Math.PI * fc) / RATE), a2: -r * r, y1: 0, y2: 0 };
  };
  const f1 = res(700, 90);
  const f2 = res(1200, 110);
  let phase = 0;
  const raw = new Float64Array(samples);
  for (let n = 0; n < samples; n++) {
    phase += f0(n) / RATE;
    const pulse = phase >= 1 ? 1 : 0;
    if (phase >= 1) phase -= 1;
    const y = pulse + f1.a1 * f1.y1 + f1.a2 * f1.y2;
    f1.y2 = f1.y1;
    f1.y1 = y;
    const z = y + f2.a1 * f2.y1 + f2.a2 * f2.y2;
    f2.y2 = f2.y1;
    f2.y1 = z;
    raw[n] = z;
  }
  const peak = Math.max(...raw.map(Math.abs));
  for (let n = 0; n < samples; n++) out[n] = Math.round((raw[n]! / peak) * amp);
  return out;
}

function noise(samples: number, seed = 3, amp = 3000): Int16Array {
  const rng = mulberry32(seed);
  return Int16Array.from({ length: samples }, () => Math.round((rng() * 2 - 1) * amp));
}

/** Per-frame cues of a whole signal (20 ms frames, each with the one before it for the pitch). */
function cuesOf(x: Int16Array): FrameCues[] {
  const out: FrameCues[] = [];
  for (let f = 0; (f + 1) * 160 <= x.length; f++) out.push(frameCues(x.subarray(f * 160, (f + 1) * 160), f ? x.subarray((f - 1) * 160, f * 160) : null));
  return out;
}

describe('voice cues (voice-cues.ts): pitch, periodicity, spectral flatness', () => {
  it('spectral flatness orders a tone < a voice-like vowel < white noise', () => {
    const t = frameFlatness(tone(1000, 160));
    const v = frameFlatness(vowel(320, () => 140).subarray(160));
    const n = frameFlatness(noise(160));
    expect(t).toBeLessThan(v);
    expect(v).toBeLessThan(n);
    expect(n).toBeGreaterThan(0.4);
    expect(t).toBeLessThan(0.05);
  });

  it('finds the pitch of a vowel (not an octave below) and calls white noise unpitched', () => {
    for (const hz of [95, 140, 220, 310]) {
      const x = vowel(800, () => hz);
      const p = framePitch(x.subarray(480, 640), x.subarray(320, 480));
      expect(p.periodicity).toBeGreaterThan(0.7);
      expect(Math.abs(12 * Math.log2(p.f0 / hz))).toBeLessThan(0.8); // within a semitone
    }
    const n = noise(320);
    const p = framePitch(n.subarray(160), n.subarray(0, 160));
    expect(p.f0).toBe(0);
    expect(p.periodicity).toBeLessThan(0.5);
  });

  it('a rising vowel ends up (finalMoveSt > 0), a falling one ends down, a level one does not move', () => {
    const len = 8000; // 1 s, 50 frames
    const cue = (f0: (n: number) => number) => {
      const c = cuesOf(vowel(len, f0));
      const x = openerVoiceCues(c, c.map(() => true), c.length);
      return Object.fromEntries(VOICE_CUE_NAMES.map((n, i) => [n, x[i]!])) as Record<(typeof VOICE_CUE_NAMES)[number], number>;
    };
    // Level for 70 % of the phrase, then a glide of 6 semitones up (a question) or 5 down (a statement's end).
    const glide = (hz: number, st: number) => (n: number) => hz * 2 ** ((st / 12) * Math.max(0, (n / len - 0.7) / 0.3));
    const rising = cue(glide(130, 6));
    const falling = cue(glide(200, -5));
    const level = cue(() => 150);
    expect(rising.finalMoveSt).toBeGreaterThan(1);
    expect(falling.finalMoveSt).toBeLessThan(-1);
    expect(Math.abs(level.finalMoveSt)).toBeLessThan(0.5);
    expect(level.pitchRangeSt).toBeLessThan(0.5);
    expect(rising.pitchRangeSt).toBeGreaterThan(level.pitchRangeSt);
    expect(level.pitchedShare).toBeGreaterThan(0.9);
  });

  it("the pause's periodicity tells a voice going on behind the pause from hiss", () => {
    const opener = vowel(4000, () => 150);
    const withVoice = new Int16Array(8000);
    withVoice.set(opener);
    withVoice.set(vowel(4000, () => 180, 800), 4000);
    const withHiss = new Int16Array(8000);
    withHiss.set(opener);
    withHiss.set(noise(4000, 5, 800), 4000);
    const voiced = Array.from({ length: 50 }, (_, i) => i < 25);
    const pp = (x: Int16Array) => openerVoiceCues(cuesOf(x), voiced, 25)[VOICE_CUE_NAMES.indexOf('pausePeriodicity')]!;
    expect(pp(withVoice)).toBeGreaterThan(0.7);
    expect(pp(withHiss)).toBeLessThan(0.4);
  });
});
