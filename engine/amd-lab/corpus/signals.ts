/**
 * Seeded signal generators and telephone-channel effects for the corpus, at 8 kHz, pure: beeps, SIT tones,
 * fax answer tones, jingles and music, line noises (white, pink, brown, hum), band-pass, G.711 round trip,
 * packet loss. Levels are mean |x| (the energy measure the detectors and Asterisk use).
 */
import { linearToUlaw, ulawToLinear } from '../../audio/index.js';
import { gaussian, intIn, type Rng } from './random.js';

export const RATE = 8000;
export const msToSamples = (ms: number): number => Math.round((ms * RATE) / 1000);
/** mean |sin| = 2/π: the amplitude whose sine has mean |x| = level. */
const sineAmp = (level: number) => (level * Math.PI) / 2;

/** Adds a sine of `hz` at mean |x| `level` into out[at…at+n), with `rampMs` raised-cosine edges. */
export function addTone(out: Float64Array, at: number, n: number, hz: number, level: number, rampMs = 5, phase = 0): void {
  const ramp = Math.max(1, msToSamples(rampMs));
  const amp = sineAmp(level);
  for (let i = 0; i < n && at + i < out.length; i++) {
    const edge = Math.min(1, i / ramp, (n - 1 - i) / ramp);
    const env = edge >= 1 ? 1 : 0.5 - 0.5 * Math.cos(Math.PI * Math.max(0, edge));
    out[at + i]! += amp * env * Math.sin(phase + (2 * Math.PI * hz * i) / RATE);
  }
}

/** The North American special information tone (913.8, 1370.6, 1776.7 Hz), with one of its segment patterns. */
export function sitLengthMs(rng: Rng): [number, number, number] {
  return rng() < 0.5 ? [274, 274, 380] : [380, 274, 380];
}

/** A fax answering: CED (2100 Hz) for ~3 s, 75 ms quiet, then V.21 FSK (1650/1850 Hz) flags, repeated. */
export function addFax(out: Float64Array, at: number, n: number, level: number, rng: Rng): void {
  let i = 0;
  const ced = msToSamples(intIn(rng, 2600, 3500));
  addTone(out, at, Math.min(ced, n), 2100, level, 10);
  i += ced + msToSamples(75);
  const amp = sineAmp(level);
  let phase = 0;
  while (i < n) {
    // One burst of HDLC flags at 300 baud, then a pause: the DIS frame being repeated.
    const burst = Math.min(n - i, msToSamples(intIn(rng, 1000, 1800)));
    const samplesPerBit = RATE / 300;
    const flag = [0, 1, 1, 1, 1, 1, 1, 0];
    for (let k = 0; k < burst && at + i + k < out.length; k++) {
      const bit = flag[Math.floor(k / samplesPerBit) % 8]!;
      phase += (2 * Math.PI * (bit ? 1650 : 1850)) / RATE;
      out[at + i + k]! += amp * Math.sin(phase);
    }
    i += burst + msToSamples(intIn(rng, 500, 1500));
  }
}

/** Notes with a few harmonics and a decay: a jingle (melody) or on-hold music (melody over chords). */
export function addMusic(out: Float64Array, at: number, n: number, level: number, rng: Rng, chords: boolean): void {
  const scale = [262, 294, 330, 349, 392, 440, 494, 523, 587, 659, 698, 784];
  const noteMs = intIn(rng, 150, 400);
  const noteLen = msToSamples(noteMs);
  const buf = new Float64Array(n);
  for (let start = 0; start < n; start += noteLen) {
    const f = scale[intIn(rng, 0, scale.length - 1)]!;
    const voices = chords ? [f, f * 1.26, f * 1.5, f / 2] : [f];
    for (let k = 0; k < noteLen && start + k < n; k++) {
      const env = Math.exp(-k / (noteLen * 0.6)) * Math.min(1, k / 40);
      let v = 0;
      for (const hz of voices) for (let h = 1; h <= 3; h++) v += Math.sin((2 * Math.PI * hz * h * (start + k)) / RATE) / h;
      buf[k + start] = v * env;
    }
  }
  addAtLevel(out, at, buf, level);
}

/** Adds `x` at `at`, scaled so that its mean |x| is `level`. */
export function addAtLevel(out: Float64Array, at: number, x: ArrayLike<number>, level: number): void {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += Math.abs(x[i]!);
  const mean = sum / Math.max(1, x.length);
  if (mean === 0) return;
  const g = level / mean;
  for (let i = 0; i < x.length && at + i < out.length; i++) out[at + i]! += x[i]! * g;
}

export type LineNoise = 'white' | 'pink' | 'brown' | 'hum';

/** `n` samples of line noise, scaled to mean |x| = level. */
export function lineNoise(kind: LineNoise, n: number, level: number, rng: Rng): Float64Array {
  const x = new Float64Array(n);
  if (kind === 'white') for (let i = 0; i < n; i++) x[i] = gaussian(rng);
  else if (kind === 'pink') {
    // Paul Kellet's economy pink filter.
    let b0 = 0;
    let b1 = 0;
    let b2 = 0;
    for (let i = 0; i < n; i++) {
      const w = gaussian(rng);
      b0 = 0.99765 * b0 + w * 0.099046;
      b1 = 0.963 * b1 + w * 0.2965164;
      b2 = 0.57 * b2 + w * 1.0526913;
      x[i] = b0 + b1 + b2 + w * 0.1848;
    }
  } else if (kind === 'brown') {
    let b = 0;
    for (let i = 0; i < n; i++) x[i] = b = 0.98 * b + gaussian(rng);
  } else {
    // Mains hum leaking into an analogue line: 50 or 60 Hz harmonics (the band-pass keeps the upper ones) and hiss.
    const f0 = rng() < 0.5 ? 50 : 60;
    for (let i = 0; i < n; i++) {
      let v = 0.2 * gaussian(rng);
      for (let h = 3; h <= 9; h += 2) v += Math.sin((2 * Math.PI * f0 * h * i) / RATE) / (h - 2);
      x[i] = v;
    }
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += Math.abs(x[i]!);
  const g = level / Math.max(1e-9, sum / Math.max(1, n));
  for (let i = 0; i < n; i++) x[i]! *= g;
  return x;
}

/** RBJ biquad, applied in place. */
function biquad(x: Float64Array, b0: number, b1: number, b2: number, a1: number, a2: number): void {
  let x1 = 0;
  let x2 = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i]!;
    const y0 = b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
    x2 = x1;
    x1 = x0;
    y2 = y1;
    y1 = y0;
    x[i] = y0;
  }
}

/** The telephone band: second-order high-pass at `lowHz` and low-pass at `highHz` (Butterworth Q), in place. */
export function bandPass(x: Float64Array, lowHz: number, highHz: number): void {
  const q = Math.SQRT1_2;
  {
    const w = (2 * Math.PI * lowHz) / RATE;
    const alpha = Math.sin(w) / (2 * q);
    const c = Math.cos(w);
    const a0 = 1 + alpha;
    biquad(x, (1 + c) / 2 / a0, -(1 + c) / a0, (1 + c) / 2 / a0, (-2 * c) / a0, (1 - alpha) / a0);
  }
  {
    const w = (2 * Math.PI * highHz) / RATE;
    const alpha = Math.sin(w) / (2 * q);
    const c = Math.cos(w);
    const a0 = 1 + alpha;
    biquad(x, (1 - c) / 2 / a0, (1 - c) / a0, (1 - c) / 2 / a0, (-2 * c) / a0, (1 - alpha) / a0);
  }
}

/** G.711 µ-law encode + decode of every sample, in place (the quantisation every PSTN call goes through). */
export function ulawRoundTrip(x: Int16Array): void {
  for (let i = 0; i < x.length; i++) x[i] = ulawToLinear[linearToUlaw(x[i]!)]!;
}

/**
 * Packet loss: 20 ms frames lost in bursts of 1–3 at about `pct` % of frames; a lost frame is zeros, as a
 * jitter buffer without concealment plays it. Returns how many frames were lost.
 */
export function dropFrames(x: Int16Array, pct: number, rng: Rng): number {
  if (pct <= 0) return 0;
  const frames = Math.floor(x.length / 160);
  let lost = 0;
  for (let f = 0; f < frames; f++) {
    if (rng() * 100 >= pct / 2) continue;
    const burst = intIn(rng, 1, 3);
    for (let k = 0; k < burst && f + k < frames; k++) x.fill(0, (f + k) * 160, (f + k + 1) * 160);
    lost += burst;
    f += burst;
  }
  return lost;
}

/** Rounds to 16 bits; a "hot" line saturates softly (the caller's phone overdriving the line). */
export function toInt16(x: Float64Array, saturate: boolean): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = saturate ? 32767 * Math.tanh(x[i]! / 32767) : x[i]!;
    out[i] = Math.max(-32768, Math.min(32767, Math.round(v)));
  }
  return out;
}
