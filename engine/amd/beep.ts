/**
 * Voicemail beep detection: a sustained single tone (≈ 400–2000 Hz, ≥ 150 ms). Cheap enough for every
 * frame of every call: a zero-crossing count estimates the frequency (a pure tone crosses zero 2f times a
 * second), and only frames that look like a steady tone pay for a few Goertzel probes around that estimate,
 * which measure how much of the frame's power is in that one frequency. Speech never keeps ≥ 60 % of its
 * power in one frequency, steadily, for 150 ms.
 */
import type { AmdBeepEvent } from './types.js';

export interface BeepOptions {
  minHz: number;
  maxHz: number;
  minDurationMs: number;
  /** Fraction of frame power at the tone frequency for a frame to count as tonal. */
  minPurity: number;
  /** How far the frequency may wander between frames of one tone. */
  maxDriftHz: number;
}

export const DEFAULT_BEEP: BeepOptions = { minHz: 380, maxHz: 2100, minDurationMs: 150, minPurity: 0.6, maxDriftHz: 40 };

const RATE = 8000;
const PROBE_OFFSETS = [-25, -12.5, 0, 12.5, 25];

/** Goertzel power of `x` at frequency `hz` (any frequency, not only bin centres). */
export function goertzelPower(x: Int16Array, hz: number): number {
  const w = (2 * Math.PI * hz) / RATE;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = 0; i < x.length; i++) {
    const s0 = x[i]! + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

export interface ToneFrame {
  hz: number;
  purity: number;
}

/**
 * Returns the frame's tone when it is one: frequency and purity (share of power at that frequency,
 * 1 = a pure on-frequency sine), or null. `energy` is the frame's mean |sample|, used to skip quiet frames.
 */
export function analyseTone(x: Int16Array, opts: BeepOptions = DEFAULT_BEEP): ToneFrame | null {
  const n = x.length;
  if (n < 80) return null;
  // Zero crossings with a small hysteresis so that low-level noise around zero does not add crossings.
  let sumSq = 0;
  for (let i = 0; i < n; i++) sumSq += x[i]! * x[i]!;
  const rms = Math.sqrt(sumSq / n);
  if (rms < 50) return null;
  const hyst = rms * 0.2;
  let crossings = 0;
  let sign = 0;
  for (let i = 0; i < n; i++) {
    const s = x[i]!;
    const now = s > hyst ? 1 : s < -hyst ? -1 : sign;
    if (now !== sign) {
      if (sign !== 0) crossings++;
      sign = now;
    }
  }
  const estimate = (crossings * RATE) / (2 * n);
  if (estimate < opts.minHz - 50 || estimate > opts.maxHz + 50) return null;
  let best = 0;
  let bestHz = estimate;
  for (const off of PROBE_OFFSETS) {
    const p = goertzelPower(x, estimate + off);
    if (p > best) {
      best = p;
      bestHz = estimate + off;
    }
  }
  // For a pure sine on the probe frequency, power = (A·N/2)² and Σx² = N·A²/2, so 2·power/(N·Σx²) = 1.
  const purity = (2 * best) / (n * sumSq);
  if (purity < opts.minPurity || bestHz < opts.minHz || bestHz > opts.maxHz) return null;
  return { hz: bestHz, purity };
}

/** Follows tonal frames over time and reports a beep when a long-enough steady tone ends. */
export class BeepTracker {
  private runFrames = 0;
  private runMs = 0;
  private runHzSum = 0;
  private runFirstHz = 0;
  private prevEnergy = 0;

  constructor(private readonly opts: BeepOptions = DEFAULT_BEEP) {}

  /**
   * Feeds one frame ending at `endMs` with its mean |sample|; returns the beep when a tone just ended.
   * Only loud frames whose energy is steady (a tone's is; speech's mostly is not) get the spectral test.
   */
  push(x: Int16Array, energy: number, frameMs: number, endMs: number, loud: boolean): AmdBeepEvent | null {
    // Steady, or the onset of a sound out of quiet (a tone's first frame).
    const steady = Math.abs(energy - this.prevEnergy) <= 0.25 * Math.max(energy, this.prevEnergy) || this.prevEnergy < energy * 0.2;
    this.prevEnergy = energy;
    const tone = loud && steady ? analyseTone(x, this.opts) : null;
    if (tone && (this.runFrames === 0 || Math.abs(tone.hz - this.runFirstHz) <= this.opts.maxDriftHz)) {
      if (this.runFrames === 0) this.runFirstHz = tone.hz;
      this.runFrames++;
      this.runMs += frameMs;
      this.runHzSum += tone.hz;
      return null;
    }
    const ended = this.end(endMs - frameMs);
    if (tone) {
      // A different tone starts right away.
      this.runFirstHz = tone.hz;
      this.runFrames = 1;
      this.runMs = frameMs;
      this.runHzSum = tone.hz;
    }
    return ended;
  }

  /** Ends a running tone (at `endMs`) — e.g. when the audio stops; returns it if long enough. */
  end(endMs: number): AmdBeepEvent | null {
    const event =
      this.runMs >= this.opts.minDurationMs
        ? { beepAtMs: endMs, frequencyHz: Math.round(this.runHzSum / this.runFrames), durationMs: this.runMs }
        : null;
    this.runFrames = 0;
    this.runMs = 0;
    this.runHzSum = 0;
    return event;
  }

  get inTone(): boolean {
    return this.runMs >= this.opts.minDurationMs;
  }
}
