/*
 * The gain of Asterisk's codec_resample per rate pair: Asterisk's bundled speex resampler (fixed point, quality 5,
 * 20 ms frames through speex_resampler_process_int, as codec_resample.c calls it). Why the Local channel halves the
 * level (engine/amd/README.md, "Live on a real Asterisk"): 8 -> 192 kHz takes the interpolating filter, whose
 * fixed-point sum shifts each accumulator right by one; the direct filter does not.
 *
 * Build against an Asterisk checkout (not vendored here: its files are Asterisk's):
 *   A=/path/to/asterisk; mkdir -p /tmp/spx && cp $A/codecs/speex/{arch.h,fixed_generic.h,resample.c,resample_sse.h,speex_resampler.h,stack_alloc.h} /tmp/spx
 *   gcc -O1 -DOUTSIDE_SPEEX -DEXPORT= -I/tmp/spx -o /tmp/spx/gain scripts/speex-resampler-gain.c /tmp/spx/resample.c -lm && /tmp/spx/gain
 * Measured (codecs/speex of asterisk master f0c1c1a7b7; the 22.10.1 bundle measured live gives the same 0.50 at slin192):
 * 8000 -> 44100 and 192000: 0.5000;
 * 12000, 16000, 24000, 32000, 48000, 96000: 1.0000; 192000 -> 8000: 0.9994.
 */
#include <stdio.h>
#include <math.h>
#include "speex_resampler.h"
static double gain(int src, int dst) {
  int err; SpeexResamplerState *st = speex_resampler_init(1, src, dst, 5, &err);
  static short in[200000], out[200000]; double e_in = 0, e_out = 0; int n_out = 0;
  for (int i = 0; i < src / 2; i++) in[i] = (short)(8000 * sin(2 * M_PI * 440.0 * i / src));
  for (int k = 0; k < 25; k++) { spx_uint32_t il = src / 50, ol = 20000; speex_resampler_process_int(st, 0, in + k * il, &il, out + n_out, &ol); n_out += ol; }
  for (int i = 0; i < src / 2; i++) e_in += (double)in[i] * in[i];
  for (int i = n_out / 4; i < n_out; i++) e_out += (double)out[i] * out[i];
  speex_resampler_destroy(st);
  return sqrt(e_out / (n_out * 3 / 4)) / sqrt(e_in / (src / 2));
}
int main(void) {
  int rates[] = {8000, 12000, 16000, 24000, 32000, 44100, 48000, 96000, 192000};
  for (int i = 1; i < 9; i++) printf("8000 -> %6d: rms gain %.4f\n", rates[i], gain(8000, rates[i]));
  printf("192000 -> 8000: rms gain %.4f\n", gain(192000, 8000));
  return 0;
}
