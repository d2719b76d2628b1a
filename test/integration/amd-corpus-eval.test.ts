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
import { generateCorpus, type ManifestEntry } from '../../engine/amd/corpus/corpus-command.js';
import { checkTools } from '../../engine/amd/corpus/synth.js';
import { run as evalRun } from '../../engine/amd/eval/eval-command.js';
import { evaluateSamples } from '../../engine/amd/eval/evaluate.js';
import { finalVerdict } from '../../engine/amd/eval/summary.js';
import { FrameAssembler } from '../../engine/media/frames.js';

const toolsMissing = await checkTools();
const DIR = '.cache/amd-corpus-ci';
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

/** 16 kHz big-endian linear, 20 ms payloads: the file upsampled (linear interpolation), as slin16 RTP carries it. */
function slin16Payloads(x: Int16Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i + 160 <= x.length; i += 160) {
    const p = new Uint8Array(640);
    const view = new DataView(p.buffer);
    for (let k = 0; k < 320; k++) {
      const a = x[i + (k >> 1)]!;
      const b = k & 1 ? (x[i + (k >> 1) + 1] ?? a) : a;
      view.setInt16(k * 2, Math.round((a + b) / 2), false);
    }
    out.push(p);
  }
  return out;
}

describe.skipIf(toolsMissing !== null)('AMD corpus subset + amd:eval + invariances (espeak-ng, flite, festival, sox)', () => {
  beforeAll(async () => {
    mkdirSync(DIR, { recursive: true });
    manifest = (await generateCorpus({ out: DIR, humans: 24, machines: 24, seed: 7, concurrency: 2 })).files;
  }, 240_000);

  it('writes labelled 8 kHz mono 16-bit files from the three synthesisers, with a manifest only the evaluator reads', () => {
    expect(manifest).toHaveLength(48);
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
    expect(last).toMatchObject({ mode: 'centralita', n: 48, badFiles: 0, notsurePolicy: 'human' });
    for (const cls of ['human', 'machine']) {
      expect(last[cls]).toMatchObject({ n: 24 });
      for (const k of ['correct', 'correctWithLate', 'notsure', 'late', 'medianDecisionMs']) expect(typeof last[cls][k], `${cls}.${k}`).toBe('number');
      expect(last[cls].correctWithLate).toBeGreaterThanOrEqual(last[cls].correct - last[cls].late);
    }
    expect(last.modes.app_amd).toMatchObject({ mode: 'app_amd', n: 48 });
    expect(last.modes.app_amd.human.late).toBe(0);
    const held = last.splits.heldout.centralita;
    const tuned = last.splits.tuning.centralita;
    expect(held.n + tuned.n).toBe(48);
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
      }
    }
  });

  it('a verdict does not change with the level ±10 dB', () => {
    for (const m of manifest) {
      const x = samplesOf(m);
      const base = evaluateSamples(x, params).decision;
      for (const gain of [0.3162, 3.162]) {
        const scaled = Int16Array.from(x, (v) => Math.max(-32768, Math.min(32767, Math.round(v * gain))));
        const d = evaluateSamples(scaled, params).decision;
        expect(`${d.status} ${verdictOf(d)}`, `${m.file} ×${gain.toFixed(3)}`).toBe(`${base.status} ${verdictOf(base)}`);
      }
    }
  });

  it('µ-law and slin16 RTP payloads give the same verdicts through the media plane frame assembler', () => {
    for (const m of manifest) {
      const x = samplesOf(m);
      const ulaw = throughFrames('ulaw', ulawPayloads(x));
      const slin16 = throughFrames('slin16', slin16Payloads(x));
      expect(`${slin16.status} ${verdictOf(slin16)}`, m.file).toBe(`${ulaw.status} ${verdictOf(ulaw)}`);
    }
  });
});
