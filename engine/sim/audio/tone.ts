import { FRAME_SAMPLES, SAMPLE_RATE, type AudioSource } from './source.js';

/** A pure sine tone (e.g. the answering machine's 1 kHz beep) for `ms` milliseconds. */
export function tone(freqHz: number, ms: number, amplitude = 8000): AudioSource {
  const total = Math.round((ms / 1000) * SAMPLE_RATE);
  let n = 0;
  return {
    next(out) {
      if (n >= total) return false;
      for (let i = 0; i < FRAME_SAMPLES; i++, n++) {
        out[i] = n < total ? Math.round(amplitude * Math.sin((2 * Math.PI * freqHz * n) / SAMPLE_RATE)) : 0;
      }
      return true;
    },
  };
}

/** The beep that ends a voicemail greeting: 1 kHz, about half a second. */
export const beep = (ms = 500): AudioSource => tone(1000, ms);
