/**
 * Sample cues of a voice (issue 17: "pitch movement, speaking-rate regularity, spectral flatness"): what frame
 * energies cannot say about an opener. Pure functions over 20 ms frames of 8 kHz audio.
 *
 * - **Pitch and periodicity** (`framePitch`): the normalised autocorrelation of 40 ms (the frame and the one before
 *   it) at lags of 60–400 Hz. A voiced vowel repeats itself (periodicity 0.6–0.95); hiss, babble of many voices and
 *   consonants do not. The pitch is the shortest lag within 0.9 of the best (no octave-down errors on clean vowels).
 * - **Spectral flatness** (`frameFlatness`): the geometric over the arithmetic mean of the power spectrum over
 *   300–3 400 Hz (Hann window, 256-point FFT). White noise is near 1, a tone near 0, a vowel 0.05–0.3.
 *
 * From those, per opener (`openerVoiceCues`, the frames from the opener's start to the decision): the share of its
 * voiced frames that are pitched, the pitch range and step (semitones), the final pitch movement (the last pitched
 * frames against the opener's median: a question rises, a read-out statement falls), the opener's flatness and the
 * pause's periodicity (a voice still going on behind the pause). Each is one named number.
 */

export const SAMPLE_RATE = 8000;
const MIN_LAG = Math.floor(SAMPLE_RATE / 400); // 20
const MAX_LAG = Math.ceil(SAMPLE_RATE / 60); // 134
const FFT_N = 256;

export interface FramePitch {
  /** Hz, or 0 when the frame is not periodic enough to say. */
  f0: number;
  /** The best normalised autocorrelation at 60–400 Hz (0–1). */
  periodicity: number;
}

/**
 * Pitch of the 40 ms made of `prev` then `cur` (either may be shorter; `prev` null at the start). A frame is pitched
 * at periodicity ≥ `minPeriodicity`.
 */
export function framePitch(cur: ArrayLike<number>, prev: ArrayLike<number> | null, minPeriodicity = 0.5): FramePitch {
  const n = (prev?.length ?? 0) + cur.length;
  const x = new Float64Array(n);
  let k = 0;
  if (prev) for (let i = 0; i < prev.length; i++) x[k++] = prev[i]!;
  for (let i = 0; i < cur.length; i++) x[k++] = cur[i]!;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i]!;
  m /= n || 1;
  for (let i = 0; i < n; i++) x[i] = x[i]! - m;
  const r = new Float64Array(MAX_LAG + 1);
  let best = 0;
  const top = Math.min(MAX_LAG, n - 40);
  for (let lag = MIN_LAG; lag <= top; lag++) {
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let i = 0; i + lag < n; i++) {
      const a = x[i]!;
      const b = x[i + lag]!;
      xy += a * b;
      xx += a * a;
      yy += b * b;
    }
    const v = xx > 0 && yy > 0 ? xy / Math.sqrt(xx * yy) : 0;
    r[lag] = v;
    if (v > best) best = v;
  }
  if (best < minPeriodicity) return { f0: 0, periodicity: Math.max(0, best) };
  // The shortest lag at a local peak within 0.9 of the best: the period, not a multiple of it.
  for (let lag = MIN_LAG; lag <= top; lag++) {
    const v = r[lag]!;
    if (v >= 0.9 * best && v >= (r[lag - 1] ?? 0) && v >= (r[lag + 1] ?? 0)) return { f0: SAMPLE_RATE / lag, periodicity: best };
  }
  return { f0: 0, periodicity: best };
}

let twiddle: { cos: Float64Array; sin: Float64Array } | null = null;
const HANN = new Float64Array(160).map((_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / 159));

/** In-place radix-2 FFT of length FFT_N. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = FFT_N;
  twiddle ??= {
    cos: new Float64Array(n / 2).map((_, i) => Math.cos((-2 * Math.PI * i) / n)),
    sin: new Float64Array(n / 2).map((_, i) => Math.sin((-2 * Math.PI * i) / n)),
  };
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const half = size >> 1;
    const step = n / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const c = twiddle.cos[k * step]!;
        const s = twiddle.sin[k * step]!;
        const a = start + k;
        const b = a + half;
        const tr = re[b]! * c - im[b]! * s;
        const ti = re[b]! * s + im[b]! * c;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
}

/** Spectral flatness (0–1) of one 20 ms frame over 300–3 400 Hz; 1 for an all-zero frame (nothing to tell). */
export function frameFlatness(frame: ArrayLike<number>): number {
  const re = new Float64Array(FFT_N);
  const im = new Float64Array(FFT_N);
  const len = Math.min(frame.length, 160);
  for (let i = 0; i < len; i++) re[i] = frame[i]! * (len === 160 ? HANN[i]! : 1);
  fft(re, im);
  const lo = Math.round((300 * FFT_N) / SAMPLE_RATE);
  const hi = Math.round((3400 * FFT_N) / SAMPLE_RATE);
  let logSum = 0;
  let sum = 0;
  for (let k = lo; k <= hi; k++) {
    const p = re[k]! * re[k]! + im[k]! * im[k]! + 1e-3;
    logSum += Math.log(p);
    sum += p;
  }
  const bins = hi - lo + 1;
  const arith = sum / bins;
  return arith <= 1e-3 * 1.0001 ? 1 : Math.exp(logSum / bins) / arith;
}

/** One frame's sample cues, kept per frame while the opener is heard. */
export interface FrameCues {
  f0: number;
  periodicity: number;
  flatness: number;
}

export function frameCues(cur: ArrayLike<number>, prev: ArrayLike<number> | null): FrameCues {
  const p = framePitch(cur, prev);
  return { f0: p.f0, periodicity: p.periodicity, flatness: frameFlatness(cur) };
}

export const VOICE_CUE_NAMES = [
  /** Share of the opener's voiced frames that are pitched (periodicity ≥ 0.5). */
  'pitchedShare',
  /** Pitch range of the opener: 90th over 10th percentile of its pitched frames, semitones. */
  'pitchRangeSt',
  /** Mean |Δ pitch| between consecutive pitched frames, semitones: how the intonation moves. */
  'pitchStepSt',
  /** The last three pitched frames' median over the opener's median, semitones: rising (+) or falling (−) end. */
  'finalMoveSt',
  /** Median spectral flatness of the opener's voiced frames. */
  'flatness',
  /** Mean periodicity of the pause after the opener: a voice (a TV, the recording's next words) going on. */
  'pausePeriodicity',
] as const;
export type VoiceCueName = (typeof VOICE_CUE_NAMES)[number];

function quantile(xs: readonly number[], q: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.floor(q * (s.length - 1) + 0.5)))]!;
}

const semitones = (f: number) => 12 * Math.log2(f / 100);

/**
 * The opener's cues, in VOICE_CUE_NAMES order. `cues`: per frame from the opener's first frame on; `voiced`: which of
 * those frames were the callee's voice; `openerFrames`: how many of them are the opener (the rest is the pause).
 */
export function openerVoiceCues(cues: readonly FrameCues[], voiced: readonly boolean[], openerFrames: number): number[] {
  const opener = cues.slice(0, openerFrames).filter((_, i) => voiced[i]);
  const raw = opener.filter((c) => c.f0 > 0).map((c) => semitones(c.f0));
  // Octave errors (a frame read at twice or half the pitch) folded back towards the opener's median.
  const mid = quantile(raw, 0.5);
  const fold = (st: number) => (st - mid > 9 ? st - 12 : mid - st > 9 ? st + 12 : st);
  const pitched = raw.map(fold);
  let step = 0;
  let steps = 0;
  let prev: number | null = null;
  for (let i = 0; i < openerFrames && i < cues.length; i++) {
    const c = cues[i]!;
    if (voiced[i] && c.f0 > 0) {
      const st = fold(semitones(c.f0));
      if (prev !== null) {
        step += Math.min(12, Math.abs(st - prev));
        steps++;
      }
      prev = st;
    } else prev = null;
  }
  const last = pitched.slice(-3);
  const pause = cues.slice(openerFrames);
  const x: Record<VoiceCueName, number> = {
    pitchedShare: opener.length ? pitched.length / opener.length : 0,
    pitchRangeSt: pitched.length >= 3 ? quantile(pitched, 0.9) - quantile(pitched, 0.1) : 0,
    pitchStepSt: steps ? step / steps : 0,
    finalMoveSt: pitched.length >= 6 ? quantile(last, 0.5) - quantile(pitched, 0.5) : 0,
    flatness: quantile(
      opener.map((c) => c.flatness),
      0.5,
    ),
    pausePeriodicity: pause.length ? pause.reduce((a, c) => a + c.periodicity, 0) / pause.length : 0,
  };
  return VOICE_CUE_NAMES.map((n) => x[n]);
}
