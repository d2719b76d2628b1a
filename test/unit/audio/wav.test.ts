import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertTelephonyAudio, encodeWav, parseWav, readWav, writeWav, WavFormatError } from '../../../engine/audio/wav.js';
import { linearToUlaw, ulawToLinear } from '../../../engine/audio/g711.js';

const ramp = Int16Array.from({ length: 400 }, (_, i) => (i - 200) * 150);

function patch(buf: Uint8Array, at: number, bytes: number[]): Uint8Array {
  const copy = buf.slice();
  copy.set(bytes, at);
  return copy;
}

describe('WAV 16-bit PCM', () => {
  it('round-trips samples and header fields', () => {
    const file = encodeWav(ramp);
    expect(file.length).toBe(44 + 800);
    const wav = parseWav(file);
    expect(wav).toMatchObject({ sampleRate: 8000, channels: 1, encoding: 'pcm16' });
    expect(Array.from(wav.samples)).toEqual(Array.from(ramp));
    expect(() => assertTelephonyAudio(wav)).not.toThrow();
  });

  it('clips out-of-range values when writing', () => {
    expect(Array.from(parseWav(encodeWav([40000, -40000, 12.6])).samples)).toEqual([32767, -32768, 13]);
  });

  it('skips unknown chunks, honours odd-size padding, and reads a streaming (0xFFFFFFFF) data size', () => {
    const plain = encodeWav(ramp);
    const extra = new Uint8Array([0x4c, 0x49, 0x53, 0x54, 3, 0, 0, 0, 1, 2, 3, 0]); // "LIST", 3 bytes + pad
    const withList = new Uint8Array(plain.length + extra.length);
    withList.set(plain.subarray(0, 36));
    withList.set(extra, 36);
    withList.set(plain.subarray(36), 36 + extra.length);
    expect(Array.from(parseWav(withList).samples)).toEqual(Array.from(ramp));
    const streaming = patch(plain, 40, [0xff, 0xff, 0xff, 0xff]);
    expect(parseWav(streaming).samples.length).toBe(ramp.length);
  });
});

describe('WAV µ-law (format 7)', () => {
  it('writes format 7 with a fact chunk and decodes through G.711', () => {
    const file = encodeWav(ramp, { encoding: 'ulaw' });
    const view = new DataView(file.buffer);
    expect(view.getUint16(20, true)).toBe(7);
    expect(view.getUint16(34, true)).toBe(8);
    const wav = parseWav(file);
    expect(wav.encoding).toBe('ulaw');
    expect(Array.from(wav.samples)).toEqual(Array.from(ramp, (s) => ulawToLinear[linearToUlaw(s)]!));
  });

  it('reads a µ-law file written by sox', () => {
    if (!existsSync('/usr/bin/sox')) return;
    const dir = mkdtempSync(join(tmpdir(), 'wav-sox-'));
    try {
      const path = join(dir, 'tone.wav');
      execFileSync('sox', ['-n', '-r', '8000', '-c', '1', '-e', 'mu-law', path, 'synth', '0.1', 'sine', '1000'], { timeout: 30_000 });
      const wav = parseWav(readFileSync(path));
      expect(wav).toMatchObject({ sampleRate: 8000, channels: 1, encoding: 'ulaw' });
      expect(wav.samples.length).toBe(800);
      expect(Math.max(...wav.samples)).toBeGreaterThan(10000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('malformed WAV files', () => {
  const good = encodeWav(ramp);
  const cases: Array<[string, Uint8Array, RegExp]> = [
    ['empty', new Uint8Array(0), /too short/],
    ['not RIFF', patch(good, 0, [0x52, 0x49, 0x46, 0x58]), /not a RIFF/],
    ['not WAVE', patch(good, 8, [0x41, 0x56, 0x49, 0x20]), /not WAVE/],
    ['truncated data', good.subarray(0, 100), /truncated: chunk "data" declares 800 bytes but only 56 remain/],
    ['no data chunk', good.subarray(0, 36), /no "data" chunk/],
    ['no fmt chunk', patch(good, 12, [0x66, 0x6d, 0x74, 0x78]), /no "fmt " chunk/],
    ['8-bit PCM', patch(good, 34, [8, 0]), /unsupported PCM sample size 8/],
    ['IEEE float', patch(good, 20, [3, 0]), /unsupported WAV format tag 3/],
    ['short fmt', patch(good, 16, [8, 0, 0, 0]), /fmt chunk too short/],
  ];
  for (const [name, bytes, message] of cases) {
    it(`rejects ${name}`, () => {
      expect(() => parseWav(bytes)).toThrow(WavFormatError);
      expect(() => parseWav(bytes)).toThrow(message);
    });
  }

  it('assertTelephonyAudio rejects other rates and stereo', () => {
    expect(() => assertTelephonyAudio(parseWav(encodeWav(ramp, { sampleRate: 16000 })))).toThrow(/16000 Hz, expected 8000/);
    const stereo = patch(good, 22, [2, 0]);
    expect(() => assertTelephonyAudio(parseWav(stereo))).toThrow(/2 channels/);
  });

  it('readWav names the file in its errors; writeWav writes what readWav reads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wav-io-'));
    try {
      const path = join(dir, 'a.wav');
      await writeWav(path, ramp, { encoding: 'ulaw' });
      expect((await readWav(path)).samples.length).toBe(ramp.length);
      const bad = join(dir, 'bad.wav');
      await writeWav(bad, ramp);
      const { writeFileSync } = await import('node:fs');
      writeFileSync(bad, 'hello');
      await expect(readWav(bad)).rejects.toThrow(/bad\.wav: too short/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
