/** Seeded draws for the corpus (the project's one PRNG, engine/random), so it is the same on every machine. */
import { uniform, type Rng } from '../../random/index.js';

export { mulberry32, uniform, type Rng } from '../../random/index.js';
export const intIn = (rng: Rng, lo: number, hi: number): number => Math.floor(uniform(rng, lo, hi + 1));
export function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[Math.floor(rng() * items.length)]!;
}

/** Picks a key with probability proportional to its weight. */
export function weighted<K extends string>(rng: Rng, weights: Readonly<Record<K, number>>): K {
  const entries = Object.entries(weights) as Array<[K, number]>;
  const total = entries.reduce((a, [, w]) => a + w, 0);
  let r = rng() * total;
  for (const [k, w] of entries) {
    r -= w;
    if (r < 0) return k;
  }
  return entries[entries.length - 1]![0];
}

/** Log-uniform draw in [lo, hi]. */
export const logUniform = (rng: Rng, lo: number, hi: number): number => lo * Math.pow(hi / lo, rng());

/** Standard normal deviate (Box–Muller). */
export function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}
