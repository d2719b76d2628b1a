#!/usr/bin/env node
// `npm run bench:start [-- --runs N] [-- --json]`: what one `centralita start` costs up to its banner, from the
// server's build (bin/server-build.mjs) and, as the baseline in the same run, from the TypeScript sources through
// tsx (CENTRALITA_FROM_SOURCE=1). Each start runs on an empty SQLite database in a temporary folder, HTTP_PORT=0,
// the embedded PBX; it is stopped (SIGTERM) once the banner is out. The two ways alternate, so load from other
// work weighs on both alike. Per way: the median ms from spawn to banner and the median CPU-seconds the process
// used by then (all its threads; Linux /proc). The tests spawn ~65 files' worth of such starts, so CPU matters most.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServer, ROOT } from '../bin/server-build.mjs';

const args = process.argv.slice(2);
const json = args.includes('--json');
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 5;
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs takes a whole number ≥ 1');

let ticks = 100;
try {
  ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  /* the usual value */
}
/** CPU-seconds (user + system, every thread) a live process used so far; null off Linux. */
function cpuSeconds(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticks;
  } catch {
    return null;
  }
}

/** One start: ms to the banner and CPU-s by then. */
function startOnce(fromSource) {
  const dir = mkdtempSync(join(tmpdir(), 'centralita-bench-start-'));
  const env = { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? dir, DB_PATH: join(dir, 'centralita.db'), HTTP_HOST: '127.0.0.1', HTTP_PORT: '0', ...(fromSource ? { CENTRALITA_FROM_SOURCE: '1' } : {}) };
  const started = performance.now();
  const child = spawn(process.execPath, ['bin/centralita.mjs', 'start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let result = null;
    const onData = (chunk) => {
      out += chunk;
      if (result || !/Health: http/.test(out)) return;
      result = { ms: performance.now() - started, cpu: cpuSeconds(child.pid) };
      child.kill('SIGTERM');
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const killer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('exit', (code, signal) => {
      clearTimeout(killer);
      rmSync(dir, { recursive: true, force: true });
      if (result) resolve(result);
      else reject(new Error(`start exited (${code ?? signal}) before its banner:\n${out.slice(-2000)}`));
    });
  });
}

const median = (xs) => {
  const s = xs.filter((x) => x !== null).sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const build = await buildServer();
const samples = { build: [], source: [] };
for (let i = 0; i < runs; i++) {
  for (const way of i % 2 ? ['source', 'build'] : ['build', 'source']) {
    samples[way].push(await startOnce(way === 'source'));
    if (!json) process.stderr.write('.');
  }
}
if (!json) process.stderr.write('\n');
const summary = (xs) => ({ medianMsToBanner: Math.round(median(xs.map((x) => x.ms))), medianCpuSecondsToBanner: median(xs.map((x) => x.cpu)), msToBanner: xs.map((x) => Math.round(x.ms)), cpuSecondsToBanner: xs.map((x) => x.cpu) });
const report = { runs, node: process.version, build: build.key, fromBuild: summary(samples.build), fromSource: summary(samples.source) };
const b = report.fromBuild;
const s = report.fromSource;
report.cpuSaved = b.medianCpuSecondsToBanner !== null && s.medianCpuSecondsToBanner !== null ? Math.round((1 - b.medianCpuSecondsToBanner / s.medianCpuSecondsToBanner) * 100) / 100 : null;
if (json) console.log(JSON.stringify(report));
else {
  console.log(`centralita start, ${runs} runs each (median): from the build ${b.medianMsToBanner} ms to banner, ${b.medianCpuSecondsToBanner} CPU-s; from the sources (tsx) ${s.medianMsToBanner} ms, ${s.medianCpuSecondsToBanner} CPU-s`);
}
