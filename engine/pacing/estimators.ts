/**
 * Online estimates as plain data: fixed-bin histograms whose counts can be halved to forget old behaviour
 * (a list that changes, a new script that makes calls longer). Pure helpers, no classes, so the state of a
 * pacer stays JSON.
 */

export interface Histogram {
  /** Width of a bin, ms. The last bin also holds everything longer. */
  binMs: number;
  counts: number[];
  total: number;
  /** Cumulative share at the upper edge of each bin; rebuilt lazily (null = stale). */
  cdf: number[] | null;
}

export function histogram(binMs: number, maxMs: number): Histogram {
  return { binMs, counts: new Array<number>(Math.ceil(maxMs / binMs)).fill(0), total: 0, cdf: null };
}

export function histAdd(h: Histogram, valueMs: number, weight = 1): void {
  const i = Math.min(h.counts.length - 1, Math.max(0, Math.floor(valueMs / h.binMs)));
  h.counts[i] = (h.counts[i] ?? 0) + weight;
  h.total += weight;
  h.cdf = null;
}

/** Multiplies every count by `factor` (exponential forgetting). */
export function histScale(h: Histogram, factor: number): void {
  for (let i = 0; i < h.counts.length; i++) h.counts[i] = (h.counts[i] ?? 0) * factor;
  h.total *= factor;
  h.cdf = null;
}

function ensureCdf(h: Histogram): number[] {
  if (h.cdf) return h.cdf;
  const cdf = new Array<number>(h.counts.length);
  let acc = 0;
  for (let i = 0; i < h.counts.length; i++) {
    acc += h.counts[i] ?? 0;
    cdf[i] = h.total > 0 ? acc / h.total : 0;
  }
  h.cdf = cdf;
  return cdf;
}

/**
 * P(X ≤ x) with linear interpolation inside a bin (values are assumed uniform within their bin). Returns the
 * share of the histogram's own total; multiply by total/denominator for an unconditional probability.
 */
export function histCdf(h: Histogram, xMs: number): number {
  if (xMs <= 0 || h.total <= 0) return 0;
  const cdf = ensureCdf(h);
  const pos = xMs / h.binMs;
  const i = Math.floor(pos);
  if (i >= cdf.length) return 1;
  const lo = i === 0 ? 0 : (cdf[i - 1] as number);
  const hi = cdf[i] as number;
  return lo + (hi - lo) * (pos - i);
}

export function histMean(h: Histogram): number {
  if (h.total <= 0) return 0;
  let s = 0;
  for (let i = 0; i < h.counts.length; i++) s += (h.counts[i] ?? 0) * (i + 0.5) * h.binMs;
  return s / h.total;
}

/**
 * Survival of a duration from a histogram of completed durations plus right-censored ones (still running,
 * only known to exceed `censoredMs[i]`): the Kaplan–Meier product over the histogram's bins. Completed
 * durations alone are biased short while few are known (at the start of a shift only the short talks have
 * ended); the running ones correct that. Returns S at each bin's upper edge (S(0) = 1 implied).
 */
export function kaplanMeier(h: Histogram, censoredMs: readonly number[]): Float64Array {
  const n = h.counts.length;
  // Censored durations per bin: one censored inside bin i is at risk through bin i (the usual convention:
  // censoring after the deaths of the same bin) and leaves the risk set after it.
  const cens = new Float64Array(n);
  for (const c of censoredMs) {
    const i = Math.min(n - 1, Math.max(0, Math.floor(c / h.binMs)));
    cens[i] = (cens[i] as number) + 1;
  }
  let atRisk = h.total + censoredMs.length;
  const surv = new Float64Array(n);
  let sv = 1;
  for (let i = 0; i < n; i++) {
    const d = h.counts[i] ?? 0;
    if (atRisk > 1e-12 && d > 0) sv *= Math.max(0, 1 - d / atRisk);
    surv[i] = sv;
    atRisk -= d + (cens[i] as number);
  }
  return surv;
}

/** P(X ≤ x) from a `kaplanMeier` survival (linear inside a bin, like `histCdf`). */
export function survivalCdf(surv: Float64Array, binMs: number, xMs: number): number {
  if (xMs <= 0) return 0;
  const pos = xMs / binMs;
  const i = Math.floor(pos);
  if (i >= surv.length) return 1 - (surv[surv.length - 1] as number);
  const lo = i === 0 ? 1 : (surv[i - 1] as number);
  const hi = surv[i] as number;
  return 1 - (lo + (hi - lo) * (pos - i));
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const y =
    1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}
