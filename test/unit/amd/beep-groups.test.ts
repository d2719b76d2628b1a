/**
 * Beeps the corpus showed were missed or invented (issue #17, "short greeting … then silence and a beep"):
 * - "beep-beep(-beep)": two or three short tones (80–250 ms) with quiet between them — no single one is 150 ms;
 * - a beep that starts inside a frame: its first full frame jumps from the partial one and was not even tested,
 *   so a 170 ms beep counted 140 ms;
 * - and the other way: a monotone synthetic vowel keeps 80–95 % of its power at one frequency for 150 ms+, but its
 *   level swells; a melody's notes follow each other with no gap. Neither is a beep.
 */
import { describe, expect, it } from 'vitest';
import { createDetector, defaultAmdParams, type AmdDecision } from '../../../engine/amd/index.js';
import { BeepTracker, DEFAULT_BEEP, type BeepOptions } from '../../../engine/amd/beep.js';
import { frameEnergy } from '../../../engine/amd/energy.js';

const RATE = 8000;
const ms = (x: number) => Math.round((x * RATE) / 1000);

/** A timeline of sample-exact pieces: silence, or a sine of `hz` at amplitude `amp` (optionally with an envelope). */
type Piece = { silence: number } | { hz: number; ms: number; amp: number; env?: (t: number) => number };
function render(pieces: Piece[]): Int16Array {
  const total = pieces.reduce((n, p) => n + ms('silence' in p ? p.silence : p.ms), 0);
  const out = new Int16Array(total + 160);
  let at = 0;
  for (const p of pieces) {
    if ('silence' in p) {
      at += ms(p.silence);
      continue;
    }
    const n = ms(p.ms);
    for (let i = 0; i < n; i++) out[at + i] = Math.round(p.amp * (p.env ? p.env(i / n) : 1) * Math.sin((2 * Math.PI * p.hz * i) / RATE));
    at += n;
  }
  return out;
}

function beepsOf(x: Int16Array, opts: BeepOptions = DEFAULT_BEEP) {
  const tracker = new BeepTracker(opts);
  const heard = [];
  let t = 0;
  for (let at = 0; at + 160 <= x.length; at += 160) {
    const f = x.subarray(at, at + 160);
    const e = frameEnergy(f);
    t += 20;
    const b = tracker.push(f, e, 20, t, e >= 24);
    if (b) heard.push(b);
  }
  const last = tracker.end(t);
  if (last) heard.push(last);
  return heard;
}

describe('beep groups and flat tones', () => {
  it('two short beeps (100 ms each, 150 ms apart) are one beep, ending with the second', () => {
    const heard = beepsOf(render([{ silence: 400 }, { hz: 1100, ms: 100, amp: 3000 }, { silence: 150 }, { hz: 1100, ms: 100, amp: 3000 }, { silence: 800 }]));
    expect(heard).toHaveLength(1);
    expect(heard[0]!.frequencyHz).toBeGreaterThan(1050);
    expect(heard[0]!.frequencyHz).toBeLessThan(1150);
    // The second tone ends at 750 ms; frames are 20 ms, the event names the end of the last whole tone frame.
    expect(heard[0]!.beepAtMs).toBeGreaterThanOrEqual(720);
    expect(heard[0]!.beepAtMs).toBeLessThanOrEqual(760);
  });

  it('three short rising beeps are one beep; a single short one (60–100 ms) is still none', () => {
    const three = beepsOf(
      render([{ silence: 300 }, { hz: 900, ms: 110, amp: 2500 }, { silence: 100 }, { hz: 1100, ms: 110, amp: 2500 }, { silence: 100 }, { hz: 1300, ms: 110, amp: 2500 }, { silence: 600 }]),
    );
    expect(three).toHaveLength(1);
    expect(beepsOf(render([{ silence: 300 }, { hz: 1000, ms: 90, amp: 2500 }, { silence: 800 }]))).toHaveLength(0);
  });

  it('short pieces of a low vowel cut by lost packets (≈ 400 Hz, zeros between) are not a group', () => {
    expect(beepsOf(render([{ silence: 300 }, { hz: 400, ms: 80, amp: 3000 }, { silence: 40 }, { hz: 400, ms: 80, amp: 3000 }, { silence: 600 }]))).toHaveLength(0);
  });

  it('a 170 ms beep starting inside a frame is heard (its first full frame is tested)', () => {
    const heard = beepsOf(render([{ silence: 410 }, { hz: 1800, ms: 170, amp: 400 }, { silence: 600 }]));
    expect(heard).toHaveLength(1);
    expect(heard[0]!.durationMs).toBeGreaterThanOrEqual(140);
  });

  it('a pure but swelling "vowel" of 300 ms is not a beep', () => {
    const swell = (t: number) => 0.3 + 0.7 * Math.sin(Math.PI * t);
    expect(beepsOf(render([{ silence: 300 }, { hz: 520, ms: 300, amp: 3000, env: swell }, { silence: 600 }]))).toHaveLength(0);
  });

  it('a melody of decaying short notes with no gap between them is not a beep', () => {
    const decay = (t: number) => Math.exp(-t / 0.6);
    const notes: Piece[] = [600, 800, 700, 900, 650, 750].map((hz) => ({ hz, ms: 120, amp: 3000, env: decay }));
    expect(beepsOf(render([{ silence: 300 }, ...notes, { silence: 600 }]))).toHaveLength(0);
  });

  it('"Leave a message." then beep-beep: HUMAN first, then LATEBEEP from the async watch', () => {
    const det = createDetector(defaultAmdParams('centralita'));
    // A clean line's "talk": syllables of noise-like samples with quiet (not digital-silence) dips, then 800 ms of
    // quiet, then two short beeps.
    const talk = new Int16Array(ms(900));
    let s = 7;
    for (let i = 0; i < talk.length; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      talk[i] = Math.round(((s / 2 ** 32) * 2 - 1) * ((i / 8) % 240 < 180 ? 3000 : 30));
    }
    const tail = render([{ silence: 800 }, { hz: 1400, ms: 100, amp: 3000 }, { silence: 120 }, { hz: 1400, ms: 100, amp: 3000 }, { silence: 1500 }]);
    const x = new Int16Array(ms(300) + talk.length + tail.length);
    x.set(talk, ms(300));
    x.set(tail, ms(300) + talk.length);
    let first: AmdDecision | null = null;
    let last: AmdDecision | null = null;
    for (let at = 0; at + 160 <= x.length; at += 160) {
      const d = det.pushFrame(x.subarray(at, at + 160));
      if (d) last = d;
      first ??= d;
    }
    last = det.finish('timeout');
    expect(first?.cause).toMatch(/^HUMAN-/);
    expect(last.late?.cause).toMatch(/^LATEBEEP-14\d\d-/);
    expect(last.beepAtMs).toBeGreaterThan(300 + 900 + 800 + 100 + 120);
  });

  describe('a lone short beep (minLoneMs): 100–150 ms of whole tone frames, quiet before it and all through the 300 ms after it', () => {
    const LONE = DEFAULT_BEEP;
    it('a lone 135 ms beep between quiet is heard by default (minLoneMs 100), and is no beep without the rule', () => {
      // The tuning split's missed beeps: single beeps of 131–157 ms read as 120–140 ms of whole tone frames.
      const x = render([{ silence: 410 }, { hz: 1000, ms: 135, amp: 2500 }, { silence: 900 }]);
      expect(beepsOf(x, { ...DEFAULT_BEEP, minLoneMs: 0 })).toHaveLength(0);
      const heard = beepsOf(x, LONE);
      expect(heard).toHaveLength(1);
      expect(heard[0]!.frequencyHz).toBeGreaterThan(950);
      expect(heard[0]!.frequencyHz).toBeLessThan(1050);
      // It ends at 545 ms; the event names the end of its last whole frame, not the moment the quiet after it was heard.
      expect(heard[0]!.beepAtMs).toBeGreaterThanOrEqual(520);
      expect(heard[0]!.beepAtMs).toBeLessThanOrEqual(560);
    });

    it('the same tone with sound within 300 ms after it (a vowel followed by speech) is not a beep', () => {
      const x = render([{ silence: 400 }, { hz: 1000, ms: 135, amp: 2500 }, { silence: 180 }, { hz: 300, ms: 200, amp: 2500 }, { silence: 900 }]);
      expect(beepsOf(x, LONE)).toHaveLength(0);
    });

    it('the same tone right after another sound (no quiet before it) is not a beep', () => {
      const x = render([{ silence: 400 }, { hz: 300, ms: 200, amp: 2500 }, { hz: 1000, ms: 135, amp: 2500 }, { silence: 900 }]);
      expect(beepsOf(x, LONE)).toHaveLength(0);
    });

    it('a lone tone shorter than minLoneMs (90 ms) is still none, and audio that stops right after the tone is none', () => {
      expect(beepsOf(render([{ silence: 400 }, { hz: 1000, ms: 90, amp: 2500 }, { silence: 900 }]), LONE)).toHaveLength(0);
      expect(beepsOf(render([{ silence: 400 }, { hz: 1000, ms: 135, amp: 2500 }, { silence: 100 }]), LONE)).toHaveLength(0);
    });
  });

  it('a tone whose first full frame follows a partial one at 70–75 % of its level is timed from that frame (onsetShare 0.75)', () => {
    // Tuning split, machine-es-0045-greeting: a 134 ms beep over music read as frames at 1 610 (partial), then 2 160…
    // (steady): 1 610 / 2 160 = 0.745 was neither within 25 % of it nor below 0.7, so its first full frame went untested
    // and the beep counted 80 ms. Here the tone starts 45 samples into a frame (the partial frame holds 115 of 160
    // samples of it, 72 %), then 5 full frames, then 30 samples.
    const x = render([{ silence: 400 + 45 / 8 }, { hz: 1000, ms: 118, amp: 2500 }, { silence: 900 }]);
    const heard = beepsOf(x);
    expect(heard).toHaveLength(1);
    expect(heard[0]!.durationMs).toBe(100);
    expect(beepsOf(x, { ...DEFAULT_BEEP, onsetShare: 0.7 })).toHaveLength(0);
  });
});
