/**
 * End to end with the real tools: generate a small slice of the corpus with espeak-ng + sox, then run
 * `amd:eval` over it (plus a µ-law copy and a broken file) and read its last line like a script would.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { encodeWav, parseWav } from '../../engine/audio/wav.js';
import { generateCorpus, type ManifestEntry } from '../../engine/amd/corpus/corpus-command.js';
import { run as evalRun, evaluateFolder } from '../../engine/amd/eval/eval-command.js';
import { checkTools } from '../../engine/amd/corpus/synth.js';

const toolsMissing = await checkTools();
let dir = '';
let manifest: ManifestEntry[] = [];

describe.skipIf(toolsMissing !== null)('AMD corpus + amd:eval (espeak-ng, sox)', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'amd-corpus-it-'));
    // 8 humans (4 of them multi-word openers) and 4 machines, same seed as the full corpus.
    manifest = await generateCorpus({ out: dir, humans: 8, machines: 4, seed: 7, concurrency: 2 });
    const first = manifest.find((m) => m.kind === 'human')!;
    const pcm = parseWav(readFileSync(join(dir, first.file)));
    writeFileSync(join(dir, first.file.replace('.wav', '-ulaw.wav')), encodeWav(pcm.samples, { encoding: 'ulaw' }));
    writeFileSync(join(dir, 'machine-broken.wav'), 'RIFF....WAVEjunk');
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes labelled 8 kHz mono 16-bit files', () => {
    expect(manifest).toHaveLength(12);
    expect(manifest.filter((m) => m.kind === 'human' && m.multiWord)).toHaveLength(4);
    for (const m of manifest) {
      const wav = parseWav(readFileSync(join(dir, m.file)));
      expect(wav).toMatchObject({ sampleRate: 8000, channels: 1, encoding: 'pcm16' });
      expect(m.file.startsWith(m.kind)).toBe(true);
      if (m.kind === 'machine') expect(m.speechEndMs - m.speechStartMs).toBeGreaterThan(3500);
    }
  });

  it('is deterministic: the same seed gives the same bytes', async () => {
    const again = mkdtempSync(join(tmpdir(), 'amd-corpus-it2-'));
    try {
      const second = await generateCorpus({ out: again, humans: 2, machines: 1, seed: 7, concurrency: 2 });
      for (const m of second) expect(readFileSync(join(again, m.file)).equals(readFileSync(join(dir, m.file))), m.file).toBe(true);
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });

  it('prints a table and, as its last line, the JSON summary; bad files are reported, not fatal', async () => {
    const chunks: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((c: string | Uint8Array) => {
      chunks.push(String(c));
      return true;
    });
    let code: number;
    try {
      code = await evalRun(['--dir', dir]);
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(0);
    const text = chunks.join('');
    const lines = text.trimEnd().split('\n');
    expect(text).toMatch(/! machine-broken\.wav: .*machine-broken\.wav/);
    const last = JSON.parse(lines.at(-1)!);
    expect(last).toMatchObject({ mode: 'centralita', n: 13, badFiles: 1 });
    expect(last.human).toMatchObject({ n: 9 });
    expect(typeof last.human.medianDecisionMs).toBe('number');
    expect(last.machine).toMatchObject({ n: 4 });
    expect(last.modes.app_amd).toMatchObject({ mode: 'app_amd', n: 13 });
    // centralita is at least as accurate as app_amd on the same files, and loses no machine.
    expect(last.accuracy).toBeGreaterThanOrEqual(last.modes.app_amd.accuracy);
    expect(last.machine.correct).toBeGreaterThanOrEqual(last.modes.app_amd.machine.correct);
    // Like for like, centralita decides humans no slower than app_amd: on the human files both get right.
    expect(last.pairedHumans.n).toBeGreaterThan(0);
    expect(last.pairedHumans.medianDecisionMs.centralita).toBeLessThanOrEqual(last.pairedHumans.medianDecisionMs.app_amd);
  });

  it('human.medianDecisionMs is the median over every human file, whatever was decided', async () => {
    const { results, summaries } = await evaluateFolder(dir, ['app_amd', 'centralita']);
    for (const mode of ['app_amd', 'centralita'] as const) {
      const times = results.get(mode)!.filter((r) => r.truth === 'human').map((r) => r.decisionMs).sort((a, b) => a - b);
      const mid = times.length >> 1;
      const median = times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
      expect(summaries.get(mode)!.human.medianDecisionMs, mode).toBe(median);
      expect(summaries.get(mode)!.human.n).toBe(times.length);
    }
    // Over all human files app_amd's median is lower, and the test records why rather than hide it: app_amd's
    // early decisions on full-sentence openers are its MAXWORDS mistakes, taken before the person has finished
    // speaking; no detector that waits for the opener to end can match them (see engine/amd/README.md).
    const multi = new Map(manifest.filter((m) => m.kind === 'human' && m.multiWord).map((m) => [m.file, m.speechEndMs]));
    const early = results.get('app_amd')!.filter((r) => multi.has(r.file) && r.status === 'MACHINE');
    expect(early.length).toBeGreaterThan(0);
    for (const r of early) expect(r.decisionMs, r.file).toBeLessThan(multi.get(r.file)!);
  });

  it('centralita classifies the multi-word human openers as HUMAN (app_amd does not) and hears the beeps', async () => {
    const { results } = await evaluateFolder(dir, ['app_amd', 'centralita']);
    const multi = new Set(manifest.filter((m) => m.kind === 'human' && m.multiWord).map((m) => m.file));
    const central = results.get('centralita')!.filter((r) => multi.has(r.file));
    expect(central).toHaveLength(4);
    for (const r of central) expect(r, r.file).toMatchObject({ status: 'HUMAN' });
    const appAmdWrong = results.get('app_amd')!.filter((r) => multi.has(r.file) && r.status !== 'HUMAN');
    expect(appAmdWrong.length).toBeGreaterThan(0);
    const beeps = manifest.filter((m) => m.beepEndMs !== undefined);
    for (const m of beeps) {
      const r = results.get('centralita')!.find((x) => x.file === m.file)!;
      expect(r.beepAtMs, m.file).toBeDefined();
      expect(Math.abs(r.beepAtMs! - m.beepEndMs!)).toBeLessThanOrEqual(40);
    }
  });
});
