/**
 * `npm run bench` (`centralita bench`): every benchmark, one after the other, each in its own process so one
 * does not measure the other's leftovers (workers, sockets, a million-row database). Each prints its own table
 * with figures against a baseline measured in the same run; with --json the last line is one object
 * `{"media": …, "api": …, "import": …}` holding each benchmark's own JSON last line.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES = ['bench:media', 'bench:api', 'bench:import'] as const;
const CLI = fileURLToPath(new URL('../../bin/centralita.mjs', import.meta.url));

/** Runs one benchmark, echoing its output, and returns its exit code and its last output line. */
function runOne(name: string, json: boolean): Promise<{ code: number; last: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, name, ...(json ? ['--json'] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
    let tail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString('utf8')).slice(-1_000_000);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = tail.trimEnd().split('\n');
      resolve({ code: code ?? 1, last: lines[lines.length - 1] ?? '' });
    });
  });
}

export async function run(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const unknown = argv.filter((a) => a !== '--json');
  if (unknown.length > 0) {
    process.stderr.write(`bench: unknown option ${unknown[0]} (only --json; run bench:media / bench:api / bench:import for their own options)\n`);
    return 2;
  }
  const results: Record<string, unknown> = {};
  let failed = 0;
  for (const name of BENCHES) {
    process.stdout.write(`\n── ${name} ──\n`);
    const { code, last } = await runOne(name, json);
    if (code !== 0) failed++;
    if (json) {
      try {
        results[name.slice('bench:'.length)] = JSON.parse(last) as unknown;
      } catch {
        results[name.slice('bench:'.length)] = { error: `exit ${code}, no JSON last line` };
      }
    }
  }
  if (json) process.stdout.write(`${JSON.stringify(results)}\n`);
  return failed === 0 ? 0 : 1;
}
