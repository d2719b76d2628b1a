/**
 * `centralita simulate` (npm run simulate): what-if pacing comparison of a scenario.
 *   --scenario <name|path>  (default standard)   --agents N   --seeds K (default 5)   --hours H   --json
 *   --first-seed S (default 1): seeds S … S+K−1, e.g. to check figures on seeds not used for tuning
 * With --json the last line of output is one JSON object (the SimulationReport).
 */
import { parseArgs } from 'node:util';
import { formatReport } from './report.js';
import { runComparison } from './runner.js';
import { loadScenario } from './scenario.js';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      scenario: { type: 'string', default: 'standard' },
      agents: { type: 'string' },
      seeds: { type: 'string', default: '5' },
      'first-seed': { type: 'string' },
      hours: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write('usage: centralita simulate [--scenario standard|path.json] [--agents N] [--seeds K] [--first-seed S] [--hours H] [--json]\n');
    return 0;
  }
  const positiveInt = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${v}"`);
    return n;
  };
  try {
    const scenario = await loadScenario(values.scenario);
    const hours = values.hours === undefined ? undefined : Number(values.hours);
    if (hours !== undefined && !(hours > 0)) throw new Error(`--hours must be positive, got "${values.hours}"`);
    const started = performance.now();
    const report = runComparison(scenario, {
      agents: positiveInt('agents', values.agents),
      seeds: positiveInt('seeds', values.seeds),
      firstSeed: positiveInt('first-seed', values['first-seed']),
      shiftHours: hours,
    });
    const elapsedMs = Math.round(performance.now() - started);
    if (values.json) process.stdout.write(`${JSON.stringify({ ...report, elapsedMs })}\n`);
    else process.stdout.write(`${formatReport(report)}\n\n(${elapsedMs} ms)\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`simulate: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
