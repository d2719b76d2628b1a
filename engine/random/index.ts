export { mulberry32, uniform } from './seeded.js';
export type { Rng } from './seeded.js';
