import { FRAME_SAMPLES } from './audio/source.js';

/** Sums 20 ms frames with clipping: what a mixing bridge sends to one party from the others. */
export function mix(frames: Int16Array[]): Int16Array {
  const out = new Int16Array(FRAME_SAMPLES);
  if (frames.length === 1) {
    out.set(frames[0]!);
    return out;
  }
  for (let i = 0; i < FRAME_SAMPLES; i++) {
    let s = 0;
    for (const f of frames) s += f[i]!;
    out[i] = Math.max(-32768, Math.min(32767, s));
  }
  return out;
}
