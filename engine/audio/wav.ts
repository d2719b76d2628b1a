/**
 * WAV (RIFF) read/write for telephony audio: 16-bit linear PCM (format 1) and G.711 µ-law (format 7), as
 * sox, espeak-ng and Asterisk's Record() write them. Parsing is strict and says what is wrong, because the
 * files come from people (QA uploads, corpora) and a silent misread would skew AMD measurements.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { decodeUlaw, encodeUlaw } from './g711.js';

export type WavEncoding = 'pcm16' | 'ulaw';

export interface WavAudio {
  sampleRate: number;
  channels: number;
  encoding: WavEncoding;
  /** Decoded 16-bit linear samples, interleaved when channels > 1. */
  samples: Int16Array;
}

export class WavFormatError extends Error {
  override name = 'WavFormatError';
}

const FORMAT_PCM = 1;
const FORMAT_MULAW = 7;
const FORMAT_EXTENSIBLE = 0xfffe;

function ascii(buf: Uint8Array, at: number): string {
  return String.fromCharCode(buf[at]!, buf[at + 1]!, buf[at + 2]!, buf[at + 3]!);
}

/** Parses a WAV file held in memory. Throws WavFormatError with the reason when it cannot. */
export function parseWav(buf: Uint8Array): WavAudio {
  if (buf.length < 12) throw new WavFormatError(`too short for a WAV file (${buf.length} bytes)`);
  if (ascii(buf, 0) !== 'RIFF') throw new WavFormatError('not a RIFF file (missing "RIFF" header)');
  if (ascii(buf, 8) !== 'WAVE') throw new WavFormatError(`RIFF file is not WAVE (form type "${ascii(buf, 8)}")`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);

  let fmt: { format: number; channels: number; sampleRate: number; bitsPerSample: number; blockAlign: number } | null = null;
  let data: Uint8Array | null = null;
  let at = 12;
  while (at + 8 <= buf.length) {
    const id = ascii(buf, at);
    let size = view.getUint32(at + 4, true);
    const body = at + 8;
    // Writers that stream to a pipe leave 0xFFFFFFFF as the data size: the data runs to the end of the file.
    if (id === 'data' && size === 0xffffffff) size = buf.length - body;
    if (body + size > buf.length) throw new WavFormatError(`truncated: chunk "${id}" declares ${size} bytes but only ${buf.length - body} remain`);
    if (id === 'fmt ') {
      if (size < 16) throw new WavFormatError(`fmt chunk too short (${size} bytes)`);
      let format = view.getUint16(body, true);
      if (format === FORMAT_EXTENSIBLE && size >= 40) format = view.getUint16(body + 24, true); // SubFormat GUID's first word
      fmt = {
        format,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        blockAlign: view.getUint16(body + 12, true),
        bitsPerSample: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      data = buf.subarray(body, body + size);
      if (fmt) break;
    }
    at = body + size + (size & 1); // chunks are padded to an even length
  }
  if (!fmt) throw new WavFormatError('no "fmt " chunk');
  if (!data) throw new WavFormatError('no "data" chunk');
  if (fmt.channels < 1) throw new WavFormatError('fmt chunk declares 0 channels');
  if (fmt.sampleRate < 1) throw new WavFormatError('fmt chunk declares a sample rate of 0');

  if (fmt.format === FORMAT_PCM) {
    if (fmt.bitsPerSample !== 16) throw new WavFormatError(`unsupported PCM sample size ${fmt.bitsPerSample} bits (only 16-bit)`);
    const n = Math.floor(data.length / 2);
    const samples = new Int16Array(n);
    const dv = new DataView(data.buffer, data.byteOffset, n * 2);
    for (let i = 0; i < n; i++) samples[i] = dv.getInt16(i * 2, true);
    return { sampleRate: fmt.sampleRate, channels: fmt.channels, encoding: 'pcm16', samples };
  }
  if (fmt.format === FORMAT_MULAW) {
    if (fmt.bitsPerSample !== 8) throw new WavFormatError(`µ-law with ${fmt.bitsPerSample} bits per sample (expected 8)`);
    return { sampleRate: fmt.sampleRate, channels: fmt.channels, encoding: 'ulaw', samples: decodeUlaw(data) };
  }
  throw new WavFormatError(`unsupported WAV format tag ${fmt.format} (only 1 = PCM and 7 = µ-law)`);
}

/** Throws unless the audio is what the AMD and the media plane take: 8 kHz mono. */
export function assertTelephonyAudio(wav: WavAudio, what = 'WAV'): void {
  if (wav.sampleRate !== 8000) throw new WavFormatError(`${what}: sample rate ${wav.sampleRate} Hz, expected 8000`);
  if (wav.channels !== 1) throw new WavFormatError(`${what}: ${wav.channels} channels, expected mono`);
}

export async function readWav(path: string): Promise<WavAudio> {
  const buf = await readFile(path);
  try {
    return parseWav(buf);
  } catch (err) {
    if (err instanceof WavFormatError) throw new WavFormatError(`${path}: ${err.message}`);
    throw err;
  }
}

export interface EncodeWavOptions {
  sampleRate?: number;
  encoding?: WavEncoding;
}

/** Builds a mono WAV file (8 kHz 16-bit PCM unless told otherwise). */
export function encodeWav(samples: ArrayLike<number>, options: EncodeWavOptions = {}): Uint8Array {
  const sampleRate = options.sampleRate ?? 8000;
  const encoding = options.encoding ?? 'pcm16';
  const bytesPerSample = encoding === 'pcm16' ? 2 : 1;
  const dataSize = samples.length * bytesPerSample;
  const pad = dataSize & 1;
  // µ-law files carry a "fact" chunk (required for non-PCM formats) and an 18-byte fmt with cbSize = 0.
  const fmtSize = encoding === 'pcm16' ? 16 : 18;
  const factSize = encoding === 'pcm16' ? 0 : 12;
  const total = 12 + 8 + fmtSize + factSize + 8 + dataSize + pad;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const put = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  put(0, 'RIFF');
  view.setUint32(4, total - 8, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  view.setUint32(16, fmtSize, true);
  view.setUint16(20, encoding === 'pcm16' ? FORMAT_PCM : FORMAT_MULAW, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * bytesPerSample, true);
  view.setUint16(32, bytesPerSample, true);
  view.setUint16(34, bytesPerSample * 8, true);
  let at = 20 + fmtSize;
  if (encoding === 'ulaw') {
    view.setUint16(36, 0, true); // cbSize
    put(at, 'fact');
    view.setUint32(at + 4, 4, true);
    view.setUint32(at + 8, samples.length, true);
    at += 12;
  }
  put(at, 'data');
  view.setUint32(at + 4, dataSize, true);
  at += 8;
  if (encoding === 'pcm16') {
    for (let i = 0; i < samples.length; i++) view.setInt16(at + i * 2, Math.max(-32768, Math.min(32767, Math.round(samples[i]!))), true);
  } else {
    out.set(encodeUlaw(samples), at);
  }
  return out;
}

export async function writeWav(path: string, samples: ArrayLike<number>, options: EncodeWavOptions = {}): Promise<void> {
  await writeFile(path, encodeWav(samples, options));
}
