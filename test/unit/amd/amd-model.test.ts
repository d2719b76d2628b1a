import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeWav } from '../../../engine/audio/index.js';
import { run as trainCommand } from '../../../engine/amd-lab/train/train-command.js';
import { defaultAmdParams, replayAmdTrace, type AmdDecision } from '../../../engine/amd/index.js';
import { createCentralitaDetector, DEFAULT_MODEL, DEFAULT_TUNING } from '../../../engine/amd/centralita.js';
import { FEATURE_NAMES, type AmdModel } from '../../../engine/amd/model.js';
import { mulberry32 } from '../../../engine/random/index.js';
import { chooseThreshold, trainModel, type TrainingSample } from '../../../engine/amd-lab/train/train.js';
import { frameOf, frames } from './frames.js';

const params = defaultAmdParams('centralita');
/**
 * Round 7: the rules' faint-opener test (faintOpenerDb) now takes the music fixture below on its own; the model's
 * tests turn it off so that they still test the model.
 */
const NO_FAINT_RULES = { ...DEFAULT_TUNING, faintOpenerDb: 0 };
/**
 * Round 7: retrained on the rules with the faint-opener test, the committed model wins nothing out-of-fold on the tuning
 * split and amd:train leaves its threshold above 1 (opinion only). The mechanism is tested with round 6's committed
 * weights (trained on the rules without that test, threshold 0.91), kept here as a fixture.
 */
const ROUND6_MODEL = JSON.parse(readFileSync(new URL('./amd-model-round6.json', import.meta.url), 'utf8')) as AmdModel;
const NO_FAINT = { ...NO_FAINT_RULES, model: ROUND6_MODEL };

/**
 * The energy timeline (mean |x| per 20 ms frame, up to the decision) of a tuning-split corpus file: on-hold music on
 * its own (machine-en-0238-music-only.wav), which the rules take for a person — its notes decay into a quiet that is
 * long enough to be a pause after an opener. The detector reads only these energies before its decision (no tone
 * was heard), so frames of these energies are that file to it.
 */
const MUSIC_ONLY = [0,0,0,0,0,0,0,78,65,70,70,70,68,66,72,69,66,68,66,65,74,63,61,75,72,72,70,76,64,75,67,74,2445,4123,4101,3862,3081,3011,2684,2329,2463,2153,1830,1619,1486,1558,1344,1267,1089,919,1386,3815,3916,3548,3215,2975,2288,2477,1889,2039,1648,1724,1571,1365,1226,1079,934,930,905,4750,4415,3805,3547,3509,2939,2630,2633,2388,2026,1898,1851,1611,1359,1377,1284,1050,1007,3114,0,0,0,3105,2382,2529,2120,2172,1979,1733,1562,1345,1166,1189,1018,1051,955,1907,3612,3732,2784,2672,2676,2344,0,0,1878,1890,1394,1290,1255,1101,1016,968,946,909,3698,3937,3008,3145,2727,2717,2510,2228,1964,1722,1511,1510,1303,1334,1214,1075,1038,803,3543,4340,4148,3789,3344,2954,2964,2648,2151,2240,2062,1671,1634,1541,1368,1232,1120,1094,2052,4082,3802,3202,3239,3073,2703,2086,2230,1976,1567,1715,1655,1415,1155,1158,1035,828,1346,3882,3834,3571,2897,2541,2397,2144,1890,1710,1874,1620,1522];

function run(energies: readonly number[], tuning = DEFAULT_TUNING): AmdDecision {
  const det = createCentralitaDetector(params, {}, tuning);
  let d: AmdDecision | null = null;
  for (const e of energies) d = det.pushFrame(frameOf(e)) ?? d;
  return d ?? det.finish('timeout');
}

describe('AMD second opinion (model.ts, amd-model.json)', () => {
  it('the committed model has a weight for every feature, in order, and a threshold chosen by amd:train', () => {
    expect(DEFAULT_MODEL.features).toEqual([...FEATURE_NAMES]);
    expect(DEFAULT_MODEL.weights).toHaveLength(FEATURE_NAMES.length);
    expect(DEFAULT_MODEL.threshold).toBeGreaterThan(0.5);
    // Above 1 when amd:train found nothing to win out-of-fold (round 7): the model then only writes its opinion.
    expect(DEFAULT_MODEL.threshold < 1 || DEFAULT_MODEL.threshold > 1).toBe(true);
    expect(ROUND6_MODEL.features).toEqual([...FEATURE_NAMES]);
  });

  it('on-hold music the rules call HUMAN is a MACHINE with the model, and the trace says which features decided', () => {
    const rulesOnly = run(MUSIC_ONLY, { ...NO_FAINT_RULES, model: null });
    expect(rulesOnly.status).toBe('HUMAN');
    const d = run(MUSIC_ONLY, NO_FAINT);
    expect(d.status).toBe('MACHINE');
    expect(d.cause).toMatch(/^MODEL-\d+-\d+$/);
    expect(d.decisionMs).toBe(rulesOnly.decisionMs); // the second opinion costs no time
    const note = d.trace.notes.find((n) => n.includes('the model says a recording'));
    expect(note).toMatch(/p\(machine\) 0\.\d\d: \w+ [\d.]+ \([+−]\d+\.\d\d\)/);
    expect(note).toContain('pauseLevel'); // the music going on in the "pause" is what gives it away
  });

  it('the rules alone now call that music MACHINE: its loudest notes stand under faintOpenerDb over the line (FAINT)', () => {
    const d = run(MUSIC_ONLY, { ...DEFAULT_TUNING, model: null });
    expect(d.status).toBe('MACHINE');
    expect(d.cause).toMatch(/^FAINT-\d+-105$/);
    const r = replayAmdTrace(d.trace);
    expect(r.exact).toBe(true);
    expect(r.decision.cause).toBe(d.cause);
    expect(r.decision.decisionMs).toBe(d.decisionMs);
  });

  it('a replay of the trace reaches the same MODEL decision (the model reads energies and timing only)', () => {
    const d = run(MUSIC_ONLY, NO_FAINT);
    const r = replayAmdTrace(d.trace, { tuning: NO_FAINT });
    expect(r.exact).toBe(true);
    expect(r.decision.status).toBe('MACHINE');
    expect(r.decision.cause).toBe(d.cause);
    expect(r.decision.decisionMs).toBe(d.decisionMs);
  });

  it('"Hello?" then a pause on a quiet line stays HUMAN: the model only notes its opinion', () => {
    const d = run(frames([3, 400], [1500, 300], [200, 80], [1400, 240], [3, 1200]).map((f) => Math.abs(f[0]!)), NO_FAINT);
    expect(d.status).toBe('HUMAN');
    expect(d.trace.notes.some((n) => /model: p\(machine\) 0\.\d\d: .* < 0\.\d+/.test(n))).toBe(true);
  });
});

describe('amd:train (train.ts)', () => {
  function samples(seed: number): TrainingSample[] {
    const rng = mulberry32(seed);
    return Array.from({ length: 120 }, (_, i) => {
      const label = (i % 3 === 0 ? 1 : 0) as 0 | 1;
      const features = FEATURE_NAMES.map((_, j) => rng() + (label && j % 4 === 0 ? 0.8 : 0));
      return { file: `f${i}`, features, label, rulesRight: label === 0 };
    });
  }

  it('is deterministic: the same samples give the same weights file, byte for byte', () => {
    const a = JSON.stringify(trainModel(samples(3)).model);
    const b = JSON.stringify(trainModel(samples(3)).model);
    expect(a).toBe(b);
    expect(JSON.stringify(trainModel(samples(4)).model)).not.toBe(a); // and it does depend on the data
    const { model } = trainModel(samples(3));
    // the separating features (every 4th) get positive weights
    expect(model.weights[0]).toBeGreaterThan(0.5);
    expect(model.weights[4]).toBeGreaterThan(0.5);
  });

  it('chooses the threshold for machines won against people lost (a person costs two), and none when nothing is won', () => {
    const s = (label: 0 | 1, rulesRight: boolean): TrainingSample => ({ file: '', features: [], label, rulesRight });
    const set = [s(1, false), s(1, false), s(1, false), s(0, true), s(0, true)];
    // At 0.92 two machines for no person; at 0.70 three machines for one person (3 − 2 = 1 < 2). Ties: the higher.
    expect(chooseThreshold(set, [0.95, 0.92, 0.7, 0.75, 0.3])).toEqual({ threshold: 0.92, machinesWon: 2, humansLost: 0 });
    expect(chooseThreshold([s(0, true), s(1, true)], [0.99, 0.99]).threshold).toBeGreaterThan(1);
  });
});

describe('npm run amd:train (train-command.ts) over a corpus folder', () => {
  /** A WAV whose 20 ms frames have these mean |x| (square waves: no tone, as the detector sees the energies). */
  function wav(energies: readonly number[]): Uint8Array {
    const out = new Int16Array(energies.length * 160);
    energies.forEach((e, i) => out.set(frameOf(e), i * 160));
    return encodeWav(out);
  }
  /** A person: low line noise, an opener of 2-6 uneven syllables, then quiet. */
  function person(i: number): number[] {
    const rng = mulberry32(100 + i);
    const e: number[] = Array.from({ length: 10 + (i % 7) * 3 }, () => 4 + Math.round(rng() * 4));
    const syllables = 2 + (i % 5);
    for (let k = 0; k < syllables; k++) {
      const len = 6 + Math.floor(rng() * 10);
      const peak = 600 + rng() * 2500;
      for (let j = 0; j < len; j++) e.push(Math.round(peak * (0.4 + 0.6 * Math.sin((Math.PI * (j + 1)) / (len + 1)))));
      for (let j = 0; j < 2 + Math.floor(rng() * 3); j++) e.push(5 + Math.round(rng() * 4));
    }
    for (let j = 0; j < 200; j++) e.push(4 + Math.round(rng() * 4));
    return e;
  }
  /** On-hold music the rules miss (the fixture above), at different levels, then a quiet line. */
  const music = (i: number) => [...MUSIC_ONLY.map((x) => Math.round(x * (0.5 + 0.15 * i))), ...Array.from({ length: 200 }, () => 5)];

  it('writes the same weights file twice from the same folder, reads only the tuning split, and the model it makes decides', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'amd-train-'));
    try {
      const files: Array<{ file: string; kind: 'human' | 'machine'; split: 'tuning' | 'heldout' }> = [];
      for (let i = 0; i < 24; i++) files.push({ file: `human-${i}.wav`, kind: 'human', split: 'tuning' });
      for (let i = 0; i < 8; i++) files.push({ file: `machine-${i}.wav`, kind: 'machine', split: 'tuning' });
      files.push({ file: 'machine-held.wav', kind: 'machine', split: 'heldout' });
      for (const f of files) {
        const n = Number(f.file.replace(/\D/g, '') || 0);
        await writeFile(join(dir, f.file), wav(f.kind === 'human' ? person(n) : music(n)));
      }
      await writeFile(join(dir, 'manifest.json'), JSON.stringify({ files }));
      const out1 = join(dir, 'model1.json');
      const out2 = join(dir, 'model2.json');
      expect(await trainCommand(['--dir', dir, '--out', out1])).toBe(0);
      // The held-out file changes: the weights must not.
      await writeFile(join(dir, 'machine-held.wav'), wav(person(3)));
      expect(await trainCommand(['--dir', dir, '--out', out2])).toBe(0);
      const [a, b] = [await readFile(out1, 'utf8'), await readFile(out2, 'utf8')];
      expect(b).toBe(a);
      const model = JSON.parse(a);
      // Tuning files only, each as it is and through the slin16 path (upsampled, then the media plane's decimator).
      // These fixtures are square waves at 4 kHz (the Nyquist frequency), which the slin16 path's low-pass mostly
      // removes: only some of them (5 music files, no person) still reach a HUMAN decision through it. Round 7: on the
      // file's own path the rules' faint-opener test (FAINT) now takes all 8 music files (13 machines before).
      expect(model.trainedOn).toMatchObject({ samples: 29, machines: 5, humans: 24 });
      expect(model.threshold).toBeLessThan(1); // it separates them, so it is switched on
      // Its weights, given to the detector (the faint-opener test off), turn the music the rules call HUMAN into MACHINE.
      const d = run(music(2), { ...NO_FAINT_RULES, model });
      expect(d.status).toBe('MACHINE');
      expect(run(person(5), { ...DEFAULT_TUNING, model }).status).toBe('HUMAN');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
