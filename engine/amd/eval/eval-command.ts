/**
 * `centralita amd:eval --dir <folder> [--mode app_amd|centralita]`
 *
 * Runs the detector over every WAV in the folder (8 kHz mono, 16-bit PCM or µ-law), the truth taken from the
 * file name prefix human… / machine…, prints a table per file and, as the LAST line, one JSON object:
 *   {"mode":…,"n":…,"accuracy":…,"human":{"n","correct","medianDecisionMs",…},"machine":{…},"beep":{…}}
 * With one --mode that object is that mode's summary. With both modes (the default) the last line is the
 * default mode's (centralita) summary at top level plus `"modes": {"app_amd": {…}, "centralita": {…}}`,
 * so a reader that only knows the single-mode shape still parses it. Unreadable files are listed, not fatal.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { assertTelephonyAudio, readWav } from '../../audio/index.js';
import { amdParamsSchema } from '../params.js';
import type { AmdMode } from '../types.js';
import { evaluateSamples } from './evaluate.js';
import { median, summarize, truthFromName, type LabelledResult, type ModeSummary } from './summary.js';

const MODES: AmdMode[] = ['app_amd', 'centralita'];
const DEFAULT_MODE: AmdMode = 'centralita';

interface Row {
  file: string;
  truth: string;
  cells: string[];
}

export async function evaluateFolder(dir: string, modes: AmdMode[]) {
  const names = (await readdir(dir)).filter((n) => n.toLowerCase().endsWith('.wav')).sort();
  const results = new Map<AmdMode, LabelledResult[]>(modes.map((m) => [m, []]));
  const rows: Row[] = [];
  const errors: Array<{ file: string; error: string }> = [];
  const skipped: string[] = [];
  for (const file of names) {
    const truth = truthFromName(file);
    if (!truth) {
      skipped.push(file);
      continue;
    }
    let samples: Int16Array;
    try {
      const wav = await readWav(join(dir, file));
      assertTelephonyAudio(wav, file);
      samples = wav.samples;
    } catch (err) {
      errors.push({ file, error: err instanceof Error ? err.message : String(err) });
      continue;
    }
    const hasBeep = /-beep\b/i.test(file) ? true : /-nobeep\b/i.test(file) ? false : undefined;
    const cells: string[] = [];
    for (const mode of modes) {
      const { decision } = evaluateSamples(samples, amdParamsSchema.parse({ mode }));
      const r: LabelledResult = { file, truth, status: decision.status, decisionMs: decision.decisionMs };
      if (decision.beepAtMs !== undefined) r.beepAtMs = decision.beepAtMs;
      if (hasBeep !== undefined) r.hasBeep = hasBeep;
      results.get(mode)!.push(r);
      const ok = decision.status === (truth === 'human' ? 'HUMAN' : 'MACHINE') ? ' ' : '✗';
      const beep = decision.beepAtMs !== undefined ? ` beep@${decision.beepAtMs}` : '';
      cells.push(`${ok} ${decision.status.padEnd(7)} ${String(decision.decisionMs).padStart(5)} ms ${decision.cause}${beep}`);
    }
    rows.push({ file, truth, cells });
  }
  const summaries = new Map<AmdMode, ModeSummary>(modes.map((m) => [m, summarize(m, results.get(m)!)]));
  return { rows, errors, skipped, summaries, results };
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

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { dir: { type: 'string' }, mode: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || !values.dir) {
    process.stderr.write('Usage: centralita amd:eval --dir <folder of human-*.wav / machine-*.wav> [--mode app_amd|centralita]\n');
    return values.help ? 0 : 2;
  }
  if (values.mode !== undefined && !MODES.includes(values.mode as AmdMode)) {
    process.stderr.write(`--mode must be one of ${MODES.join(', ')} (got "${values.mode}")\n`);
    return 2;
  }
  const modes = values.mode ? [values.mode as AmdMode] : MODES;
  let evaluated: Awaited<ReturnType<typeof evaluateFolder>>;
  try {
    evaluated = await evaluateFolder(values.dir, modes);
  } catch (err) {
    process.stderr.write(`amd:eval: cannot read folder ${values.dir}: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
  const { rows, errors, skipped, summaries, results } = evaluated;

  const out = process.stdout;
  const width = Math.max(4, ...rows.map((r) => r.file.length));
  const colWidth = 44;
  out.write(`${'file'.padEnd(width)}  truth    ${modes.map((m) => m.padEnd(colWidth)).join('  ')}\n`);
  for (const r of rows) out.write(`${r.file.padEnd(width)}  ${r.truth.padEnd(7)}  ${r.cells.map((c) => c.padEnd(colWidth)).join('  ')}\n`);
  for (const e of errors) out.write(`! ${e.file}: ${e.error}\n`);
  if (skipped.length) out.write(`(skipped ${skipped.length} WAV files whose name starts with neither "human" nor "machine")\n`);
  out.write('\n');
  for (const s of summaries.values()) {
    out.write(
      `${s.mode.padEnd(10)} accuracy ${pct(s.accuracy)} (n=${s.n})  human ${s.human.correct}/${s.human.n} median ${s.human.medianDecisionMs} ms` +
        `  machine ${s.machine.correct}/${s.machine.n} median ${s.machine.medianDecisionMs} ms  beeps heard ${s.beep.found}/${s.beep.files}` +
        (errors.length ? `  bad files ${errors.length}` : '') +
        '\n',
    );
  }
  const primary = summaries.get(modes.length === 1 ? modes[0]! : DEFAULT_MODE)!;
  let last: object = { ...primary, badFiles: errors.length };
  if (modes.length > 1) {
    const paired = pairedHumanTimes(results);
    out.write(
      `humans every mode gets right: ${paired.n}; median decision ` +
        Object.entries(paired.medianDecisionMs).map(([m, v]) => `${m} ${v} ms`).join(', ') +
        '\n',
    );
    last = { ...last, modes: Object.fromEntries(summaries), pairedHumans: paired };
  }
  out.write(JSON.stringify(last) + '\n');
  return 0;
}
