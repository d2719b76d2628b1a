/**
 * `centralita doctor [--json]`: checks the deployment described by the environment (the same variables as
 * `centralita start`), one line per check with the fix under each failure; exit code 1 when any check fails.
 * With no ARI_URL it checks the embedded PBX it starts, as `npm start` would run.
 */
import { parseArgs } from 'node:util';
import { configOrExitCode } from '../index.js';
import { startSimulator } from '../../engine/sim/index.js';
import { runDoctor, verdictOf } from './doctor.js';
import { formatResult } from './report.js';

export async function run(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean', default: false } } });
  const config = configOrExitCode();
  if (config === 2) return 2;
  const print = (line: string) => {
    if (!values.json) process.stdout.write(`${line}\n`);
  };
  const sim = config.ARI_URL ? null : await startSimulator({ seed: config.SIM_SEED, mediaMode: 'realtime' });
  try {
    const target = sim
      ? { url: sim.url, username: sim.username, password: sim.password, app: config.ARI_APP }
      : { url: config.ARI_URL!, username: config.ARI_USERNAME, password: config.ARI_PASSWORD ?? '', app: config.ARI_APP };
    print(sim ? `centralita doctor: no ARI_URL, checking the embedded PBX (${sim.url})` : `centralita doctor: ${target.url} as "${target.username}", Stasis app "${target.app}"`);
    const results = await runDoctor(target, config, (r) => print(formatResult(r)));
    const verdict = verdictOf(results);
    if (values.json) process.stdout.write(`${JSON.stringify({ ok: verdict.code === 0, checks: results })}\n`);
    else print(verdict.line);
    return verdict.code;
  } finally {
    await sim?.close();
  }
}
