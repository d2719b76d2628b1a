/**
 * End to end with the real tools, on a deterministic stratified subset of the corpus (the first 48 files of
 * the seed-7 plan: humans and machines interleaved, both languages, every generator; cached under
 * `.cache/amd-corpus-ci`, never in git): generate it with espeak-ng, flite, festival and sox, run `amd:eval
 * --split` over it and read its last line like a script would; then the invariances over every file of the
 * subset: leading digital silence (0–1,000 ms more), level ±10 dB, and µ-law vs slin16 input through the media
 * plane's frame assembler must not change a verdict (only shift its time).
 * The whole corpus (1,200 files) is `npm run amd:corpus` then `npm run amd:eval -- --dir .cache/amd-corpus --split`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeUlaw } from '../../engine/audio/g711.js';
import { parseWav } from '../../engine/audio/wav.js';
import { amdParamsSchema, createDetector } from '../../engine/amd/index.js';
import type { AmdDecision, AmdParams } from '../../engine/amd/types.js';
import { generateCorpus, type ManifestEntry } from '../../engine/amd-lab/corpus/corpus-command.js';
import { checkTools } from '../../engine/amd-lab/corpus/synth.js';
import { run as evalRun } from '../../engine/amd-lab/eval/eval-command.js';
import { evaluateSamples } from '../../engine/amd-lab/eval/evaluate.js';
import { finalVerdict } from '../../engine/amd-lab/eval/summary.js';
import { FrameAssembler } from '../../engine/media/frames.js';

const toolsMissing = await checkTools();
/** `AMD_CORPUS_FILES=1200` runs all of this over the whole corpus (.cache/amd-corpus, ~5 min). */
const FILES = Number(process.env['AMD_CORPUS_FILES'] ?? 48);
const DIR = FILES > 48 ? '.cache/amd-corpus' : '.cache/amd-corpus-ci';
/** Verdict flips allowed per transformation: files sitting on a threshold, at most 4 % (2 in 48). */
const MAX_FLIPS = Math.max(2, Math.floor(FILES * 0.04));
let manifest: ManifestEntry[] = [];
const params: AmdParams = amdParamsSchema.parse({ mode: 'centralita' });

const samplesOf = (m: ManifestEntry) => parseWav(readFileSync(join(DIR, m.file))).samples;
/** The verdict a call ends with (NOTSURE treated as human, the campaign default; late MACHINE over the first). */
const verdictOf = (d: AmdDecision) =>
  finalVerdict({ file: '', truth: 'human', status: d.status, decisionMs: d.decisionMs, ...(d.late ? { lateMs: d.late.decisionMs } : {}) }, 'human');

/** Feeds RTP-sized payloads through the media plane's frame assembler into a detector, as a worker does. */
function throughFrames(codec: 'ulaw' | 'slin16', payloads: Uint8Array[]): AmdDecision {
  const det = createDetector(params);
  let d: AmdDecision | null = null;
  const frames = new FrameAssembler(codec, (frame, energy) => {
    if (d && det.wantsAudio === false) return;
    d = det.pushFrame(frame, energy) ?? d;
  });
  for (const p of payloads) frames.pushPayload(p);
  return det.wantsAudio === false && d ? d : det.finish('timeout');
}

function ulawPayloads(x: Int16Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i + 160 <= x.length; i += 160) out.push(encodeUlaw(x.subarray(i, i + 160)));
  return out;
}

/** Lanczos (a = 4) weights for the sample halfway between x[i] and x[i + 1], from x[i − 3] … x[i + 4]. */
const HALF = Array.from({ length: 8 }, (_, j) => {
  const d = j - 3 - 0.5;
  const sinc = (v: number) => Math.sin(Math.PI * v) / (Math.PI * v);
  return sinc(d) * sinc(d / 4);
});

/** 16 kHz big-endian linear, 20 ms payloads: the file upsampled (windowed sinc), as slin16 RTP carries it. */
function slin16Payloads(x: Int16Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i + 160 <= x.length; i += 160) {
    const p = new Uint8Array(640);
    const view = new DataView(p.buffer);
    for (let k = 0; k < 160; k++) {
      const n = i + k;
      let mid = 0;
      for (let j = 0; j < 8; j++) mid += (x[n - 3 + j] ?? 0) * HALF[j]!;
      view.setInt16(k * 4, x[n]!, false);
      view.setInt16(k * 4 + 2, Math.max(-32768, Math.min(32767, Math.round(mid))), false);
    }
    out.push(p);
  }
  return out;
}

describe.skipIf(toolsMissing !== null)('AMD corpus subset + amd:eval + invariances (espeak-ng, flite, festival, sox)', () => {
  beforeAll(async () => {
    mkdirSync(DIR, { recursive: true });
    manifest = (await generateCorpus({ out: DIR, humans: FILES / 2, machines: FILES / 2, seed: 7, concurrency: 2 })).files;
  }, 1_200_000);

  it('writes labelled 8 kHz mono 16-bit files from the three synthesisers, with a manifest only the evaluator reads', () => {
    expect(manifest).toHaveLength(FILES);
    expect(new Set(manifest.map((m) => m.generator))).toEqual(new Set(['espeak', 'flite', 'festival']));
    expect(new Set(manifest.map((m) => m.split))).toEqual(new Set(['tuning', 'heldout']));
    for (const m of manifest) {
      const wav = parseWav(readFileSync(join(DIR, m.file)));
      expect(wav).toMatchObject({ sampleRate: 8000, channels: 1, encoding: 'pcm16' });
      expect(Math.abs(wav.samples.length / 8 - m.durationMs)).toBeLessThanOrEqual(1);
      // The leading digital silence is exact zeros, and the line has signal right after it.
      const zeros = m.channel.leadingZerosMs * 8;
      expect(wav.samples.subarray(0, zeros).every((s) => s === 0)).toBe(true);
    }
  });

  it('amd:eval --split prints held-out beside tuning per category and keeps its last-line JSON shape', async () => {
    const chunks: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      chunks.push(String(c));
      return true;
    });
    let code: number;
    try {
      code = await evalRun(['--dir', DIR, '--split']);
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(0);
    const text = chunks.join('');
    expect(text).toMatch(/== HELD-OUT/);
    expect(text).toMatch(/== TUNING/);
    expect(text).toMatch(/by generator:/);
    const last = JSON.parse(text.trimEnd().split('\n').at(-1)!);
    expect(last).toMatchObject({ mode: 'centralita', n: FILES, badFiles: 0, notsurePolicy: 'human' });
    for (const cls of ['human', 'machine']) {
      expect(last[cls]).toMatchObject({ n: FILES / 2 });
      for (const k of ['correct', 'correctWithLate', 'notsure', 'late', 'medianDecisionMs']) expect(typeof last[cls][k], `${cls}.${k}`).toBe('number');
      expect(last[cls].correctWithLate).toBeGreaterThanOrEqual(last[cls].correct - last[cls].late);
    }
    expect(last.modes.app_amd).toMatchObject({ mode: 'app_amd', n: FILES });
    expect(last.modes.app_amd.human.late).toBe(0);
    const held = last.splits.heldout.centralita;
    const tuned = last.splits.tuning.centralita;
    expect(held.n + tuned.n).toBe(FILES);
    expect(last.splits.heldout.app_amd.n).toBe(held.n);
    const gens = last.categories.heldout.centralita.generator;
    expect(Object.keys(gens)).toContain('flite');
    expect(Object.keys(last.categories.tuning.centralita.generator)).not.toContain('flite');
  });

  it('a verdict does not change with 0–1,000 ms more leading digital silence (only its time shifts)', () => {
    for (const m of manifest) {
      const x = samplesOf(m);
      const base = evaluateSamples(x, params).decision;
      for (const extraMs of [300, 1000]) {
        const padded = new Int16Array(extraMs * 8 + x.length);
        padded.set(x, extraMs * 8);
        const d = evaluateSamples(padded, params).decision;
        expect(`${d.status} ${verdictOf(d)}`, `${m.file} +${extraMs} ms`).toBe(`${base.status} ${verdictOf(base)}`);
        // The time shifts by the silence added, less what of it counts as analysis time (zeros beyond 1 s).
        const counted = Math.max(0, m.channel.leadingZerosMs + extraMs - 1000);
        expect(Math.abs(d.decisionMs - base.decisionMs - extraMs), `${m.file} +${extraMs} ms`).toBeLessThanOrEqual(counted);
      }
    }
  });

  /**
   * Level and codec: a file that sits on a threshold (a TV 11 dB under the voice, a breath just as long as
   * the pause the detector needs) may flip its first verdict or the watch's late one; at most 4 % of the files
   * (two in the CI subset of 48) per transformation. The flips are printed so that they can be looked at.
   */
  function compare(label: string, variants: Array<(m: ManifestEntry) => [AmdDecision, AmdDecision]>) {
    const flips: string[] = [];
    for (const m of manifest) {
      for (const v of variants) {
        const [a, b] = v(m);
        if (a.status !== b.status || verdictOf(a) !== verdictOf(b)) flips.push(`${m.file}: ${a.status}/${verdictOf(a)} → ${b.status}/${verdictOf(b)}`);
      }
    }
    process.stdout.write(`${label}: ${flips.length} of ${manifest.length} files changed verdict${flips.length ? `: ${flips.join('; ')}` : ''}\n`);
    expect(flips.length, flips.join('; ')).toBeLessThanOrEqual(MAX_FLIPS);
  }

  it('verdicts do not change with the level ±10 dB (at most 4 % of files on a threshold)', () => {
    const scaled = (gain: number) => (m: ManifestEntry): [AmdDecision, AmdDecision] => {
      const x = samplesOf(m);
      const y = Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v * gain))));
      return [evaluateSamples(x, params).decision, evaluateSamples(y, params).decision];
    };
    compare('level -10 dB', [scaled(0.3162)]);
    compare('level +10 dB', [scaled(3.162)]);
  });

  it('µ-law and slin16 RTP payloads give the same verdicts through the media plane frame assembler (at most 4 % of files on a threshold)', () => {
    compare('slin16 vs µ-law', [
      (m) => {
        const x = samplesOf(m);
        return [throughFrames('ulaw', ulawPayloads(x)), throughFrames('slin16', slin16Payloads(x))];
      },
    ]);
  });
});
