/** Seeded audio generators of the simulator, for reuse (AMD tests, corpora): 8 kHz, 20 ms frames. */
export * from './source.js';
export { speech, speechSamples, noiseFloor, type SpeechOptions } from './speech.js';
export { tone, beep } from './tone.js';
export { wavSource, wavSamples } from './wav-source.js';
export { mulberry32, deriveSeed, type Rng } from './rng.js';
