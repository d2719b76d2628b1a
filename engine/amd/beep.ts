/**
 * Voicemail beep detection: a sustained single tone (≈ 400–2000 Hz, ≥ 150 ms), or a group of two or more short
 * ones (≥ 60 ms each, 60–300 ms of quiet between them: the "beep-beep" of many voicemail systems, and a long beep
 * cut in two by a lost packet). Cheap enough for every
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
  /** A tone shorter than minDurationMs but at least this long may be one of a group of short beeps... */
  minShortMs: number;
  /** ...followed by the next within this much quiet; the group ends (and is a beep) after this much without a tone. */
  maxGroupGapMs: number;
  /**
   * A lone short tone at least this long (and shorter than minDurationMs) is a beep too when it stands alone: quiet
   * just before it and quiet all through the maxGroupGapMs after it (0 = off). See LONE_QUIET_SHARE.
   */
  minLoneMs: number;
  /**
   * A frame louder than the one before is tested as a tone's first full frame when the one before is below this share of
   * it (the partial frame the tone started in). 0.75 closes the gap left by 0.7: a steady frame is within 25 % of the one
   * before, so a first full frame after a partial one of 70–75 % was neither steady nor an onset, and went untested.
   */
  onsetShare: number;
}

export const DEFAULT_BEEP: BeepOptions = {
  minHz: 380,
  maxHz: 2100,
  minDurationMs: 150,
  minPurity: 0.6,
  maxDriftHz: 40,
  minShortMs: 60,
  maxGroupGapMs: 300,
  minLoneMs: 100,
  onsetShare: 0.75,
};

/**
 * A beep is flat: a generator's tone keeps its level, so its loudest frame is at most this many times its quietest.
 * A vowel of a monotone synthetic (or sung) voice can keep 80–95 % of its power at one frequency for 150 ms, but
 * its level swells and falls (×2–×4 over a syllable); a music note decays. A short tone also counts towards a
 * group only when quiet comes between it and the next (a frame at most this share of the tone's energy: the notes
 * of a melody follow each other without a gap), or a jingle or hold music would be a string of "short beeps".
 */
const TONE_MAX_SPREAD = 1.35;
/**
 * Short tones of a group are at least this high: a low voice's vowel (≈ 400 Hz, purity 0.9) cut into pieces by lost
 * packets (the zeros are "quiet") otherwise makes a group on a cellular line. Voicemail beep-beeps are higher.
 */
const MIN_GROUP_HZ = 450;
const GROUP_GAP_MAX_SHARE = 0.25;
/**
 * A lone short tone (minLoneMs ≤ length < minDurationMs) is a beep only between quiet: the frames before its first
 * full frame and every frame of the maxGroupGapMs after it (but the one it ends in, partly tone) at most this share
 * of the tone's quietest frame. A voicemail beep comes after the greeting's pause and before the caller's turn; a
 * vowel that holds one frequency for 120 ms has speech right before or after it.
 */
const LONE_QUIET_SHARE = 0.25;

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
  /** The frame before prevEnergy's: with it, the quiet before a tone whose first frame was partly tone. */
  private prevPrevEnergy = 0;
  /** The running tone started after quiet (see LONE_QUIET_SHARE): the least of the two frames before it. */
  private runQuietBefore = Infinity;
  private runMinEnergy = Infinity;
  private runMaxEnergy = 0;
  /** Short tones heard so far in a group: count, summed ms and Hz, the end of the last one and its energy. */
  private groupCount = 0;
  private groupMs = 0;
  private groupHzSum = 0;
  private groupEndMs = -1;
  private groupEnergy = 0;
  /** Quietest frame since the last short tone of the group ended (the gap must reach quiet for the group to go on). */
  private gapMinEnergy = Infinity;
  /** Loudest frame since the last short tone ended, past the frame it ended in; and the frames counted. */
  private gapMaxEnergy = 0;
  private gapFrames = 0;
  /** The group's only tone so far started after quiet (for a lone short beep). */
  private groupQuietBefore = false;

  /** The level (mean |sample|, its quietest frame) of the tone behind the last beep reported. */
  lastBeepEnergy = 0;

  constructor(private readonly opts: BeepOptions = DEFAULT_BEEP) {}

  /**
   * Feeds one frame ending at `endMs` with its mean |sample|; returns the beep when a tone just ended.
   * Only loud frames whose energy is steady (a tone's is; speech's mostly is not) get the spectral test.
   */
  push(x: Int16Array, energy: number, frameMs: number, endMs: number, loud: boolean): AmdBeepEvent | null {
    // Steady, or a rising onset (a tone's first full frame follows a frame only partly in the tone).
    const steady = Math.abs(energy - this.prevEnergy) <= 0.25 * Math.max(energy, this.prevEnergy) || this.prevEnergy < energy * this.opts.onsetShare;
    const quietBefore = Math.min(this.prevEnergy, this.prevPrevEnergy);
    this.prevPrevEnergy = this.prevEnergy;
    this.prevEnergy = energy;
    const tone = loud && steady ? analyseTone(x, this.opts) : null;
    if (tone && (this.runFrames === 0 || Math.abs(tone.hz - this.runFirstHz) <= this.opts.maxDriftHz)) {
      if (this.runFrames === 0) {
        this.runFirstHz = tone.hz;
        this.runQuietBefore = quietBefore;
      }
      this.runFrames++;
      this.runMs += frameMs;
      this.runHzSum += tone.hz;
      if (energy < this.runMinEnergy) this.runMinEnergy = energy;
      if (energy > this.runMaxEnergy) this.runMaxEnergy = energy;
      return null;
    }
    let ended = this.endRun(endMs - frameMs, !tone);
    if (this.groupCount > 0 && !tone && this.runFrames === 0) {
      // Between the short tones of a group: the group ends after maxGroupGapMs without a tone.
      if (energy < this.gapMinEnergy) this.gapMinEnergy = energy;
      if (this.gapFrames++ > 0 && energy > this.gapMaxEnergy) this.gapMaxEnergy = energy;
      if (endMs - this.groupEndMs > this.opts.maxGroupGapMs) ended ??= this.endGroup();
    }
    if (tone) {
      // A different tone starts right away.
      this.runFirstHz = tone.hz;
      this.runFrames = 1;
      this.runMs = frameMs;
      this.runHzSum = tone.hz;
      this.runMinEnergy = energy;
      this.runMaxEnergy = energy;
      this.runQuietBefore = quietBefore;
    }
    return ended;
  }

  /**
   * Ends a running tone at `endMs`: a long one is a beep; a short flat one joins the group of short tones when
   * quiet follows it (`quietAfter`: a tone that runs straight into another is a melody's note, not a beep).
   */
  private endRun(endMs: number, quietAfter: boolean): AmdBeepEvent | null {
    const runMs = this.runMs;
    const flat = this.flat;
    let event: AmdBeepEvent | null = null;
    if (runMs >= this.opts.minDurationMs && flat) {
      event = { beepAtMs: endMs, frequencyHz: Math.round(this.runHzSum / this.runFrames), durationMs: runMs };
      this.lastBeepEnergy = this.runMinEnergy;
      this.resetGroup();
    } else if (runMs >= this.opts.minShortMs && flat && quietAfter && this.runHzSum / this.runFrames >= MIN_GROUP_HZ) {
      // No quiet since the group's last tone (the frames either side of a tone are partly tone): not a group.
      if (this.groupCount > 0 && this.gapMinEnergy > this.groupEnergy * GROUP_GAP_MAX_SHARE) this.resetGroup();
      this.groupCount++;
      this.groupMs += runMs;
      this.groupHzSum += this.runHzSum / this.runFrames;
      this.groupEndMs = endMs;
      this.groupEnergy = this.runMinEnergy;
      this.gapMinEnergy = Infinity;
      this.gapMaxEnergy = 0;
      this.gapFrames = 0;
      this.groupQuietBefore = this.groupCount === 1 && this.runQuietBefore <= this.runMinEnergy * LONE_QUIET_SHARE;
    } else if (runMs > 0) this.resetGroup();
    this.runFrames = 0;
    this.runMs = 0;
    this.runHzSum = 0;
    this.runMinEnergy = Infinity;
    this.runMaxEnergy = 0;
    this.runQuietBefore = Infinity;
    return event;
  }

  /**
   * Two or more short tones make a beep, which ends where the last of them ended; so does one tone of at least
   * minLoneMs with quiet before it and quiet all through the gap after it (`complete`: the gap ran its whole length).
   */
  private endGroup(complete = true): AmdBeepEvent | null {
    const lone =
      this.groupCount === 1 &&
      this.opts.minLoneMs > 0 &&
      this.groupMs >= this.opts.minLoneMs &&
      this.groupQuietBefore &&
      complete &&
      this.gapMaxEnergy <= this.groupEnergy * LONE_QUIET_SHARE;
    const event =
      this.groupCount >= 2 || lone
        ? { beepAtMs: this.groupEndMs, frequencyHz: Math.round(this.groupHzSum / this.groupCount), durationMs: this.groupMs }
        : null;
    if (event) this.lastBeepEnergy = this.groupEnergy;
    this.resetGroup();
    return event;
  }

  private resetGroup(): void {
    this.groupCount = 0;
    this.groupMs = 0;
    this.groupHzSum = 0;
    this.groupEndMs = -1;
    this.gapMinEnergy = Infinity;
    this.gapMaxEnergy = 0;
    this.gapFrames = 0;
    this.groupQuietBefore = false;
  }

  /** Ends a running tone (at `endMs`) — e.g. when the audio stops; returns it, or a group of short tones, if one. */
  end(endMs: number): AmdBeepEvent | null {
    // A lone short tone needs its whole quiet gap heard: not when the audio stops before it is over.
    return this.endRun(endMs, true) ?? this.endGroup(false);
  }

  /** The running tone keeps its level (see TONE_MAX_SPREAD). */
  private get flat(): boolean {
    return this.runMaxEnergy <= this.runMinEnergy * TONE_MAX_SPREAD;
  }

  get inTone(): boolean {
    return this.runMs >= this.opts.minDurationMs && this.flat;
  }
}
