/**
 * Adaptive voice-activity decision on frame energy (mean |sample|), for the centralita mode.
 *
 * The noise floor is the larger of two estimates:
 * - a follower that falls fast towards quieter frames and creeps up slowly (1.5 % a frame): it sits near
 *   the typical level of the pauses, even on bursty (brown) noise whose quietest frames are far below it;
 * - the quietest frame of the last 1.5–2 s ("minimum statistics", kept per 500 ms block so each frame costs
 *   O(1)): when a line gets noisier — or real noise follows the digital silence Asterisk sends while the
 *   media path opens — it lifts the floor within two seconds, where the slow follower would take many.
 * - Exact zeros (energy 0) are digital silence. Before the line opens they are what Asterisk sends while
 *   the media path is set up, and say nothing about the line's noise: they never enter the estimates
 *   (otherwise they hold the minimum at zero for 1.5–2 s, and noise that follows them — babble, hiss — reads as
 *   talk and holds a person's pause open, whatever that noise is like). The frame in which the line opens
 *   (part zeros, part signal) is left out too; the floor starts at its lowest. After the line opened, a run of zeros of 80 ms or
 *   more is a clean µ-law line's pause and counts as a floor of zero; shorter runs are lost packets and are
 *   skipped.
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

/** Frames heard after the line opened before the minimum statistics are trusted (200 ms). */
const OPENING_FRAMES = 10;
/** Zeros after the line opened count as the floor from the 4th in a row (80 ms); fewer are lost packets. */
const ZERO_RUN_FRAMES = 4;

export class NoiseFloor {
  /** Current floor estimate (mean |sample| of the line's noise). */
  floor = FLOOR_MIN;
  voiced = false;
  /** Per block: the quietest frame counted after the line opened. */
  private readonly blockMins = new Float64Array(BLOCKS).fill(Infinity);
  private blockIndex = 0;
  private blockMin = Infinity;
  private inBlock = 0;
  private opened = false;
  private heard = 0;
  private zeroRun = 0;
  private follower = -1;
  /**
   * The last frame's energy, not yet a candidate for the minimum (-1: none): a frame next to exact zeros (a lost
   * packet, the line opening) is part zeros, part signal, and is left out. Which frame that is depends on where the
   * frame boundaries fall — a slin16 call's decimator shifts them by a few samples — so without this a frame of 17
   * beside a dropout on one codec path is a zero (skipped) on the other, and sets the floor for 2 s on one only.
   */
  private pending = -1;

  constructor(private readonly opts: NoiseFloorOptions = DEFAULT_NOISE_FLOOR) {}

  /** Updates with one frame's energy and returns whether that frame is voice. */
  update(energy: number): boolean {
    if (energy <= 0) {
      this.pending = -1; // the frame before the zeros held some of them
      this.zeroRun++;
      this.voiced = false;
      // Before the line opens, and short runs (lost packets): no information about the noise.
      if (!this.opened || this.zeroRun < ZERO_RUN_FRAMES) return false;
    } else if (this.zeroRun > 0) {
      this.zeroRun = 0;
      this.pending = -2; // this frame follows zeros: part of it was zeros (committed as nothing below)
    }
    if (!this.opened) {
      // The line opens. This first frame is part zeros, part signal: left out. Until the minimum statistics
      // have 200 ms of line, the floor is the lowest (a clean line): talk at once is heard as talk, and noise
      // heard as talk for those 200 ms is re-read once the floor rises (the detector's rescan).
      this.opened = true;
      this.pending = -1; // left out as a whole, and the next frame is a candidate as on a line with no zeros before it
      this.follower = FLOOR_MIN;
      this.voiced = isVoice(energy, false, this.floor, this.opts);
      return this.voiced;
    }
    // The minimum statistics take each frame one frame late, once it is known not to border zeros (see `pending`);
    // zeros of a run long enough to be the line's pause count at once.
    if (energy <= 0) {
      if (0 < this.blockMin) this.blockMin = 0;
    } else {
      if (this.pending >= 0 && this.pending < this.blockMin) this.blockMin = this.pending;
      this.pending = this.pending === -2 ? -1 : energy;
    }
    if (this.heard < OPENING_FRAMES) this.heard++;
    let floor = Infinity;
    if (this.heard >= OPENING_FRAMES) {
      floor = this.blockMin;
      for (let i = 0; i < BLOCKS; i++) if (this.blockMins[i]! < floor) floor = this.blockMins[i]!;
    }
    if (energy < this.follower) this.follower += (energy - this.follower) * FALL;
    else this.follower = Math.min(energy, this.follower * RISE);
    // The minimum is a hard lower bound on the noise: lift the follower to it, so it climbs on from there.
    if (floor !== Infinity && floor > this.follower) this.follower = floor;
    this.floor = Math.max(FLOOR_MIN, this.follower);
    if (++this.inBlock === BLOCK_FRAMES) {
      this.blockMins[this.blockIndex] = this.blockMin;
      this.blockIndex = (this.blockIndex + 1) % BLOCKS;
      this.blockMin = Infinity;
      this.inBlock = 0;
    }
    if (energy > 0) this.voiced = isVoice(energy, this.voiced, this.floor, this.opts);
    return this.voiced;
  }
}

/** The voice decision for one frame against a given floor, with hysteresis on the previous decision. */
export function isVoice(energy: number, wasVoice: boolean, floor: number, opts: NoiseFloorOptions): boolean {
  return wasVoice
    ? energy >= Math.max(opts.minVoiceEnergy * 0.7, floor * opts.offRatio)
    : energy >= Math.max(opts.minVoiceEnergy, floor * opts.onRatio);
}
