/**
 * Audio sources: streams of 8 kHz 16-bit samples pulled one 20 ms frame (160 samples) at a time. The
 * simulator's callee audio, the RTP sender and recordings all speak this one small interface; the
 * generators (speech, tone, silence, WAV) are pure given their seed, so the AMD team can reuse them.
 */
export const SAMPLE_RATE = 8000;
export const FRAME_SAMPLES = 160;
export const FRAME_MS = 20;

export interface AudioSource {
  /** Fills `out` (160 samples) and returns true, or returns false once the source is exhausted. */
  next(out: Int16Array): boolean;
}

/** Digital silence for `ms` (µ-law 0xFF on the wire), or forever when ms is Infinity. */
export function silence(ms: number): AudioSource {
  let left = Math.round(ms / FRAME_MS);
  return {
    next(out) {
      if (left <= 0) return false;
      left--;
      out.fill(0);
      return true;
    },
  };
}

/** Plays a fixed sample buffer once (zero-padded to whole frames). */
export function samples(buf: Int16Array): AudioSource {
  let at = 0;
  return {
    next(out) {
      if (at >= buf.length) return false;
      for (let i = 0; i < FRAME_SAMPLES; i++) out[i] = buf[at + i] ?? 0;
      at += FRAME_SAMPLES;
      return true;
    },
  };
}

/** One source after another. */
export function sequence(parts: AudioSource[]): AudioSource {
  let i = 0;
  return {
    next(out) {
      while (i < parts.length) {
        if (parts[i]!.next(out)) return true;
        i++;
      }
      return false;
    },
  };
}

/** Renders a finite source to one buffer (for WAV files and tests). */
export function render(source: AudioSource, maxMs = 600_000): Int16Array {
  const frames: Int16Array[] = [];
  const frame = new Int16Array(FRAME_SAMPLES);
  for (let n = 0; n < maxMs / FRAME_MS && source.next(frame); n++) frames.push(frame.slice());
  const out = new Int16Array(frames.length * FRAME_SAMPLES);
  frames.forEach((f, k) => out.set(f, k * FRAME_SAMPLES));
  return out;
}

/** Mean absolute sample value, the energy measure Asterisk's AMD (and the traces) use. */
export function meanAbs(frame: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < frame.length; i++) sum += Math.abs(frame[i]!);
  return frame.length ? sum / frame.length : 0;
}
