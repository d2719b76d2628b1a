/**
 * The project's one seeded PRNG (mulberry32: tiny, fast, good enough for simulation and synthetic data; not for
 * secrets) and the few helpers every seeded generator needs. The simulator's callee mix, the AMD corpus, the demo
 * leads and the pacing simulation all draw from it, so a seed means the same thing everywhere.
 */
export type Rng = () => number;

/** Uniforms in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const uniform = (rng: Rng, lo: number, hi: number): number => lo + (hi - lo) * rng();
