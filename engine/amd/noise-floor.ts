/**
 * Adaptive voice-activity decision on frame energy (mean |sample|), for the centralita mode.
 *
 * The noise floor is the larger of two estimates:
 * - a follower that falls fast towards quieter frames and creeps up slowly (1.5 % a frame): it sits near
 *   the typical level of the pauses, even on bursty (brown) noise whose quietest frames are far below it;
 * - the quietest frame of the last 1.5–2 s ("minimum statistics", kept per 500 ms block so each frame costs
 *   O(1)): when a line gets noisier — or real noise follows the digital silence Asterisk sends while the
 *   media path opens — it lifts the floor within two seconds, where the slow follower would take many.
 * - The digital silence before the line opens (exact zeros, what Asterisk sends while the media path is set
 *   up) says nothing about the line's noise. When what follows it is steady and quiet — line noise, whose
 *   frames stay within a factor of STEADY_RATIO and under NOISE_CAP × minVoiceEnergy for the first 200 ms —
 *   the zeros are left out of the minimum statistics, so the floor lifts to that noise at once instead of
 *   1.5–2 s later when the zero blocks have aged out (until then the noise reads as talk and holds a person's
 *   pause open). The frame in which the line opens (part zeros, part signal) is left out of that test. When
 *   what follows the zeros is not steady and quiet — e.g. a person already talking as the media path opens,
 *   on a clean line — nothing in it can be trusted as the noise, and the zeros count as they always did.
 *   Zeros after the line opened always count.
 * Speech always has dips between syllables and words, so talk cannot drag either up. A frame is voice when
 * its energy is a clear multiple of the floor and above an absolute minimum (so a clean line's breaths and
 * dither are not talk), with hysteresis so that word endings are not chopped.
 */
export interface NoiseFloorOptions {
  /** Energy below which a frame is never voice, whatever the floor. */
  minVoiceEnergy: number;
  /** Voice starts at floor × onRatio, continues while above floor × offRatio. */
  onRatio: number;
  offRatio: number;
}

export const DEFAULT_NOISE_FLOOR: NoiseFloorOptions = { minVoiceEnergy: 64, onRatio: 3, offRatio: 2 };

const BLOCK_FRAMES = 25; // 500 ms
const BLOCKS = 3; // the floor is the minimum over the current block and the 3 before it (1.5–2 s)
const FLOOR_MIN = 1;
const FALL = 0.1; // share of the way down to a quieter frame, per frame
const RISE = 1.015; // per frame: about ×2 a second
/** Frames heard after the line opened before deciding whether what follows the zeros is steady noise (200 ms). */
const OPENING_FRAMES = 10;
/** Steady: the loudest of those frames is at most this many times the quietest. Speech varies far more. */
const STEADY_RATIO = 2.5;
/**
 * ...and quiet: at most this many times the least voice energy (4 × 64 = 256, app_amd's silence threshold).
 * A sustained vowel can be steady for 200 ms, but not at line-noise level.
 */
const NOISE_CAP = 4;

export class NoiseFloor {
  /** Current floor estimate (mean |sample| of the line's noise). */
  floor = FLOOR_MIN;
  voiced = false;
  /** Per block: the quietest frame heard after the line opened, and 0 if the block held zeros before it. */
  private readonly blockMins = new Float64Array(BLOCKS).fill(Infinity);
  private readonly blockPre = new Float64Array(BLOCKS).fill(Infinity);
  private blockIndex = 0;
  private blockMin = Infinity;
  private blockPreMin = Infinity;
  private inBlock = 0;
  private opened = false;
  /** Frames heard since the line opened (the opening frame excluded), up to OPENING_FRAMES, and their range. */
  private heard = 0;
  private openingMin = Infinity;
  private openingMax = 0;
  /** Whether the zeros before the opening are left out: decided after OPENING_FRAMES (steady noise). */
  private skipPre = false;
  private follower = -1;

  constructor(private readonly opts: NoiseFloorOptions = DEFAULT_NOISE_FLOOR) {}

  /** Updates with one frame's energy and returns whether that frame is voice. */
  update(energy: number): boolean {
    if (this.opened) {
      if (energy < this.blockMin) this.blockMin = energy;
      if (this.heard < OPENING_FRAMES) {
        this.heard++;
        if (energy < this.openingMin) this.openingMin = energy;
        if (energy > this.openingMax) this.openingMax = energy;
        if (this.heard === OPENING_FRAMES) {
          this.skipPre = this.openingMax <= STEADY_RATIO * Math.max(1, this.openingMin) && this.openingMax <= NOISE_CAP * this.opts.minVoiceEnergy;
        }
      }
    } else if (energy > 0) {
      // The line opens. This first frame is part zeros, part signal: too low to stand for the floor.
      this.opened = true;
    } else this.blockPreMin = 0;
    let floor = Infinity;
    if (this.heard >= OPENING_FRAMES) {
      floor = this.skipPre ? this.blockMin : Math.min(this.blockMin, this.blockPreMin);
      for (let i = 0; i < BLOCKS; i++) {
        const m = this.skipPre ? this.blockMins[i]! : Math.min(this.blockMins[i]!, this.blockPre[i]!);
        if (m < floor) floor = m;
      }
    }
    if (this.follower < 0) this.follower = energy;
    else if (energy < this.follower) this.follower += (energy - this.follower) * FALL;
    else this.follower = Math.min(energy, this.follower * RISE);
    // The minimum is a hard lower bound on the noise: lift the follower to it, so it climbs on from there.
    if (floor !== Infinity && floor > this.follower) this.follower = floor;
    this.floor = Math.max(FLOOR_MIN, this.follower);
    if (++this.inBlock === BLOCK_FRAMES) {
      this.blockMins[this.blockIndex] = this.blockMin;
      this.blockPre[this.blockIndex] = this.blockPreMin;
      this.blockIndex = (this.blockIndex + 1) % BLOCKS;
      this.blockMin = Infinity;
      this.blockPreMin = Infinity;
      this.inBlock = 0;
    }
    this.voiced = isVoice(energy, this.voiced, this.floor, this.opts);
    return this.voiced;
  }
}

/** The voice decision for one frame against a given floor, with hysteresis on the previous decision. */
export function isVoice(energy: number, wasVoice: boolean, floor: number, opts: NoiseFloorOptions): boolean {
  return wasVoice
    ? energy >= Math.max(opts.minVoiceEnergy * 0.7, floor * opts.offRatio)
    : energy >= Math.max(opts.minVoiceEnergy, floor * opts.onRatio);
}
