/** Hand-built 20 ms frame sequences for AMD tests. */
export const FRAME = 160;

/** A frame whose mean |sample| is exactly `energy` (alternating sign, like a square wave). */
export function frameOf(energy: number): Int16Array {
  const f = new Int16Array(FRAME);
  for (let i = 0; i < FRAME; i++) f[i] = i % 2 === 0 ? energy : -energy;
  return f;
}

/** Segments of [energy, ms] (ms a multiple of 20) → frames. */
export function frames(...segments: Array<[number, number]>): Int16Array[] {
  const out: Int16Array[] = [];
  for (const [energy, ms] of segments) {
    if (ms % 20 !== 0) throw new Error(`segment of ${ms} ms is not a whole number of 20 ms frames`);
    const f = frameOf(energy);
    for (let t = 0; t < ms; t += 20) out.push(f);
  }
  return out;
}

export const V = 1000; // clearly voice for app_amd's threshold 256
export const S = 0; // digital silence
