/**
 * `centralita pacing:pbx` (npm run pacing:pbx): the engine's predictive campaign on the embedded PBX against the
 * what-if simulator with the same parameters and list (bench/pacing-pbx.ts).
 *   --agents N (default 20)   --minutes M (default 60, virtual)   --seed S (default 1)   --sim-seeds K (default 5)
 *   --scenario <name|path> (default: the comparison's own scenario)   --json
 * With --json the last line of output is one JSON object with both rates.
 */
import { parseArgs } from 'node:util';
import { loadScenario } from '../engine/pacing/index.js';
import { PBX_SCENARIO, runPacingPbx } from './pacing-pbx.js';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      agents: { type: 'string', default: '20' },
      minutes: { type: 'string', default: '60' },
      seed: { type: 'string', default: '1' },
      'sim-seeds': { type: 'string', default: '5' },
      scenario: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write('usage: centralita pacing:pbx [--agents N] [--minutes M] [--seed S] [--sim-seeds K] [--scenario name|path.json] [--json]\n');
    return 0;
  }
  const positiveInt = (name: string, v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${v}"`);
    return n;
  };
  try {
    const scenario = values.scenario ? await loadScenario(values.scenario) : PBX_SCENARIO;
    const agents = positiveInt('agents', values.agents);
    const minutes = positiveInt('minutes', values.minutes);
    const r = await runPacingPbx({
      scenario,
      agents,
      minutes,
      seed: positiveInt('seed', values.seed),
      simSeeds: positiveInt('sim-seeds', values['sim-seeds']),
      onMinute: (m, calls) => {
        if (m > 0 && m % 10 === 0) process.stderr.write(`pacing:pbx: ${m}/${minutes} virtual min, ${calls} calls placed\n`);
      },
    });
    const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
    if (!values.json) {
      process.stdout.write(
        [
          `scenario ${r.scenario}, ${r.agents} agents, ${r.minutes} virtual minutes, seed ${r.seed} (${r.pbx.realSeconds} s)`,
          `embedded PBX: ${r.pbx.dials} dials, ${r.pbx.humans} humans answered, ${r.pbx.dropped} dropped → abandon ${pct(r.pbx.abandonUs)}`,
          `simulator:    ${r.sim.dials} dials, ${r.sim.humans} humans answered, ${r.sim.dropped} dropped → abandon ${pct(r.sim.abandonUs)}`,
          r.simSeedsMean !== null ? `simulator mean over ${values['sim-seeds']} seeds: ${pct(r.simSeedsMean)}` : '',
          `difference: ${r.diffPp.toFixed(2)} points`,
          '',
        ]
          .filter((l, i, a) => l !== '' || i === a.length - 1)
          .join('\n'),
      );
    }
    process.stdout.write(`${JSON.stringify(r)}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`pacing:pbx: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
