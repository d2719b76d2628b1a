/**
 * The audio every bench stream plays, as 20 ms µ-law payloads: what an answered human sounds like to AMD —
 * 0.3 s of silence, a 0.8 s "Hello?" (voiced 150 Hz buzz with harmonics, in two syllables), then 1.9 s of
 * silence; streams loop it (3 s cycle), so the continuous analyses of the bench keep meeting speech.
 */
import { encodeUlaw, ULAW_SILENCE } from '../../audio/index.js';

const RATE = 8000;
const SAMPLES = 160;
export const CYCLE_FRAMES = 150;

export function speechPattern(): Uint8Array[] {
  const frames: Uint8Array[] = [];
  const lead = 15; // 300 ms
  const voiced = 40; // 800 ms
  for (let f = 0; f < CYCLE_FRAMES; f++) {
    if (f < lead || f >= lead + voiced) {
      frames.push(new Uint8Array(SAMPLES).fill(ULAW_SILENCE));
      continue;
    }
    const samples = new Array<number>(SAMPLES);
    for (let i = 0; i < SAMPLES; i++) {
      const t = ((f - lead) * SAMPLES + i) / RATE;
      // Two syllables with a short dip between them (an envelope that never reaches silence).
      const env = 0.35 + 0.65 * Math.abs(Math.sin(Math.PI * t * 2.5));
      const voice = Math.sin(2 * Math.PI * 150 * t) + 0.5 * Math.sin(2 * Math.PI * 300 * t) + 0.25 * Math.sin(2 * Math.PI * 450 * t);
      samples[i] = 3500 * env * voice;
    }
    frames.push(encodeUlaw(samples));
  }
  return frames;
}
