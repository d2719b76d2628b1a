/**
 * Debian's ffmpeg/ffprobe through fluent-ffmpeg: every step is a child process, so the event loop only moves
 * bytes. Probing (is it audio, how long), transcoding for browsers (Opus in Ogg/WebM, or MP3) into a temp file
 * renamed when complete, and waveform peaks from a decoded 8 kHz stream.
 */
import ffmpeg from 'fluent-ffmpeg';
import { mkdir, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { commitTemp, tempPathFor } from './files.js';

export type BrowserFormat = 'ogg' | 'webm' | 'mp3';

export const CONTENT_TYPES: Record<BrowserFormat | 'wav', string> = { ogg: 'audio/ogg', webm: 'audio/webm', mp3: 'audio/mpeg', wav: 'audio/wav' };

/** The audio is not usable (not a media file, no audio stream, empty): retrying will not help. */
export class MalformedAudioError extends Error {
  readonly permanent = true;
}

/** ffmpeg itself failed (crash, missing codec, killed); may be retried. */
export class FfmpegError extends Error {}

export interface ProbeResult {
  durationMs: number;
  sampleRate: number;
  channels: number;
  codec: string;
}

/** Last lines of ffmpeg's stderr: enough to say why, never the whole log. */
function tail(stderr: string | null | undefined, lines = 3): string {
  return (stderr ?? '').trim().split('\n').slice(-lines).join(' | ').slice(0, 400);
}

export function probe(path: string): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    ffmpeg.ffprobe(path, (err, data) => {
      if (err) return reject(new MalformedAudioError(`ffprobe cannot read it: ${tail(String((err as Error).message), 2)}`));
      const a = data.streams.find((s) => s.codec_type === 'audio');
      if (!a) return reject(new MalformedAudioError('no audio stream'));
      const duration = Number(data.format.duration ?? a.duration);
      if (!Number.isFinite(duration) || duration <= 0) return reject(new MalformedAudioError('no audio in it (duration 0)'));
      resolve({ durationMs: Math.round(duration * 1000), sampleRate: Number(a.sample_rate ?? 0), channels: a.channels ?? 0, codec: a.codec_name ?? '' });
    });
  });
}

/** Encodes `src` for browsers into `dst` (mono, speech bit rates); `dst` appears only once complete. Its size. */
export async function transcode(src: string, dst: string, format: BrowserFormat): Promise<number> {
  const tmp = tempPathFor(dst);
  await mkdir(dirname(dst), { recursive: true });
  try {
    await new Promise<void>((resolve, reject) => {
      const cmd = ffmpeg(src).noVideo().audioChannels(1);
      if (format === 'mp3') cmd.audioCodec('libmp3lame').audioBitrate('32k').format('mp3');
      else cmd.audioCodec('libopus').audioBitrate('24k').format(format);
      cmd
        .on('error', (err: Error, _stdout: string | null, stderr: string | null) => reject(new FfmpegError(`ffmpeg failed: ${err.message.split('\n')[0]} ${tail(stderr)}`.trim())))
        .on('end', () => resolve())
        .save(tmp);
    });
    await commitTemp(tmp, dst);
    return (await stat(dst)).size;
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Max |sample| (0..1, 3 decimals) per 1/perSecond s of audio, decoded by ffmpeg to 8 kHz mono. */
export function peaks(src: string, perSecond: number): Promise<number[]> {
  const bucket = Math.max(1, Math.round(8000 / perSecond));
  return new Promise((resolve, reject) => {
    const out: number[] = [];
    let max = 0;
    let n = 0;
    let carry: Buffer | null = null;
    let failed = false;
    const cmd = ffmpeg(src).noVideo().audioChannels(1).audioFrequency(8000).audioCodec('pcm_s16le').format('s16le');
    cmd.on('error', (err: Error, _o: string | null, stderr: string | null) => {
      failed = true;
      reject(new FfmpegError(`ffmpeg (peaks) failed: ${err.message.split('\n')[0]} ${tail(stderr)}`.trim()));
    });
    const stream = cmd.pipe();
    stream.on('data', (chunk: Buffer) => {
      let buf = carry ? Buffer.concat([carry, chunk]) : chunk;
      const whole = buf.length - (buf.length % 2);
      carry = whole < buf.length ? buf.subarray(whole) : null;
      buf = buf.subarray(0, whole);
      for (let i = 0; i < buf.length; i += 2) {
        const v = Math.abs(buf.readInt16LE(i));
        if (v > max) max = v;
        if (++n === bucket) {
          out.push(Math.round((max / 32768) * 1000) / 1000);
          max = 0;
          n = 0;
        }
      }
    });
    stream.on('end', () => {
      if (failed) return;
      if (n > 0) out.push(Math.round((max / 32768) * 1000) / 1000);
      resolve(out);
    });
  });
}
