/**
 * `centralita amd:eval --dir <folder> [--mode app_amd|centralita] [--split [tuning|heldout]] [--notsure human|machine]
 *                      [--live [--asterisk | --ari-url URL --ari-user U --ari-password P --sounds-dir DIR
 *                               [--ari-app NAME] [--context CTX]] [--concurrency N] [--live-capture DIR]]
 *                      [--files N] [--leading-zeros MS] [--model on|off] [--tuning JSON] [--params JSON]`
 *
 * Runs the detector over every WAV in the folder (8 kHz mono, 16-bit PCM or µ-law), prints a table per file
 * and, as the LAST line, one JSON object:
 *   {"mode":…,"n":…,"accuracy":…,"human":{"n","correct","correctWithLate","notsure","late","medianDecisionMs",…},
 *    "machine":{…},"beep":{…},"badFiles":…}
 * With both modes (the default) the top level is centralita's summary plus `"modes": {"app_amd": {…},
 * "centralita": {…}}` and `pairedHumans`, so a reader that only knows the single-mode shape still parses it.
 *
 * The truth comes from the corpus manifest (manifest.json, written by amd:corpus) when the folder has one,
 * else from the file name prefix human… / machine…. Only this evaluator reads the manifest: the detector
 * sees the audio alone. With `--split` the figures are given per split (held-out beside tuning) and per
 * category (language, generator, greeting length, noise, structure) — `"splits"` and `"categories"` in the
 * JSON; `--split heldout` (or `tuning`) evaluates that half only. `--live` plays the files through the
 * embedded PBX and the media plane as well (live.ts) and adds `"live"` beside the offline figures, with
 * `"live": {"pbx": "simulator" | "asterisk 22.10.1", …}`. `--asterisk` plays them through the bundled real
 * Asterisk instead (started and stopped by the evaluator); `--ari-url …` through your own, which needs the
 * dialplan context of live-asterisk.ts and a `--sounds-dir` it can read (live-asterisk.ts). `--live-capture DIR`
 * writes what the detector heard on each call as DIR/<file>, to set beside the file when a verdict differs.
 * `--leading-zeros MS` puts MS ms of exact zeros before every file, as Asterisk sends digital silence before
 * the callee's first audio on a live call (the issue's live failure: 200 ms of them turned noisy humans into
 * LONGGREETING machines). The JSON's `leadingZerosMs` says it was used; decision times include the zeros, as
 * they do live.
 * `--model off` runs centralita without its second opinion (engine/amd/model.ts): the rules alone, the figure
 * before the model; the JSON then says `"model": "off"`.
 * `--tuning '{"monologueDensity":0.25,"beep":{"minDurationMs":130}}'` runs centralita with those CentralitaTuning
 * numbers over the defaults (offline only): how a tuning experiment is reproduced by a command; the JSON then says
 * `"tuning": {…}`. Only numeric fields of DEFAULT_TUNING (and of its `beep`) are accepted.
 * `--params '{"lateWatchMs":15000}'`: centralita's AMD parameters (a campaign's `amd` settings, amdParamsSchema) over
 * its defaults, offline; the JSON then says `"params": {…}`.
 * Unreadable files are listed, not fatal.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { assertTelephonyAudio, readWav } from '../../audio/index.js';
import type { Manifest, ManifestEntry } from '../corpus/corpus-command.js';
import { amdParamsSchema, DEFAULT_TUNING, type AmdMode, type AmdParams, type CentralitaTuning } from '../../amd/index.js';
import { evaluateSamples } from './evaluate.js';
import {
  isCorrectWithLate,
  median,
  summarize,
  truthFromName,
  type LabelledResult,
  type ModeSummary,
  type NotsurePolicy,
} from './summary.js';

const MODES: AmdMode[] = ['app_amd', 'centralita'];
const DEFAULT_MODE: AmdMode = 'centralita';
const SPLITS = ['tuning', 'heldout'] as const;
type SplitName = (typeof SPLITS)[number];

interface Row {
  file: string;
  truth: string;
  cells: string[];
}

/** What the evaluator knows about a file beyond its audio (from the manifest). */
export interface FileMeta {
  split?: SplitName;
  categories: Record<string, string>;
  hasBeep?: boolean;
}

/** Greeting length buckets: a human's opener, a machine's greeting (first speech to last). */
export function lengthBucket(ms: number): string {
  if (ms <= 0) return 'none';
  if (ms < 1000) return '<1s';
  if (ms < 2000) return '1-2s';
  if (ms < 3000) return '2-3s';
  if (ms < 5000) return '3-5s';
  if (ms < 10000) return '5-10s';
  return '>=10s';
}

export function metaFromManifest(entry: ManifestEntry): FileMeta {
  return {
    split: entry.split,
    hasBeep: entry.kind === 'machine' ? entry.beepEndMs !== undefined : undefined,
    categories: {
      lang: entry.lang,
      generator: entry.generator,
      greeting: lengthBucket(entry.greetingMs),
      noise: entry.channel.noise,
      structure: entry.structure,
      leadingZeros: entry.channel.leadingZerosMs < 250 ? '<250ms' : entry.channel.leadingZerosMs < 600 ? '250-600ms' : '600-1000ms',
    },
  };
}

export async function readManifest(dir: string): Promise<Map<string, ManifestEntry> | null> {
  try {
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    return new Map(m.files.map((f) => [f.file, f]));
  } catch {
    return null;
  }
}

export interface EvaluateOptions {
  modes: AmdMode[];
  /** Evaluate only this split's files (needs the manifest). */
  only?: SplitName;
  /** Per-mode parameter overrides (tests, tuning). */
  params?: Partial<Record<AmdMode, Partial<AmdParams>>>;
  /** At most this many files, spread evenly over the sorted list (a stratified subset). */
  files?: number;
  /** Exact zeros put before every file (ms, whole 20 ms frames): the live condition, offline. */
  leadingZerosMs?: number;
  /** Centralita without its second opinion (the rules alone): the "before" of the model (`--model off`). */
  noModel?: boolean;
  /** Centralita tuning over DEFAULT_TUNING (`--tuning`, parseTuning). */
  tuning?: TuningOverride;
}

/** Numeric CentralitaTuning fields, and numeric fields of its beep options. */
export type TuningOverride = Partial<Record<string, number>> & { beep?: Partial<Record<string, number>> };

/**
 * `--tuning JSON`: an object of numeric DEFAULT_TUNING fields (and `beep`: numeric BeepOptions fields). Throws on
 * anything else, so a misspelt field is not silently the default.
 */
export function parseTuning(text: string): TuningOverride {
  const o: unknown = JSON.parse(text);
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error('--tuning must be a JSON object');
  const numeric = (obj: Record<string, unknown>, defaults: Record<string, unknown>, where: string) => {
    for (const [k, v] of Object.entries(obj)) {
      if (typeof defaults[k] !== 'number') throw new Error(`--tuning: ${where}${k} is not a numeric tuning field`);
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`--tuning: ${where}${k} must be a number`);
    }
  };
  const { beep, ...rest } = o as Record<string, unknown>;
  numeric(rest, DEFAULT_TUNING as unknown as Record<string, unknown>, '');
  if (beep !== undefined) {
    if (typeof beep !== 'object' || beep === null || Array.isArray(beep)) throw new Error('--tuning: beep must be an object');
    numeric(beep as Record<string, unknown>, DEFAULT_TUNING.beep as unknown as Record<string, unknown>, 'beep.');
  }
  return o as TuningOverride;
}

/** `--params JSON`: centralita's AMD parameters as a campaign gives them (validated by amdParamsSchema, no `mode`). */
export function parseCentralitaParams(text: string): Partial<AmdParams> {
  const o: unknown = JSON.parse(text);
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error('--params must be a JSON object');
  if ('mode' in o) throw new Error('--params: mode is chosen with --mode');
  const r = amdParamsSchema.safeParse({ ...o, mode: 'centralita' });
  if (!r.success) throw new Error(`--params: ${r.error.issues.map((i) => `${i.path.join('.') || '(object)'}: ${i.message}`).join('; ')}`);
  return o as Partial<AmdParams>;
}

/** DEFAULT_TUNING with the override and the model switch applied; undefined when nothing differs. */
function tuningOf(opts: EvaluateOptions): CentralitaTuning | undefined {
  if (!opts.noModel && !opts.tuning) return undefined;
  const { beep, ...rest } = opts.tuning ?? {};
  return {
    ...DEFAULT_TUNING,
    ...(rest as Partial<CentralitaTuning>),
    beep: { ...DEFAULT_TUNING.beep, ...(beep ?? {}) },
    ...(opts.noModel ? { model: null } : {}),
  };
}

/** `samples` after `ms` of digital silence (exact zeros), as a live call's first audio arrives. */
export function withLeadingZeros(samples: Int16Array, ms: number): Int16Array {
  const zeros = Math.round((ms * 8000) / 1000);
  if (zeros <= 0) return samples;
  const out = new Int16Array(zeros + samples.length);
  out.set(samples, zeros);
  return out;
}

export async function evaluateFolder(dir: string, modesOrOpts: AmdMode[] | EvaluateOptions) {
  const opts: EvaluateOptions = Array.isArray(modesOrOpts) ? { modes: modesOrOpts } : modesOrOpts;
  const { modes } = opts;
  const manifest = await readManifest(dir);
  let names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith('.wav')).sort();
  if (opts.only) {
    if (!manifest) throw new Error(`--split ${opts.only} needs the corpus manifest (manifest.json) in ${dir}`);
    names = names.filter((n) => manifest.get(n)?.split === opts.only);
  }
  if (opts.files !== undefined && opts.files < names.length) {
    const step = names.length / opts.files;
    names = Array.from({ length: opts.files }, (_, i) => names[Math.floor(i * step)]!);
  }
  const params = new Map(modes.map((m) => [m, amdParamsSchema.parse({ ...opts.params?.[m], mode: m })]));
  const tuning = tuningOf(opts);
  const results = new Map<AmdMode, LabelledResult[]>(modes.map((m) => [m, []]));
  const meta = new Map<string, FileMeta>();
  const rows: Row[] = [];
  const errors: Array<{ file: string; error: string }> = [];
  const skipped: string[] = [];
  for (const file of names) {
    const entry = manifest?.get(file);
    const truth = entry ? entry.kind : truthFromName(file);
    if (!truth) {
      skipped.push(file);
      continue;
    }
    let samples: Int16Array;
    try {
      const wav = await readWav(join(dir, file));
      assertTelephonyAudio(wav, file);
      samples = withLeadingZeros(wav.samples, opts.leadingZerosMs ?? 0);
    } catch (err) {
      errors.push({ file, error: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const m: FileMeta = entry ? metaFromManifest(entry) : { categories: {} };
    if (!entry) {
      const named = /-beep\b/i.test(file) ? true : /-nobeep\b/i.test(file) ? false : undefined;
      if (named !== undefined) m.hasBeep = named;
    }
    meta.set(file, m);
    const cells: string[] = [];
    for (const mode of modes) {
      const { decision } = evaluateSamples(samples, params.get(mode)!, tuning);
      const r: LabelledResult = { file, truth, status: decision.status, decisionMs: decision.decisionMs };
      if (decision.beepAtMs !== undefined) r.beepAtMs = decision.beepAtMs;
      if (decision.late) {
        r.lateMs = decision.late.decisionMs;
        r.lateCause = decision.late.cause;
      }
      if (m.hasBeep !== undefined) r.hasBeep = m.hasBeep;
      results.get(mode)!.push(r);
      cells.push(cell(r));
    }
    rows.push({ file, truth, cells });
  }
  const summaries = new Map<AmdMode, ModeSummary>(modes.map((m) => [m, summarize(m, results.get(m)!)]));
  return { rows, errors, skipped, summaries, results, meta, hasManifest: manifest !== null };
}

function cell(r: LabelledResult): string {
  const ok = r.status === (r.truth === 'human' ? 'HUMAN' : 'MACHINE') ? ' ' : '✗';
  const beep = r.beepAtMs !== undefined ? ` beep@${r.beepAtMs}` : '';
  const late = r.lateMs !== undefined ? ` LATE@${r.lateMs} ${r.lateCause}` : '';
  return `${ok} ${r.status.padEnd(7)} ${String(r.decisionMs).padStart(5)} ms${beep}${late}`;
}

/**
 * Like for like: the human files that every mode classifies correctly, and each mode's median decision time
 * on them. (A mode's median over all human files rewards deciding fast and wrong: app_amd's MAXWORDS on a
 * full-sentence opener comes early precisely because it is a mistake.)
 */
export function pairedHumanTimes(results: Map<AmdMode, LabelledResult[]>): { n: number; medianDecisionMs: Record<string, number | null> } {
  const lists = [...results.values()];
  const okFiles = lists
    .map((rs) => new Set(rs.filter((r) => r.truth === 'human' && r.status === 'HUMAN').map((r) => r.file)))
    .reduce((a, b) => new Set([...a].filter((f) => b.has(f))));
  const medianDecisionMs: Record<string, number | null> = {};
  for (const [mode, rs] of results) medianDecisionMs[mode] = median(rs.filter((r) => okFiles.has(r.file)).map((r) => r.decisionMs));
  return { n: okFiles.size, medianDecisionMs };
}

/** [correct in the end, n] per class, for one category value. */
export interface CategoryCell {
  human: [number, number];
  machine: [number, number];
}

/** category → value → cell, for the given results. */
export function byCategory(results: readonly LabelledResult[], meta: ReadonlyMap<string, FileMeta>, policy: NotsurePolicy) {
  const out: Record<string, Record<string, CategoryCell>> = {};
  for (const r of results) {
    for (const [cat, value] of Object.entries(meta.get(r.file)?.categories ?? {})) {
      const c = ((out[cat] ??= {})[value] ??= { human: [0, 0], machine: [0, 0] });
      const k = c[r.truth];
      k[1]++;
      if (isCorrectWithLate(r, policy)) k[0]++;
    }
  }
  return out;
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

const frac = ([ok, n]: [number, number]) => (n === 0 ? '     -     ' : `${pct(ok / n).padStart(6)} ${String(n).padStart(4)}`);

function summaryLine(label: string, s: ModeSummary): string {
  const cls = (c: ModeSummary['human']) =>
    `${c.correctWithLate}/${c.n} (${pct(c.n ? c.correctWithLate / c.n : 0)}; first ${c.correct}, notsure ${c.notsure}, late ${c.late}) median ${c.medianDecisionMs} ms`;
  return `${label.padEnd(22)} human ${cls(s.human)}  machine ${cls(s.machine)}  beeps heard ${s.beep.found}/${s.beep.files}\n`;
}

/** Rewrites a bare `--split` (no value) into `--split both`, so parseArgs can read it as a string option. */
function normaliseArgv(argv: string[]): string[] {
  const out: string[] = [];
  argv.forEach((a, i) => {
    out.push(a);
    const next = argv[i + 1];
    if (a === '--split' && (next === undefined || next.startsWith('--'))) out.push('both');
  });
  return out;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: normaliseArgv(argv),
    options: {
      dir: { type: 'string' },
      mode: { type: 'string' },
      split: { type: 'string' },
      notsure: { type: 'string', default: 'human' },
      live: { type: 'boolean', default: false },
      files: { type: 'string' },
      'leading-zeros': { type: 'string' },
      model: { type: 'string', default: 'on' },
      asterisk: { type: 'boolean', default: false },
      'ari-url': { type: 'string' },
      'ari-user': { type: 'string' },
      'ari-password': { type: 'string' },
      'ari-app': { type: 'string' },
      'sounds-dir': { type: 'string' },
      context: { type: 'string' },
      concurrency: { type: 'string' },
      'live-capture': { type: 'string' },
      tuning: { type: 'string' },
      params: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const usage =
    'Usage: centralita amd:eval --dir <folder> [--mode app_amd|centralita] [--split [tuning|heldout]] [--notsure human|machine] [--live [--asterisk | --ari-url URL --ari-user U --ari-password P --sounds-dir DIR [--ari-app NAME] [--context CTX]] [--concurrency N] [--live-capture DIR]] [--files N] [--leading-zeros MS] [--model on|off] [--tuning JSON] [--params JSON]\n';
  if (values.help || !values.dir) {
    process.stderr.write(usage);
    return values.help ? 0 : 2;
  }
  if (values.mode !== undefined && !MODES.includes(values.mode as AmdMode)) {
    process.stderr.write(`--mode must be one of ${MODES.join(', ')} (got "${values.mode}")\n`);
    return 2;
  }
  if (values.split !== undefined && !['both', ...SPLITS].includes(values.split)) {
    process.stderr.write(`--split must be tuning or heldout, or given alone (got "${values.split}")\n`);
    return 2;
  }
  if (values.notsure !== 'human' && values.notsure !== 'machine') {
    process.stderr.write(`--notsure must be human or machine (got "${values.notsure}")\n`);
    return 2;
  }
  const fileLimit = values.files === undefined ? undefined : Number(values.files);
  if (fileLimit !== undefined && !(Number.isInteger(fileLimit) && fileLimit > 0)) {
    process.stderr.write(`--files must be a positive integer (got "${values.files}")\n`);
    return 2;
  }
  const leadingZerosMs = values['leading-zeros'] === undefined ? 0 : Number(values['leading-zeros']);
  if (!(Number.isInteger(leadingZerosMs) && leadingZerosMs >= 0 && leadingZerosMs <= 60_000 && leadingZerosMs % 20 === 0)) {
    process.stderr.write(`--leading-zeros must be a whole number of 20 ms frames from 0 to 60000 (got "${values['leading-zeros']}")\n`);
    return 2;
  }
  if (leadingZerosMs > 0 && values.live) {
    process.stderr.write('--leading-zeros is for the offline evaluation: live, Asterisk sends its own digital silence\n');
    return 2;
  }
  if (values.model !== 'on' && values.model !== 'off') {
    process.stderr.write(`--model must be on or off (got "${values.model}")\n`);
    return 2;
  }
  if (values.model === 'off' && values.live) {
    process.stderr.write('--model off is for the offline evaluation: the media plane runs the default detector\n');
    return 2;
  }
  let tuning: TuningOverride | undefined;
  if (values.tuning !== undefined) {
    if (values.live) {
      process.stderr.write('--tuning is for the offline evaluation: the media plane runs the default detector\n');
      return 2;
    }
    try {
      tuning = parseTuning(values.tuning);
    } catch (err) {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      return 2;
    }
  }
  let centralitaParams: Partial<AmdParams> | undefined;
  if (values.params !== undefined) {
    if (values.live) {
      process.stderr.write('--params is for the offline evaluation: the media plane runs the default parameters\n');
      return 2;
    }
    try {
      centralitaParams = parseCentralitaParams(values.params);
    } catch (err) {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      return 2;
    }
  }
  const ariUrl = values['ari-url'];
  if ((values.asterisk || ariUrl !== undefined || values.concurrency !== undefined || values['live-capture'] !== undefined) && !values.live) {
    process.stderr.write('--asterisk, --ari-url, --concurrency and --live-capture are for the live evaluation: add --live\n');
    return 2;
  }
  if (values.asterisk && ariUrl !== undefined) {
    process.stderr.write('--asterisk starts the bundled Asterisk; --ari-url uses yours: give one of them\n');
    return 2;
  }
  if (ariUrl !== undefined) {
    if (!/^https?:\/\/[^/\s]+/.test(ariUrl)) {
      process.stderr.write(`--ari-url must be an http(s) URL such as http://127.0.0.1:8088 (got "${ariUrl}")\n`);
      return 2;
    }
    for (const k of ['ari-user', 'ari-password', 'sounds-dir'] as const) {
      if (!values[k]) {
        process.stderr.write(`--ari-url needs --${k}${k === 'sounds-dir' ? ' (a folder that Asterisk reads by the same path: the evaluator writes the files there)' : ''}\n`);
        return 2;
      }
    }
  }
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0 && concurrency <= 200)) {
    process.stderr.write(`--concurrency must be a whole number from 1 to 200 (got "${values.concurrency}")\n`);
    return 2;
  }
  const policy: NotsurePolicy = values.notsure;
  const modes = values.mode ? [values.mode as AmdMode] : MODES;
  const only = values.split === 'tuning' || values.split === 'heldout' ? values.split : undefined;
  let evaluated: Awaited<ReturnType<typeof evaluateFolder>>;
  try {
    evaluated = await evaluateFolder(values.dir, { modes, ...(only ? { only } : {}), ...(fileLimit ? { files: fileLimit } : {}), leadingZerosMs, noModel: values.model === 'off', ...(tuning ? { tuning } : {}), ...(centralitaParams ? { params: { centralita: centralitaParams } } : {}) });
  } catch (err) {
    process.stderr.write(`amd:eval: cannot read folder ${values.dir}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const { rows, errors, skipped, results, meta } = evaluated;
  const summaries = new Map<AmdMode, ModeSummary>(modes.map((m) => [m, summarize(m, results.get(m)!, policy)]));

  const out = process.stdout;
  const width = Math.max(4, ...rows.map((r) => r.file.length));
  const colWidth = 44;
  out.write(`${'file'.padEnd(width)}  truth    ${modes.map((m) => m.padEnd(colWidth)).join('  ')}\n`);
  for (const r of rows) out.write(`${r.file.padEnd(width)}  ${r.truth.padEnd(7)}  ${r.cells.map((c) => c.padEnd(colWidth)).join('  ')}\n`);
  for (const e of errors) out.write(`! ${e.file}: ${e.error}\n`);
  if (skipped.length) out.write(`(skipped ${skipped.length} WAV files with no label: neither in the manifest nor named human… / machine…)\n`);
  out.write(`\nright in the end = first verdict (NOTSURE treated as ${policy}) or the async watch's late MACHINE\n`);
  for (const s of summaries.values()) out.write(summaryLine(`${s.mode} (all files)`, s));

  const primary = summaries.get(modes.length === 1 ? modes[0]! : DEFAULT_MODE)!;
  let last: Record<string, unknown> = { ...primary, badFiles: errors.length, notsurePolicy: policy };
  if (values.model === 'off') last = { ...last, model: 'off' };
  if (tuning) last = { ...last, tuning };
  if (centralitaParams) last = { ...last, params: centralitaParams };
  if (leadingZerosMs > 0) {
    out.write(`(every file after ${leadingZerosMs} ms of digital silence: decision times include it)\n`);
    last = { ...last, leadingZerosMs };
  }
  if (modes.length > 1) {
    const paired = pairedHumanTimes(results);
    out.write(
      `humans every mode gets right: ${paired.n}; median decision ` +
        Object.entries(paired.medianDecisionMs).map(([m, v]) => `${m} ${v} ms`).join(', ') +
        '\n',
    );
    last = { ...last, modes: Object.fromEntries(summaries), pairedHumans: paired };
  }

  if (values.split !== undefined) {
    if (!evaluated.hasManifest) {
      process.stderr.write(`amd:eval: --split needs the corpus manifest (manifest.json) in ${values.dir}\n`);
      return 2;
    }
    const splits: Record<string, Record<string, ModeSummary>> = {};
    const categories: Record<string, Record<string, ReturnType<typeof byCategory>>> = {};
    const present = SPLITS.filter((sp) => [...meta.values()].some((m) => m.split === sp));
    // Held-out first: it is the figure to trust.
    for (const sp of [...present].reverse()) {
      out.write(`\n== ${sp === 'heldout' ? 'HELD-OUT (voices and phrases never tuned on)' : 'TUNING'} ==\n`);
      splits[sp] = {};
      categories[sp] = {};
      for (const mode of modes) {
        const rs = results.get(mode)!.filter((r) => meta.get(r.file)?.split === sp);
        const s = summarize(mode, rs, policy);
        splits[sp]![mode] = s;
        categories[sp]![mode] = byCategory(rs, meta, policy);
        out.write(summaryLine(mode, s));
      }
      for (const cat of Object.keys(categories[sp]![modes[0]!] ?? {})) {
        out.write(`  by ${cat}:${' '.repeat(Math.max(1, 22 - cat.length))}${modes.map((m) => `${m} human / machine`.padEnd(32)).join('')}\n`);
        const valuesOf = new Set(modes.flatMap((m) => Object.keys(categories[sp]![m]![cat] ?? {})));
        for (const v of [...valuesOf].sort()) {
          out.write(
            `    ${v.padEnd(24)}` +
              modes
                .map((m) => {
                  const c = categories[sp]![m]![cat]?.[v];
                  return c ? `${frac(c.human)} / ${frac(c.machine)}`.padEnd(32) : ''.padEnd(32);
                })
                .join('') +
              '\n',
          );
        }
      }
    }
    last = { ...last, splits, categories };
  }

  if (values.live) {
    const { evaluateLive } = await import('./live.js');
    const { asteriskPbx, bundledAsteriskPbx } = await import('./live-asterisk.js');
    const pbx = values.asterisk
      ? bundledAsteriskPbx()
      : ariUrl !== undefined
        ? asteriskPbx({
            url: ariUrl,
            username: values['ari-user']!,
            password: values['ari-password']!,
            soundsDir: values['sounds-dir']!,
            ...(values['ari-app'] ? { app: values['ari-app'] } : {}),
            ...(values.context ? { context: values.context } : {}),
          })
        : undefined;
    const live = await evaluateLive(values.dir, {
      modes,
      files: rows.map((r) => r.file),
      offline: results,
      policy,
      out,
      ...(pbx ? { pbx } : {}),
      ...(concurrency ? { concurrency } : {}),
      ...(values['live-capture'] ? { captureDir: values['live-capture'] } : {}),
    });
    last = { ...last, live };
  }
  out.write(JSON.stringify(last) + '\n');
  return 0;
}
