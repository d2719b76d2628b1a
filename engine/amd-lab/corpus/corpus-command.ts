/**
 * `centralita amd:corpus [--out .cache/amd-corpus] [--humans 600] [--machines 600] [--seed 7] [--concurrency 2]
 *                        [--tts-cache .cache/amd-tts]`
 *
 * Generates the labelled AMD corpus: 8 kHz mono 16-bit WAV files from three synthesisers (plan.ts, voices.ts)
 * through a telephone channel (render.ts), plus manifest.json with what each file holds (generator, voice
 * family, language, structure, greeting length, noise, split …). Only the evaluator reads the manifest.
 * Deterministic from the seed; speech is cached by content (synth.ts) and files whose plan did not change
 * are kept, so a second run only writes what is new.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeWav } from '../../audio/index.js';
import { GREETING_SENTENCES, REPLIES } from './phrases.js';
import { planCorpus, type CorpusItem } from './plan.js';
import { mulberry32, pick } from './random.js';
import { renderItem, type RenderTimes } from './render.js';
import { phraseHalf, splitOf, type Split } from './split.js';
import { checkTools, speak } from './synth.js';
import { VOICE_FAMILIES } from './voices.js';

export interface ManifestEntry extends CorpusItem, RenderTimes {
  /** Hash of the plan entry the file was rendered from (a changed plan re-renders the file). */
  planHash: string;
}

export interface Manifest {
  seed: number;
  files: ManifestEntry[];
}

export const MANIFEST = 'manifest.json';
export const DEFAULT_CORPUS_DIR = '.cache/amd-corpus';
export const DEFAULT_TTS_CACHE = '.cache/amd-tts';

/** Runs `worker` over `items` with at most `limit` at once, keeping results in order. */
export async function mapLimit<T, R>(items: readonly T[], limit: number, worker: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await worker(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return results;
}

const planHash = (item: CorpusItem) => createHash('sha1').update(JSON.stringify({ v: 1, item })).digest('hex').slice(0, 16);

/** Utterances for babble and TV backgrounds, spoken by espeak voices of one split only. */
export async function babbleBank(split: Split, seed: number, ttsCache: string): Promise<Int16Array[]> {
  const rng = mulberry32((seed ^ (split === 'tuning' ? 0xbabb1e : 0xbabb1f)) >>> 0);
  const families = VOICE_FAMILIES.filter((f) => f.generator === 'espeak' && splitOf(f) === split);
  const out: Int16Array[] = [];
  for (let i = 0; i < 8; i++) {
    const family = pick(rng, families);
    const pool = [...phraseHalf(REPLIES[family.lang], split), ...phraseHalf(GREETING_SENTENCES[family.lang], split)];
    const text = Array.from({ length: 3 }, () => pick(rng, pool).replace(/\{(name|biz|digits)\}/g, 'Alex')).join(' ');
    out.push(await speak({ family, variant: pick(rng, family.variants), text, stretch: 1, pitch: 50 }, ttsCache));
  }
  return out;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export interface GenerateOptions {
  out: string;
  humans: number;
  machines: number;
  seed: number;
  concurrency: number;
  ttsCache?: string;
  /** Called after each file (for progress output). */
  onFile?: (done: number, total: number) => void;
}

export async function generateCorpus(opts: GenerateOptions): Promise<Manifest> {
  const problem = await checkTools();
  if (problem) throw new Error(problem);
  const ttsCache = opts.ttsCache ?? DEFAULT_TTS_CACHE;
  await mkdir(opts.out, { recursive: true });
  const plan = planCorpus(opts);
  let previous = new Map<string, ManifestEntry>();
  try {
    const old = JSON.parse(await readFile(join(opts.out, MANIFEST), 'utf8')) as Manifest;
    previous = new Map(old.files.map((f) => [f.file, f]));
  } catch {
    // no previous corpus here
  }
  // A previous corpus (other seed or size) would mix into this one: remove its files that are not planned.
  const planned = new Set(plan.map((p) => p.file));
  for (const name of await readdir(opts.out)) {
    if (/^(human|machine)-.*\.wav$/.test(name) && !planned.has(name)) await rm(join(opts.out, name), { force: true });
  }
  const banks = new Map<Split, Int16Array[]>();
  for (const split of ['tuning', 'heldout'] as const) banks.set(split, await babbleBank(split, opts.seed, ttsCache));
  let done = 0;
  const files = await mapLimit(plan, opts.concurrency, async (item) => {
    const hash = planHash(item);
    const old = previous.get(item.file);
    const path = join(opts.out, item.file);
    if (old && old.planHash === hash && (await exists(path))) {
      opts.onFile?.(++done, plan.length);
      return old;
    }
    const family = VOICE_FAMILIES.find((f) => f.id === item.family)!;
    const speech = new Map<number, Int16Array>();
    for (const [i, step] of item.steps.entries()) {
      if (step.k !== 'say') continue;
      speech.set(i, await speak({ family, variant: item.variant, text: step.text, stretch: item.stretch, pitch: item.pitch }, ttsCache));
    }
    const { samples, times } = renderItem(item, speech, banks.get(item.split)!);
    await writeFile(path, encodeWav(samples));
    opts.onFile?.(++done, plan.length);
    return { ...item, ...times, planHash: hash };
  });
  const manifest: Manifest = { seed: opts.seed, files };
  await writeFile(join(opts.out, MANIFEST), JSON.stringify(manifest) + '\n');
  return manifest;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string', default: DEFAULT_CORPUS_DIR },
      humans: { type: 'string', default: '600' },
      machines: { type: 'string', default: '600' },
      seed: { type: 'string', default: '7' },
      concurrency: { type: 'string', default: '2' },
      'tts-cache': { type: 'string', default: DEFAULT_TTS_CACHE },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(
      'Usage: centralita amd:corpus [--out .cache/amd-corpus] [--humans 600] [--machines 600] [--seed 7] [--concurrency 2] [--tts-cache .cache/amd-tts]\n',
    );
    return 0;
  }
  const num = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min} (got "${v}")`);
    return n;
  };
  const opts: GenerateOptions = {
    out: values.out,
    humans: num('humans', values.humans, 0),
    machines: num('machines', values.machines, 0),
    seed: num('seed', values.seed, 0),
    concurrency: num('concurrency', values.concurrency, 1),
    ttsCache: values['tts-cache'],
    onFile: (done, total) => {
      if (done % 100 === 0 || done === total) process.stderr.write(`amd:corpus: ${done}/${total}\n`);
    },
  };
  const problem = await checkTools();
  if (problem) {
    process.stderr.write(problem);
    return 1;
  }
  const started = performance.now();
  const manifest = await generateCorpus(opts);
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  const h = manifest.files.filter((m) => m.kind === 'human').length;
  const held = manifest.files.filter((m) => m.split === 'heldout').length;
  process.stdout.write(
    `amd:corpus: ${manifest.files.length} files (${h} human, ${manifest.files.length - h} machine; ${held} held-out) in ${opts.out} in ${secs} s\n`,
  );
  return 0;
}
