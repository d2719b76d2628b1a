/**
 * `npm run bench:queuelog -- [--lines 5000000] [--json]`: a generated queue_log of N lines (time-ordered, the
 * event mix of generate.ts, kept in the temp folder between runs) is parsed into metrics — the real path:
 * file stream → parser → aggregator → metrics — in a child process of its own, so its peak memory is its own.
 * Beside it, in the same run, `wc -l` on the same file: the time just reading the file takes (the floor).
 * Memory: peak RSS and heap on the N-line file and on a 1 M-line file; flat when the big file's peak is within
 * 25 % (+ 16 MB) of the small one's. Goal: ≥ 1 M lines/s. The machine's load average is printed beside the
 * figures because other processes share its cores; so are CPU seconds, and a second same-run baseline: a naive
 * parse of the same file in JS (chunks decoded, `split('\n')`, `split('|')`, events counted — no validation, no
 * metrics), run in a child of its own right after the parser's, so "× naive" compares the two under the same load.
 * With --json the last line is one JSON object.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QueueLogAnalysis } from '../analysis.js';
import { streamFile } from '../sources/read-file.js';
import { generateQueueLog } from './generate.js';

const CLI = fileURLToPath(new URL('../../../bin/centralita.mjs', import.meta.url));
const GOAL = 1_000_000;

interface ChildResult {
  lines: number;
  kept: number;
  queues: number;
  wall_s: number;
  cpu_s: number;
  rss_start_mb: number;
  peak_rss_mb: number;
  peak_heap_mb: number;
}

const mb = (b: number) => Math.round((b / 1_048_576) * 10) / 10;

/** The naive baseline, run in a child: what a first JS script reading the file would do. */
async function naiveOnce(file: string): Promise<{ lines: number; wall_s: number; cpu_s: number }> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const events = new Map<string, number>();
  let lines = 0;
  let rest = '';
  const dec = new TextDecoder();
  await streamFile(file, (b) => {
    const parts = (rest + dec.decode(b, { stream: true })).split('\n');
    rest = parts.pop()!;
    for (const line of parts) {
      const f = line.split('|');
      lines++;
      const ev = f[4];
      if (ev !== undefined) events.set(ev, (events.get(ev) ?? 0) + 1);
    }
  });
  if (rest !== '') lines++;
  const cu = process.cpuUsage(c0);
  return { lines, wall_s: Math.round(performance.now() - t0) / 1000, cpu_s: Math.round((cu.user + cu.system) / 1000) / 1000 };
}

/** The measured part, run in the child. */
async function parseOnce(file: string): Promise<ChildResult> {
  const rssStart = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  let peakRss = rssStart;
  const analysis = new QueueLogAnalysis({ serviceLevel: () => 20, timeZone: 'America/Costa_Rica' });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  analysis.beginSource();
  await streamFile(file, (b) => {
    analysis.push(b);
    if ((++n & 7) === 0) {
      const m = process.memoryUsage();
      if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
      if (m.rss > peakRss) peakRss = m.rss;
    }
  });
  analysis.end();
  const r = analysis.result();
  const wall = (performance.now() - t0) / 1000;
  const cu = process.cpuUsage(c0);
  const m = process.memoryUsage();
  peakHeap = Math.max(peakHeap, m.heapUsed);
  peakRss = Math.max(peakRss, m.rss, process.resourceUsage().maxRSS * 1024);
  return {
    lines: r.lines,
    kept: r.kept,
    queues: Object.keys(r.metrics.queues).length,
    wall_s: Math.round(wall * 1000) / 1000,
    cpu_s: Math.round(((cu.user + cu.system) / 1e6) * 1000) / 1000,
    rss_start_mb: mb(rssStart),
    peak_rss_mb: mb(peakRss),
    peak_heap_mb: mb(peakHeap),
  };
}

function child<T = ChildResult>(file: string, mode = '--child'): Promise<T> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [CLI, 'bench:queuelog', mode, file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.on('error', reject);
    c.on('close', (code) => {
      try {
        if (code !== 0) throw new Error(`exit ${code}`);
        resolve(JSON.parse(out.trim().split('\n').pop()!) as T);
      } catch (err) {
        reject(new Error(`bench child on ${file} failed: ${(err as Error).message}`));
      }
    });
  });
}

/** The generated file, reused when a previous run left it (same line count and generator version). */
function ensureFile(dir: string, lines: number): { file: string; generated_s: number | null } {
  const file = path.join(dir, `queue_log-${lines}`);
  const meta = `${file}.meta`;
  const want = JSON.stringify({ lines, v: 2 });
  if (existsSync(file) && existsSync(meta) && readFileSync(meta, 'utf8') === want) return { file, generated_s: null };
  const t0 = performance.now();
  generateQueueLog(file, lines);
  writeFileSync(meta, want);
  return { file, generated_s: Math.round((performance.now() - t0) / 100) / 10 };
}

function wcL(file: string): { s: number; lines: number } {
  const t0 = performance.now();
  const r = spawnSync('wc', ['-l', file], { encoding: 'utf8', timeout: 60_000 });
  const s = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`wc -l failed: ${r.stderr}`);
  return { s: Math.round(s * 1000) / 1000, lines: Number(r.stdout.trim().split(/\s+/)[0]) };
}

export async function run(argv: string[]): Promise<number> {
  if (argv[0] === '--child') {
    process.stdout.write(`${JSON.stringify(await parseOnce(argv[1]!))}\n`);
    return 0;
  }
  if (argv[0] === '--child-naive') {
    process.stdout.write(`${JSON.stringify(await naiveOnce(argv[1]!))}\n`);
    return 0;
  }
  let lines = 5_000_000;
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') json = true;
    else if (argv[i] === '--lines') lines = Number(argv[++i]);
    else {
      process.stderr.write(`bench:queuelog: unknown option ${argv[i]} (--lines N, --json)\n`);
      return 2;
    }
  }
  if (!Number.isInteger(lines) || lines < 1000) {
    process.stderr.write('bench:queuelog: --lines must be a whole number ≥ 1000\n');
    return 2;
  }
  const dir = path.join(os.tmpdir(), 'centralita-queuelog-bench');
  mkdirSync(dir, { recursive: true });
  const small = Math.min(1_000_000, lines);
  process.stdout.write(`generating ${lines.toLocaleString('en')} and ${small.toLocaleString('en')} lines in ${dir} (reused when present)…\n`);
  const big = ensureFile(dir, lines);
  const little = ensureFile(dir, small);
  const load = Math.round(os.loadavg()[0]! * 100) / 100;
  wcL(big.file); // warm the page cache for both readers
  const wc = wcL(big.file);
  const parsed = await child(big.file);
  const naive = await child<{ lines: number; wall_s: number; cpu_s: number }>(big.file, '--child-naive');
  const wcAfter = wcL(big.file);
  const smallRun = await child(little.file);
  const lps = Math.round(parsed.lines / parsed.wall_s);
  const flat = parsed.peak_rss_mb <= smallRun.peak_rss_mb * 1.25 + 16;
  const result = {
    lines: parsed.lines,
    file_mb: mb(statSync(big.file).size),
    wc_l_s: wc.s,
    wc_l_s_after: wcAfter.s,
    wc_l_lines: wc.lines,
    parse_s: parsed.wall_s,
    parse_cpu_s: parsed.cpu_s,
    lines_per_s: lps,
    lines_per_cpu_s: Math.round(parsed.lines / parsed.cpu_s),
    wc_l_lines_per_s: Math.round(wc.lines / wc.s),
    times_wc_l: Math.round((parsed.wall_s / wc.s) * 10) / 10,
    naive_split: { wall_s: naive.wall_s, cpu_s: naive.cpu_s, lines_per_s: Math.round(naive.lines / naive.wall_s), lines_per_cpu_s: Math.round(naive.lines / naive.cpu_s) },
    /** Parser → metrics speed over the naive split's, CPU time (wall time swings with the machine's load). */
    times_naive_cpu: Math.round((naive.cpu_s / parsed.cpu_s) * 100) / 100,
    peak_rss_mb: parsed.peak_rss_mb,
    peak_heap_mb: parsed.peak_heap_mb,
    rss_start_mb: parsed.rss_start_mb,
    small: { lines: smallRun.lines, parse_s: smallRun.wall_s, peak_rss_mb: smallRun.peak_rss_mb, peak_heap_mb: smallRun.peak_heap_mb },
    memory_flat: flat,
    goal_lines_per_s: GOAL,
    goal_met: lps >= GOAL,
    load_avg_1m: load,
    cpus: os.cpus().length,
    generated_s: big.generated_s,
  };
  const rows = [
    ['file', `${result.lines.toLocaleString('en')} lines, ${result.file_mb} MB`],
    ['wc -l (read floor)', `${wc.s} s (${result.wc_l_lines_per_s.toLocaleString('en')} lines/s); again after: ${wcAfter.s} s`],
    ['parse → metrics', `${parsed.wall_s} s wall, ${parsed.cpu_s} s CPU: ${lps.toLocaleString('en')} lines/s (${result.lines_per_cpu_s.toLocaleString('en')} per CPU-second), ${result.times_wc_l}× wc -l`],
    ['naive split (JS)', `${naive.wall_s} s wall, ${naive.cpu_s} s CPU: ${result.naive_split.lines_per_s.toLocaleString('en')} lines/s (${result.naive_split.lines_per_cpu_s.toLocaleString('en')} per CPU-second); parser → metrics is ${result.times_naive_cpu}× its speed per CPU-second`],
    ['memory', `peak RSS ${parsed.peak_rss_mb} MB (heap ${parsed.peak_heap_mb} MB, RSS at start ${parsed.rss_start_mb} MB); ${small.toLocaleString('en')} lines: peak RSS ${smallRun.peak_rss_mb} MB (heap ${smallRun.peak_heap_mb} MB) → ${flat ? 'flat' : 'GROWS'}`],
    ['goal ≥ 1 M lines/s', result.goal_met ? 'met' : 'NOT met'],
    ['machine', `${result.cpus} cores, load average ${load} (shared)`],
  ];
  for (const [k, v] of rows) process.stdout.write(`${k!.padEnd(20)} ${v}\n`);
  if (json) process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}
