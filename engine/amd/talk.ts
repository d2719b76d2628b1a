/**
 * Talk bookkeeping for the centralita mode: turns the per-frame voice decisions into the opener (first
 * voiced frame to last), voiced time, the current pause and word segments. A single loud frame (a click,
 * a burst of brown noise) is not talk: voice counts from its second consecutive frame, and then both count.
 */
import type { AmdWordSegment } from './types.js';

export class TalkTracker {
  /** ms at which the opener's first voiced frame began, or -1 before any talk. */
  openerStart = -1;
  lastVoiceEnd = -1;
  voicedMs = 0;
  /** Consecutive ms without (confirmed) voice. */
  silenceMs = 0;
  /** Voiced ms of the current word (pauses shorter than betweenWordsSilence do not end it). */
  runMs = 0;
  readonly words: AmdWordSegment[] = [];
  /** Voice threshold when the opener started (set by the caller), to notice the floor rising under it. */
  openerThreshold = 0;
  private word: AmdWordSegment | null = null;
  private prevVoiced = false;
  private inVoice = false;

  constructor(
    private readonly minimumWordLength: number,
    private readonly betweenWordsSilence: number,
  ) {}

  get openerMs(): number {
    return this.openerStart < 0 ? 0 : this.lastVoiceEnd - this.openerStart;
  }

  /** Accounts one frame ending at `endMs`. Returns true when this frame started the opener. */
  push(voiced: boolean, endMs: number, len: number): boolean {
    const hadOpener = this.openerStart >= 0;
    if (voiced && this.inVoice) this.addVoice(endMs, len);
    else if (voiced && this.prevVoiced) {
      this.inVoice = true;
      this.silenceMs -= len; // the previous frame, counted as a pause, was voice after all
      this.addVoice(endMs - len, len);
      this.addVoice(endMs, len);
    } else if (voiced) {
      this.silenceMs += len; // tentative: a pause unless the next frame is voice too
    } else {
      this.inVoice = false;
      this.silenceMs += len;
      if (this.silenceMs >= this.betweenWordsSilence) {
        this.runMs = 0;
        this.word = null;
      }
    }
    this.prevVoiced = voiced;
    return !hadOpener && this.openerStart >= 0;
  }

  private addVoice(endMs: number, len: number): void {
    if (this.openerStart < 0) this.openerStart = endMs - len;
    this.silenceMs = 0;
    this.runMs += len;
    this.voicedMs += len;
    this.lastVoiceEnd = endMs;
    if (this.word) this.word.endMs = endMs;
    else if (this.runMs >= this.minimumWordLength) {
      this.word = { startMs: endMs - this.runMs, endMs };
      this.words.push(this.word);
    }
  }
}
