/** Frame energy as Asterisk's DSP computes it (dsp.c __ast_dsp_silence_noise): mean |sample|, truncated. */
export function frameEnergy(samples: Int16Array): number {
  const n = samples.length;
  if (n === 0) return 0;
  let accum = 0;
  for (let i = 0; i < n; i++) {
    const s = samples[i]!;
    accum += s < 0 ? -s : s;
  }
  // C integer division of a non-negative int.
  return Math.floor(accum / n);
}

/** Frame length in ms at 8 kHz, as app_amd computes it (samples / DEFAULT_SAMPLES_PER_MS, integer). */
export function frameMs(samples: Int16Array): number {
  return Math.floor(samples.length / 8);
}
