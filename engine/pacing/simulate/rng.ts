/**
 * Seeded randomness for the simulator. Every lead's fate is drawn from its own stream, keyed by (seed, lead
 * number), so every algorithm dials the same list with the same outcomes ("common random numbers"): the
 * differences between algorithms are the algorithms', not luck's.
 */

/** The project's one PRNG (engine/random): uniforms in [0, 1). */
export { mulberry32 } from '../../random/index.js';

/** Mixes two integers into a 32-bit seed (splitmix-style finaliser). */
export function mixSeed(a: number, b: number): number {
  let h = (Math.imul(a >>> 0, 0x9e3779b1) ^ (b >>> 0)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** Standard normal from two uniforms (Box–Muller). */
export function gaussian(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(Math.max(u1, 1e-300))) * Math.cos(2 * Math.PI * u2);
}

/** Lognormal parameterised by its own mean and standard deviation. */
export function lognormal(mean: number, sd: number, z: number): number {
  const sigma2 = Math.log(1 + (sd * sd) / (mean * mean));
  const mu = Math.log(mean) - sigma2 / 2;
  return Math.exp(mu + Math.sqrt(sigma2) * z);
}
