/**
 * Builds one corpus file's samples from synthesised speech and its plan entry: silence before, the speech
 * at the planned level, the wait or the beep after, and line noise over everything. Pure and seeded.
 */
import type { CorpusItem } from './plan.js';
import { gaussian, mulberry32 } from './random.js';

const RATE = 8000;
const msToSamples = (ms: number) => Math.round((ms * RATE) / 1000);

/** Drops espeak's leading/trailing near-silence so that `leadMs` is what the file really has. */
export function trimSilence(x: Int16Array, threshold = 60): Int16Array {
  let a = 0;
  let b = x.length;
  while (a < b && Math.abs(x[a]!) < threshold) a++;
  while (b > a && Math.abs(x[b - 1]!) < threshold) b--;
  return x.subarray(a, b);
}

/** Scale factor that brings the mean |sample| of the speech's active 20 ms frames to `level`. */
function gainFor(x: Int16Array, level: number): number {
  const energies: number[] = [];
  for (let i = 0; i + 160 <= x.length; i += 160) {
    let s = 0;
    for (let j = i; j < i + 160; j++) s += Math.abs(x[j]!);
    energies.push(s / 160);
  }
  const peak = Math.max(1, ...energies);
  const active = energies.filter((e) => e > peak * 0.1);
  const mean = active.reduce((a, b) => a + b, 0) / Math.max(1, active.length);
  return level / Math.max(1, mean);
}

export interface MixResult {
  samples: Int16Array;
  speechStartMs: number;
  speechEndMs: number;
  beepStartMs?: number;
  beepEndMs?: number;
}

export function mixItem(item: CorpusItem, speech: Int16Array, repeat?: Int16Array): MixResult {
  const main = trimSilence(speech);
  const again = repeat ? trimSilence(repeat) : undefined;
  const gain = gainFor(main, item.speechLevel);
  const lead = msToSamples(item.leadMs);
  const tail = msToSamples(item.tailMs);
  const beep = item.beep;
  const beepGap = beep ? msToSamples(beep.gapMs) : 0;
  const beepLen = beep ? msToSamples(beep.durationMs) : 0;
  const afterRepeat = again ? msToSamples(800) : 0;
  const total = lead + main.length + (item.kind === 'human' ? tail + (again ? again.length + afterRepeat : 0) : beepGap + beepLen + tail);
  const out = new Float64Array(total);

  for (let i = 0; i < main.length; i++) out[lead + i] = main[i]! * gain;
  let at = lead + main.length;
  const result: MixResult = { samples: new Int16Array(0), speechStartMs: item.leadMs, speechEndMs: Math.round((at * 1000) / RATE) };
  if (item.kind === 'human') {
    at += tail;
    if (again) {
      for (let i = 0; i < again.length; i++) out[at + i] = again[i]! * gain;
    }
  } else if (beep) {
    at += beepGap;
    // A clean sine with 5 ms ramps, like a voicemail system's tone.
    const ramp = msToSamples(5);
    const amp = beep.level * (Math.PI / 2); // mean |sin| = 2/π
    for (let i = 0; i < beepLen; i++) {
      const env = Math.min(1, i / ramp, (beepLen - 1 - i) / ramp);
      out[at + i] = amp * env * Math.sin((2 * Math.PI * beep.freqHz * i) / RATE);
    }
    result.beepStartMs = Math.round((at * 1000) / RATE);
    result.beepEndMs = Math.round(((at + beepLen) * 1000) / RATE);
  }

  // Line noise: white, or brown (integrated white, leaky so it stays centred), scaled to mean |x| = level.
  const rng = mulberry32(item.seed);
  const level = item.noise.level;
  const sigma = level / 0.7979; // mean |N(0,σ)| = σ·√(2/π)
  let brown = 0;
  for (let i = msToSamples(item.noise.startMs); i < total; i++) {
    let n: number;
    if (item.noise.kind === 'white') n = gaussian(rng) * sigma;
    else {
      brown = 0.98 * brown + gaussian(rng);
      n = brown * sigma * 0.2; // the leaky integrator's σ is ≈ 1/√(1−0.98²) ≈ 5
    }
    out[i] = out[i]! + n;
  }
  result.samples = Int16Array.from(out, (v) => Math.max(-32768, Math.min(32767, Math.round(v))));
  return result;
}
