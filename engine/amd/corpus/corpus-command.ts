/**
 * `centralita amd:corpus [--out data/amd-corpus] [--humans 64] [--machines 64] [--seed 7] [--concurrency 2]`
 *
 * Generates the project's labelled AMD corpus: 8 kHz mono 16-bit WAV files named human-… / machine-…, plus
 * manifest.json with what each file holds (text, voice, speech and beep times) for tuning and QA.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeWav } from '../../audio/index.js';
import { mixItem } from './mix.js';
import { planCorpus, type CorpusItem } from './plan.js';
import { checkTools, speak } from './synth.js';

export interface ManifestEntry extends CorpusItem {
  durationMs: number;
  speechStartMs: number;
  speechEndMs: number;
  beepStartMs?: number;
  beepEndMs?: number;
}

/** Runs `worker` over `items` with at most `limit` at once, keeping results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, worker: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await worker(items[i]!);
    }
  });
  await Promise.all(lanes);
  return results;
}

export async function generateCorpus(opts: { out: string; humans: number; machines: number; seed: number; concurrency: number }): Promise<ManifestEntry[]> {
  const problem = await checkTools();
  if (problem) throw new Error(problem);
  await mkdir(opts.out, { recursive: true });
  // A previous corpus (other seed or size) would mix into this one: remove its files, and only those.
  for (const name of await readdir(opts.out)) {
    if (/^(human|machine)-.*\.wav$/.test(name) || name === 'manifest.json') await rm(join(opts.out, name), { force: true });
  }
  const plan = planCorpus(opts);
  return mapLimit(plan, opts.concurrency, async (item) => {
    const voice = { voice: item.voice, speedWpm: item.speedWpm, pitch: item.pitch };
    const speech = await speak(item.text, voice);
    const repeat = item.repeatText ? await speak(item.repeatText, voice) : undefined;
    const mixed = mixItem(item, speech, repeat);
    await writeFile(join(opts.out, item.file), encodeWav(mixed.samples));
    const { samples, ...times } = mixed;
    return { ...item, durationMs: Math.round(samples.length / 8), ...times };
  });
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      out: { type: 'string', default: 'data/amd-corpus' },
      humans: { type: 'string', default: '64' },
      machines: { type: 'string', default: '64' },
      seed: { type: 'string', default: '7' },
      concurrency: { type: 'string', default: '2' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write('Usage: centralita amd:corpus [--out data/amd-corpus] [--humans 64] [--machines 64] [--seed 7] [--concurrency 2]\n');
    return 0;
  }
  const num = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer ≥ ${min} (got "${v}")`);
    return n;
  };
  const opts = {
    out: values.out,
    humans: num('humans', values.humans, 0),
    machines: num('machines', values.machines, 0),
    seed: num('seed', values.seed, 0),
    concurrency: num('concurrency', values.concurrency, 1),
  };
  const problem = await checkTools();
  if (problem) {
    process.stderr.write(problem);
    return 1;
  }
  const started = performance.now();
  const manifest = await generateCorpus(opts);
  await writeFile(join(opts.out, 'manifest.json'), JSON.stringify({ seed: opts.seed, files: manifest }, null, 2) + '\n');
  const secs = ((performance.now() - started) / 1000).toFixed(1);
  const h = manifest.filter((m) => m.kind === 'human').length;
  process.stdout.write(`amd:corpus: wrote ${manifest.length} files (${h} human, ${manifest.length - h} machine) to ${opts.out} in ${secs} s\n`);
  return 0;
}
