/** The simulator's callee mix and synthetic audio are reproducible from a seed (the project's one PRNG). */
export { mulberry32, uniform, type Rng } from '../../random/index.js';

/** Derives an independent seed from a parent seed and a label (e.g. a channel id), so draws do not shift. */
export function deriveSeed(seed: number, label: string): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}
